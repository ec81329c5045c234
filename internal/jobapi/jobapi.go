// Package jobapi holds the job contracts shared by the engine and the public starter package,
// which re-exports them under their public names. It imports nothing of the project.
package jobapi

import (
	"context"
	"time"
)

// ShardingContext is what one sharding item of one run sees, as ElasticJob's ShardingContext.
type ShardingContext struct {
	JobName            string
	TaskID             string // job@-@items@-@READY@-@instanceID, as ElasticJob
	ShardingTotalCount int
	JobParameter       string
	ShardingItem       int
	ShardingParameter  string
	// FireTime is the scheduled fire time this run serves; for a misfire or failover run, the
	// fire it compensates, when known.
	FireTime time.Time
}

// ShardingContexts holds all items of one run on one instance.
type ShardingContexts struct {
	JobName, TaskID, JobParameter string
	ShardingTotalCount            int
	ShardingItemParameters        map[int]string // item -> parameter, one entry per item of this run
	FireTime                      time.Time
}

// SimpleJob runs once per sharding item of a fire.
type SimpleJob interface {
	Execute(ctx context.Context, sc ShardingContext) error
}

// SimpleJobFunc adapts a func to SimpleJob.
type SimpleJobFunc func(ctx context.Context, sc ShardingContext) error

// Execute calls f.
func (f SimpleJobFunc) Execute(ctx context.Context, sc ShardingContext) error { return f(ctx, sc) }

// DataflowJob fetches data for an item and processes it; with props streaming.process=true it
// keeps fetching while data comes back.
type DataflowJob[T any] interface {
	FetchData(ctx context.Context, sc ShardingContext) ([]T, error)
	ProcessData(ctx context.Context, sc ShardingContext, data []T) error
}

// Listener is ElasticJob's ElasticJobListener: called before and after every run on an instance.
type Listener interface {
	BeforeJobExecuted(ctx context.Context, scs ShardingContexts) error
	AfterJobExecuted(ctx context.Context, scs ShardingContexts) error
}
