package main

import (
	"context"
	"strconv"
)

func init() {
	register(&command{
		name: "job", args: []string{"JOB"},
		summary: "one job: status, instances, items, cron, next fire, description",
		setup: noFlags(func(ctx context.Context, e *env, args []string) error {
			op, err := e.operator(ctx)
			if err != nil {
				return err
			}
			j, err := op.Job(ctx, args[0])
			if err != nil {
				return err
			}
			return e.show(j, []string{"FIELD", "VALUE"}, [][]string{
				{"job", j.JobName},
				{"status", string(j.Status)},
				{"instances", strconv.Itoa(j.InstanceCount)},
				{"items", strconv.Itoa(j.ShardingTotalCount)},
				{"cron", orDash(j.Cron)},
				{"next fire", e.when(j.NextFireTime)},
				{"description", orDash(j.Description)},
			})
		}),
	})
}
