package main

import "github.com/elasticjob-go/elasticjob/lifecycle"

func init() {
	register(serverCommand("disable", "disable a job on its servers, or every job on a server: they get no items", "disabled", (*lifecycle.Operator).Disable))
}
