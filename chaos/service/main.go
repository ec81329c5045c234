// Command service is the service under test of the chaos harness (chaos/cmd/ejchaos), written
// as a user writes one: a job type with an //elasticjob: directive in package jobs, the module
// ejgen generates from it, and autoconfig. The harness configures it through ELASTICJOB_*
// variables (ZooKeeper, namespace, session timeout) and names its ledger in CHAOS_LEDGER.
package main

import (
	"log/slog"
	"os"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/chaos/service/jobs"
)

func main() {
	if os.Getenv("CHAOS_DEBUG") != "" {
		slog.SetLogLoggerLevel(slog.LevelDebug) // the engine's debug lines, to trace an anomaly
	}
	// fx reports only its errors (a start-up that failed, say), once each, on stderr.
	errorsOnly := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	fx.New(autoconfig.Module, jobs.Module,
		fx.WithLogger(func() fxevent.Logger { return autoconfig.NewQuietLogger(errorsOnly) }),
	).Run()
}
