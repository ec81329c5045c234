package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

func init() {
	register(&command{
		name: "config", args: []string{"get|set|remove", "JOB"}, flags: "[-f FILE]",
		summary: "print a job's configuration (YAML, as the registry holds it), replace it from FILE (- for stdin), or remove the job",
		setup: func(fs *flag.FlagSet) runFunc {
			file := fs.String("f", "", "the configuration to set (YAML, as config get prints it); - reads stdin")
			return func(ctx context.Context, e *env, args []string) error {
				action, job := args[0], args[1]
				switch {
				case action == "set" && *file == "":
					return usagef("config set needs -f FILE")
				case action != "set" && *file != "":
					return usagef("-f is for config set")
				}
				switch action {
				case "get":
					return configGet(ctx, e, job)
				case "set":
					return configSet(ctx, e, job, *file)
				case "remove":
					return configRemove(ctx, e, job)
				}
				return usagef("config %s: want get, set or remove", action)
			}
		},
	})
}

func configGet(ctx context.Context, e *env, job string) error {
	op, err := e.operator(ctx)
	if err != nil {
		return err
	}
	cfg, err := op.Config(ctx, job)
	if err != nil {
		return err
	}
	if e.json {
		return e.writeJSON(cfg)
	}
	_, err = io.WriteString(e.out, lifecycle.FormatConfig(cfg))
	return err
}

// configSet reads and checks the file before it connects: a file that does not validate
// changes nothing.
func configSet(ctx context.Context, e *env, job, file string) error {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(os.Stdin)
		file = "stdin"
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	cfg, err := lifecycle.ParseConfig(file, data)
	if err != nil {
		return err
	}
	switch cfg.JobName {
	case "":
		cfg.JobName = job
	case job:
	default:
		return fmt.Errorf("%s: jobName is %q, not %q", file, cfg.JobName, job)
	}
	op, err := e.operator(ctx)
	if err != nil {
		return err
	}
	if err := op.UpdateConfig(ctx, cfg); err != nil {
		return err
	}
	e.say("updated the configuration of %s", job)
	return nil
}

func configRemove(ctx context.Context, e *env, job string) error {
	op, err := e.operator(ctx)
	if err != nil {
		return err
	}
	if err := op.RemoveConfig(ctx, job); err != nil {
		return err
	}
	e.say("removed %s from the registry", job)
	return nil
}
