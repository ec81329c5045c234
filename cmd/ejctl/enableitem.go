package main

import "github.com/elasticjob-go/elasticjob/lifecycle"

func init() {
	register(itemCommand("enable-item", "let a disabled item run again", "enabled", (*lifecycle.Operator).EnableItem))
}
