// Command quickstart is an elasticjob-go service as a user writes it: jobs marked with
// //elasticjob: directives in package jobs (go generate turns them into jobs.Module),
// configured by application.yaml. Without regCenter.serverLists it runs on the embedded
// in-process registry, so it needs no ZooKeeper: `make run`, then Ctrl-C. It writes ElasticJob's
// execution history into a local SQLite file and serves the web console on
// http://127.0.0.1:8899/ (the address is logged at start).
package main

import (
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/console"
	"github.com/elasticjob-go/elasticjob/examples/quickstart/jobs"
	"github.com/elasticjob-go/elasticjob/tracing"
)

func main() {
	fx.New(autoconfig.QuietLogger, autoconfig.Module, tracing.Module, console.Module, jobs.Module).Run()
}
