package main

import (
	"context"
	"flag"
)

func init() {
	register(&command{
		name: "trigger", args: []string{"JOB"}, flags: "[--param VALUE]",
		summary: "run the job once now on every instance (--param: with a one-off job parameter)",
		setup: func(fs *flag.FlagSet) runFunc {
			var param *string
			fs.Func("param", "one-off job parameter for this run", func(v string) error {
				param = &v
				return nil
			})
			return func(ctx context.Context, e *env, args []string) error {
				return trigger(ctx, e, args[0], param)
			}
		},
	})
}

func trigger(ctx context.Context, e *env, job string, param *string) error {
	op, err := e.operator(ctx)
	if err != nil {
		return err
	}
	if param != nil {
		err = op.TriggerWithParameter(ctx, job, *param)
	} else {
		err = op.Trigger(ctx, job)
	}
	if err != nil {
		return err
	}
	e.say("triggered %s", job)
	return nil
}
