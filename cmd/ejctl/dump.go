package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"time"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

func init() {
	register(&command{
		name: "dump", args: []string{"JOB"}, flags: "--instance HOST:PORT",
		summary: "print the job's registry subtree as the instance sees it, from its dump service (elasticjob.dump.port; --timeout, default 30s)",
		setup: func(fs *flag.FlagSet) runFunc {
			instance := fs.String("instance", "", "the instance's dump service, HOST:PORT")
			timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the dump")
			return func(ctx context.Context, e *env, args []string) error {
				return dump(ctx, e, args[0], *instance, *timeout)
			}
		},
	})
}

// dump prints the text as the service sends it (-o has no effect: the format is ElasticJob's).
// It needs no registry: it talks to the instance.
func dump(ctx context.Context, e *env, job, instance string, timeout time.Duration) error {
	if instance == "" {
		return usagef("--instance HOST:PORT is required")
	}
	if _, _, err := net.SplitHostPort(instance); err != nil {
		return usagef("--instance %s: want HOST:PORT", instance)
	}
	if timeout <= 0 {
		return usagef("--timeout %v: want a positive duration", timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	text, err := lifecycle.Dump(ctx, instance, job)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(e.out, text)
	return err
}
