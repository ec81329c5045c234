package main

import "github.com/elasticjob-go/elasticjob/lifecycle"

func init() {
	register(serverCommand("enable", "enable what disable disabled", "enabled", (*lifecycle.Operator).Enable))
}
