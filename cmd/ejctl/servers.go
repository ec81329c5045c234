package main

import (
	"context"
	"strconv"
)

func init() {
	register(&command{
		name:    "servers",
		summary: "every server IP: instances, jobs, disabled jobs",
		setup: noFlags(func(ctx context.Context, e *env, _ []string) error {
			op, err := e.operator(ctx)
			if err != nil {
				return err
			}
			servers, err := op.Servers(ctx)
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(servers))
			for _, s := range servers {
				rows = append(rows, []string{s.ServerIP, strconv.Itoa(s.InstancesNum), strconv.Itoa(s.JobsNum), strconv.Itoa(s.DisabledJobsNum)})
			}
			return e.show(servers, []string{"SERVER IP", "INSTANCES", "JOBS", "DISABLED JOBS"}, rows)
		}),
	})
}
