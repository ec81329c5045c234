package main

import "github.com/elasticjob-go/elasticjob/lifecycle"

func init() {
	register(serverCommand("remove", "shutdown, then delete the server nodes of the job", "removed", (*lifecycle.Operator).Remove))
}
