package main

import "github.com/elasticjob-go/elasticjob/lifecycle"

func init() {
	register(serverCommand("shutdown", "stop a job on its instances (on one server with --server); their other jobs go on", "shut down", (*lifecycle.Operator).Shutdown))
}
