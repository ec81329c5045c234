// Package simple is a job type whose constructor has dependencies and may fail.
package simple

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Config is what the job needs from the application.
type Config struct{ DSN string }

// OrderSync copies orders.
//
//elasticjob:job name=orderSync cron="0/5 * * * * ?" shardingTotalCount=3 shardingItemParameters="0=A,1=B,2=C" failover=true
type OrderSync struct {
	dsn  string
	runs atomic.Int32
}

// NewOrderSync fails without a DSN.
func NewOrderSync(cfg Config) (*OrderSync, error) {
	if cfg.DSN == "" {
		return nil, errors.New("orderSync: no DSN")
	}
	return &OrderSync{dsn: cfg.DSN}, nil
}

func (j *OrderSync) Execute(ctx context.Context, sc starter.ShardingContext) error {
	j.runs.Add(1)
	return nil
}
