package main

import "github.com/elasticjob-go/elasticjob/lifecycle"

func init() {
	register(itemCommand("disable-item", "stop an item from running until enable-item", "disabled", (*lifecycle.Operator).DisableItem))
}
