package tracing

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
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

// The queue is a ring: events come out in the order they went in across its end, a full queue
// refuses the next, and a slot keeps nothing of an event taken out of it.
func TestQueueKeepsOrderAcrossItsEnd(t *testing.T) {
	q := newQueue(3)
	ev := func(i int) *Event { return &Event{Kind: starter.EventItemStarted, Job: "ring", Item: i} }
	var got []int
	take := func() {
		var e Event
		if !q.pop(&e) {
			t.Fatalf("empty queue after %v", got)
		}
		got = append(got, e.Item)
	}
	for i := range 2 {
		if !q.push(ev(i)) {
			t.Fatalf("push %d refused", i)
		}
	}
	take()
	for i := 2; i < 4; i++ { // the second one goes into the ring's first slot
		if !q.push(ev(i)) {
			t.Fatalf("push %d refused", i)
		}
	}
	if q.push(ev(4)) {
		t.Fatal("a full queue took an event")
	}
	for !q.empty() {
		take()
	}
	if fmt.Sprint(got) != "[0 1 2 3]" {
		t.Fatalf("events out %v, want [0 1 2 3]", got)
	}
	var e Event
	if q.pop(&e) {
		t.Fatalf("pop from an empty queue gave %+v", e)
	}
	for i := range q.slots {
		if q.slots[i].ev.Job != "" {
			t.Fatalf("slot %d still holds %+v", i, q.slots[i].ev)
		}
	}
}

// Pushers on every core and one popper: every event comes out once, and each pusher's events in
// the order it pushed them (the writer pairs an item's end with its start). A full queue refuses
// a push, which the pusher here retries.
func TestQueueManyPushersOnePopper(t *testing.T) {
	const pushers, each = 8, 20_000
	q := newQueue(64)
	var wg sync.WaitGroup
	for p := range pushers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				e := Event{Job: fmt.Sprint(p), Items: []int{i}}
				for !q.push(&e) {
					runtime.Gosched()
				}
			}
		}()
	}
	next := make([]int, pushers)
	var e Event
	for got := 0; got < pushers*each; {
		if !q.pop(&e) {
			select {
			case <-q.ready:
			case <-time.After(time.Millisecond): // the pushers retrying a full queue do not signal
			}
			continue
		}
		p, _ := strconv.Atoi(e.Job)
		if e.Items[0] != next[p] {
			t.Fatalf("pusher %d: event %d came after %d", p, e.Items[0], next[p]-1)
		}
		next[p]++
		got++
	}
	wg.Wait()
	if !q.empty() || q.len() != 0 {
		t.Fatalf("queue not empty after all events: len %d", q.len())
	}
}

// A misfire makes two rows: dropped, it counts two.
func TestFullQueueCountsAMisfiresRows(t *testing.T) {
	o, err := newObserver(Options{QueueSize: 1, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	tr := o.ForJob("busy")
	tr.Observe(Event{Kind: starter.EventRunStaged, Job: "busy", TaskID: taskOf("busy", "0"), Items: []int{0}, Time: at(0)})
	tr.Observe(Event{Kind: starter.EventMisfired, Job: "busy", Items: []int{0}, Time: at(1)})
	if o.Dropped() != 2 {
		t.Fatalf("dropped %d rows, want the misfire's 2", o.Dropped())
	}
	_ = o.Close(context.Background())
}

// Observing is a copy into the queue: no allocation, whatever the kind.
func TestObserveAllocatesNothing(t *testing.T) {
	evs := run("cheap", starter.SourceNormal, 0, []int{0, 1}, map[int]error{1: errors.New("boom")})
	evs = append(evs, Event{Kind: starter.EventMisfired, Job: "cheap", Items: []int{0, 1}, Time: at(2)})
	o, err := newObserver(Options{QueueSize: 101 * len(evs), Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	tr := o.ForJob("cheap")
	if n := testing.AllocsPerRun(100, func() {
		for _, e := range evs {
			tr.Observe(e)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per run's events", n)
	}
	if o.Dropped() != 0 {
		t.Fatalf("dropped %d", o.Dropped())
	}
	_ = o.Close(context.Background())
}
