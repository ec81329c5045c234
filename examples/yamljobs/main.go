// Command yamljobs runs jobs declared in application.yaml alone, without any Go job code: a
// SCRIPT job, which runs a program with the item's ShardingContext JSON as its last argument
// (no shell), and an HTTP job, which sends it in the shardingContext header. There is no jobs
// module: autoconfig.Module builds these jobs from their elasticJobType.
//
// Without regCenter.serverLists it runs on the embedded in-process registry. The HTTP job's
// URL comes from application.yaml or from the environment:
//
//	ELASTICJOB_JOBS_PING_PROPS_HTTP_URI=http://127.0.0.1:9000/ping go run .
package main

import (
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
)

func main() {
	fx.New(autoconfig.QuietLogger, autoconfig.Module).Run()
}
