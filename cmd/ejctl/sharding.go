package main

import (
	"context"
	"strconv"
)

func init() {
	register(&command{
		name: "sharding", args: []string{"JOB"},
		summary: "a job's items: status, server, instance, failover, last fire started",
		setup: noFlags(func(ctx context.Context, e *env, args []string) error {
			op, err := e.operator(ctx)
			if err != nil {
				return err
			}
			items, err := op.Sharding(ctx, args[0])
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				failover := "-"
				if it.Failover {
					failover = "true"
				}
				rows = append(rows, []string{strconv.Itoa(it.Item), string(it.Status), orDash(it.ServerIP),
					orDash(it.InstanceID), failover, e.when(it.LastFireStarted)})
			}
			return e.show(items, []string{"ITEM", "STATUS", "SERVER IP", "INSTANCE", "FAILOVER", "LAST FIRE STARTED"}, rows)
		}),
	})
}
