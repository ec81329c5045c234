package main

import (
	"context"
	"strconv"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// itemCommand is a command on one item of a job: ejctl NAME JOB ITEM.
func itemCommand(name, summary, done string, do func(op *lifecycle.Operator, ctx context.Context, job string, item int) error) *command {
	return &command{
		name: name, args: []string{"JOB", "ITEM"}, summary: summary,
		setup: noFlags(func(ctx context.Context, e *env, args []string) error {
			item, err := strconv.Atoi(args[1])
			if err != nil || item < 0 {
				return usagef("ITEM %q is not an item number", args[1])
			}
			op, err := e.operator(ctx)
			if err != nil {
				return err
			}
			if err := do(op, ctx, args[0], item); err != nil {
				return err
			}
			e.say("%s item %d of %s", done, item, args[0])
			return nil
		}),
	}
}
