// Command ejctl operates an elasticjob-go (or ElasticJob-Lite 3.0.x) cluster through its
// registry: job, server and item status, trigger, disable and enable, shutdown and remove,
// configuration; and, from an instance's dump service, what that instance sees of a job
// (dump). It reads the registry settings as a service does (application.yaml or
// ELASTICJOB_CONFIG, then ELASTICJOB_* variables), so in a service's directory it needs no
// flags; --server-lists, --namespace and --digest override them.
//
// Exit status: 0 on success, 1 on an error (one line naming what failed; nothing is changed),
// 2 on bad usage.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
