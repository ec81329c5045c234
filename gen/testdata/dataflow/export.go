// Package dataflow holds dataflow jobs: the element type comes from the method signatures.
package dataflow

import (
	"context"

	"github.com/elasticjob-go/elasticjob/gen/testdata/dataflow/model"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Sink receives the exported orders.
type Sink struct{ Orders []model.Order }

// OrderExport exports orders one per fetch, streaming.
//
//elasticjob:job name=orderExport cron="0 * * * * ?" props.streaming.process=true
type OrderExport struct {
	pending []model.Order
	sink    *Sink
}

func NewOrderExport(pending []model.Order, sink *Sink) *OrderExport {
	return &OrderExport{pending: pending, sink: sink}
}

func (j *OrderExport) FetchData(ctx context.Context, sc starter.ShardingContext) ([]model.Order, error) {
	if len(j.pending) == 0 {
		return nil, nil
	}
	batch := j.pending[:1]
	j.pending = j.pending[1:]
	return batch, nil
}

func (j *OrderExport) ProcessData(ctx context.Context, sc starter.ShardingContext, data []model.Order) error {
	j.sink.Orders = append(j.sink.Orders, data...)
	return nil
}
