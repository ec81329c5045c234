// Command userservice is an elasticjob-go service written as a user writes one, in its own Go
// module: its own fx module (store.Module, a dependency with a lifecycle), a job marked with
// an //elasticjob: directive (jobs.Report, turned into jobs.Module by go generate), one
// fx.New, and application.yaml. Started several times on one ZooKeeper, its processes share
// the job's items.
package main

import (
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"

	"example.com/userservice/jobs"
	"example.com/userservice/store"
)

func main() {
	fx.New(autoconfig.QuietLogger, autoconfig.Module, store.Module, jobs.Module).Run()
}
