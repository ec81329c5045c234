package main

import (
	"context"
	"flag"
	"strconv"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

func init() {
	register(&command{
		name: "jobs", flags: "[--server IP]",
		summary: "every job: status, instances, items, cron, next fire (--server: the jobs on one server)",
		setup: func(fs *flag.FlagSet) runFunc {
			server := fs.String("server", "", "list the jobs on this server IP")
			return func(ctx context.Context, e *env, _ []string) error {
				return listJobs(ctx, e, *server)
			}
		},
	})
}

func listJobs(ctx context.Context, e *env, server string) error {
	op, err := e.operator(ctx)
	if err != nil {
		return err
	}
	if server != "" {
		return jobsOnServer(ctx, e, op, server)
	}
	jobs, err := op.Jobs(ctx)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(jobs))
	for _, j := range jobs {
		rows = append(rows, []string{j.JobName, string(j.Status), strconv.Itoa(j.InstanceCount),
			strconv.Itoa(j.ShardingTotalCount), orDash(j.Cron), e.when(j.NextFireTime), orDash(j.Description)})
	}
	return e.show(jobs, []string{"JOB", "STATUS", "INSTANCES", "ITEMS", "CRON", "NEXT FIRE", "DESCRIPTION"}, rows)
}

func jobsOnServer(ctx context.Context, e *env, op *lifecycle.Operator, ip string) error {
	jobs, err := op.JobsOnServer(ctx, ip)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(jobs))
	for _, j := range jobs {
		rows = append(rows, []string{j.JobName, string(j.Status), strconv.Itoa(j.InstanceCount)})
	}
	return e.show(jobs, []string{"JOB", "STATUS", "INSTANCES ON " + ip}, rows)
}
