// Package listeners has a job with per-instance and distribute-once listeners.
package listeners

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Audited is the job the listeners watch.
//
//elasticjob:job name=audited cron="0 15 10 ? * 6L 2026-2030"
func Audited(ctx context.Context, sc starter.ShardingContext) error { return nil }

// Audit logs every run; it is also the once-per-fire listener, sharing one instance.
//
//elasticjob:listener job=audited order=1
//elasticjob:distributeonce job=audited startedTimeout=10s completedTimeout=1m30s order=2
type Audit struct{ Events []string }

func (a *Audit) BeforeJobExecuted(ctx context.Context, scs starter.ShardingContexts) error {
	a.Events = append(a.Events, "before")
	return nil
}

func (a *Audit) AfterJobExecuted(ctx context.Context, scs starter.ShardingContexts) error {
	a.Events = append(a.Events, "after")
	return nil
}

// Metrics listens to a job declared in YAML alone, with the default order and timeouts.
//
//elasticjob:listener job=nightlyBackup
//elasticjob:distributeonce job=nightlyBackup
type Metrics struct{}

func (Metrics) BeforeJobExecuted(ctx context.Context, scs starter.ShardingContexts) error { return nil }
func (Metrics) AfterJobExecuted(ctx context.Context, scs starter.ShardingContexts) error  { return nil }
