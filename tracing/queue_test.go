package tracing

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/starter"
)

// A full queue drops new events, counts them and says so at most once a minute; Observe never
// waits. What was queued is written once the writer runs.
func TestFullQueueDropsAndCounts(t *testing.T) {
	var logs testkit.Buffer
	o, err := newObserver(Options{QueueSize: 10, Logger: textLog(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	for i := range 5 { // 5 runs of one item: 5 records each
		evs = append(evs, run("busy", starter.SourceNormal, i, []int{0}, nil)...)
	}
	for _, e := range evs {
		o.Observe(e)
	}
	if o.Dropped() != 15 {
		t.Fatalf("dropped %d of 25 records with a queue of 10, want 15", o.Dropped())
	}
	if n := strings.Count(logs.String(), "the event queue is full"); n != 1 {
		t.Fatalf("%d 'queue is full' lines, want 1:\n%s", n, logs.String())
	}
	s := openStore(t, backends[0].open(t))
	o.w.start(s)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := o.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if o.Written() != 10 || o.Dropped() != 15 {
		t.Fatalf("written %d, dropped %d; want 10 and 15", o.Written(), o.Dropped())
	}
	p, err := s.StatusTraces(ctx, StatusQuery{JobName: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Executions(ctx, ExecutionQuery{JobName: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 6 || e.Total != 2 { // the first two runs' 5 records each: 3 states and an item
		t.Fatalf("%d status and %d execution rows, want 6 and 2", p.Total, e.Total)
	}
}

// Close on a database that stays down gives up at its deadline, counting what it could not
// write.
func TestCloseIsBounded(t *testing.T) {
	server := backends[0].open(t)
	s := openStore(t, server)
	o, err := NewObserver(s, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.db.Close() // the database is gone for good
	for _, e := range run("stuck", starter.SourceNormal, 0, []int{0}, nil) {
		o.Observe(e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	began := time.Now()
	err = o.Close(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "tracing: the queue was not written before the stop deadline; the rest was dropped") {
		t.Fatalf("close error %v", err)
	}
	if waited := time.Since(began); waited > time.Minute {
		t.Fatalf("close took %s", waited)
	}
	if o.Dropped() != 5 || o.Written() != 0 {
		t.Fatalf("dropped %d, written %d; want 5 and 0", o.Dropped(), o.Written())
	}
}
