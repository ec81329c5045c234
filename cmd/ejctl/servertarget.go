package main

import (
	"context"
	"flag"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// serverCommand is a command on a job, a server or both (disable, enable, shutdown, remove):
// ejctl NAME JOB, ejctl NAME JOB --server IP, ejctl NAME --server IP.
func serverCommand(name, summary, done string, do func(op *lifecycle.Operator, ctx context.Context, job, ip string) error) *command {
	return &command{
		name: name, args: []string{"[JOB]"}, flags: "[--server IP]", summary: summary,
		setup: func(fs *flag.FlagSet) runFunc {
			server := fs.String("server", "", "server IP: only this server (without JOB: every job on it)")
			return func(ctx context.Context, e *env, args []string) error {
				job := ""
				if len(args) > 0 {
					job = args[0]
				}
				if job == "" && *server == "" {
					return usagef("give JOB, --server IP or both")
				}
				op, err := e.operator(ctx)
				if err != nil {
					return err
				}
				if err := do(op, ctx, job, *server); err != nil {
					return err
				}
				switch {
				case *server == "":
					e.say("%s %s on every server", done, job)
				case job == "":
					e.say("%s every job on %s", done, *server)
				default:
					e.say("%s %s on %s", done, job, *server)
				}
				return nil
			}
		},
	}
}
