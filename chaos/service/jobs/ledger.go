package jobs

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Ledger is the chaos job: every item execution works for a random 50–400 ms and records its
// start and its end to the process's ledger file (CHAOS_LEDGER, JSON lines, O_APPEND: a line is
// one write, so a kill -9 loses at most the line being written). Its instance name is
// CHAOS_INSTANCE.
//
//elasticjob:job name=chaos cron="* * * * * ?" shardingTotalCount=6 failover=true misfire=true overwrite=true
type Ledger struct {
	ledger   *ledger.Writer
	instance string
}

// NewLedger opens CHAOS_LEDGER for appending.
func NewLedger() (*Ledger, error) {
	path := os.Getenv("CHAOS_LEDGER")
	if path == "" {
		return nil, fmt.Errorf("chaos service: CHAOS_LEDGER is unset")
	}
	w, err := ledger.Create(path)
	if err != nil {
		return nil, fmt.Errorf("chaos service: %w", err)
	}
	return &Ledger{ledger: w, instance: os.Getenv("CHAOS_INSTANCE")}, nil
}

// Execute works on the item, honouring ctx: completion is recorded only when ctx is still live
// at the end of the work, which is what fencing promises a user.
func (l *Ledger) Execute(ctx context.Context, sc starter.ShardingContext) error {
	e := ledger.Entry{Job: sc.JobName, Item: sc.ShardingItem, Fire: sc.FireTime.UnixMilli(), Instance: l.instance}
	if err := l.record(e, "started"); err != nil {
		return err
	}
	work := time.NewTimer(time.Duration(50+rand.IntN(350)) * time.Millisecond)
	defer work.Stop()
	select {
	case <-work.C:
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return l.record(e, "cancelled")
	}
	return l.record(e, "completed")
}

func (l *Ledger) record(e ledger.Entry, event string) error {
	e.Event, e.At = event, time.Now().UnixMilli()
	if err := l.ledger.Record(e); err != nil {
		return fmt.Errorf("chaos service: %w", err)
	}
	return nil
}
