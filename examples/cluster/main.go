// Command cluster is an elasticjob-go service meant to run as several processes on one
// ZooKeeper: the six items of its job are shared among the live processes, and the items of a
// process that dies are run by the others. See "Run a cluster by hand" in the README.
//
// application.yaml points it at 127.0.0.1:2181; ELASTICJOB_REGCENTER_SERVERLISTS overrides
// that, like any other key (ELASTICJOB_REGCENTER_NAMESPACE, ELASTICJOB_JOBS_SPLIT_CRON...).
package main

import (
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/examples/cluster/jobs"
)

func main() {
	fx.New(autoconfig.QuietLogger, autoconfig.Module, jobs.Module).Run()
}
