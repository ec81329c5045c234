package jobtype

import (
	"context"
	"fmt"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// DataflowRunner runs a dataflow job's items as ElasticJob's DataflowJobExecutor.
type DataflowRunner[T any] struct {
	job               jobapi.DataflowJob[T]
	streaming         func() bool
	reshardingPending func() bool
}

// Dataflow adapts a dataflow job. streaming reports the live props streaming.process of the
// job; reshardingPending reports whether a resharding is needed. Both are asked again before
// every further fetch of a streaming item; nil means false.
func Dataflow[T any](job jobapi.DataflowJob[T], streaming func() bool, reshardingPending func() bool) *DataflowRunner[T] {
	return &DataflowRunner[T]{job: job, streaming: streaming, reshardingPending: reshardingPending}
}

// RunItem fetches and processes data for one item: once, or, when streaming, until a fetch
// returns nothing, a resharding is pending, streaming is switched off or ctx is done.
func (r *DataflowRunner[T]) RunItem(ctx context.Context, sc jobapi.ShardingContext) error {
	streaming := ask(r.streaming)
	for {
		data, err := r.job.FetchData(ctx, sc)
		if err != nil {
			return fmt.Errorf("dataflow job: fetch data: %w", err)
		}
		if len(data) == 0 {
			return nil
		}
		if err := r.job.ProcessData(ctx, sc, data); err != nil {
			return fmt.Errorf("dataflow job: process data: %w", err)
		}
		if !streaming || ctx.Err() != nil || ask(r.reshardingPending) || !ask(r.streaming) {
			return nil
		}
	}
}

func ask(f func() bool) bool { return f != nil && f() }
