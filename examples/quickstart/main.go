// Command quickstart is an elasticjob-go service as a user writes it: jobs marked with
// //elasticjob: directives in package jobs (go generate turns them into jobs.Module),
// configured by application.yaml. Without regCenter.serverLists it runs on the embedded
// in-process registry, so it needs no ZooKeeper: `make run`, then Ctrl-C.
package main

import (
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/examples/quickstart/jobs"
)

func main() {
	fx.New(autoconfig.QuietLogger, autoconfig.Module, jobs.Module).Run()
}
