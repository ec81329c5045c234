package reg

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/go-zookeeper/zk"
)

// A Batcher's concurrent transactions share multis, and each caller gets its own result: one
// conflicting transaction in a batch fails alone, the others are applied. The first caller's
// multi is held at the connection until the 49 others are queued behind it: they go as one
// multi, which caller 7's conflict fails, and again without caller 7: three multis in all.
func TestBatcher(t *testing.T) {
	for _, b := range backends() {
		if b.cluster != nil {
			continue // the ensemble adds nothing to a request count
		}
		t.Run(b.name, func(t *testing.T) {
			counter := newRequestCounter()
			ip := counter.interposer()
			hold := holdFirstMulti(ip, nil)
			c := b.openNSVia(t, testConfig(t), ip)
			must(t, c.Persist("/batch/taken", "someone"))
			must(t, c.Persist("/batch/items", ""))
			before, _ := counter.snapshot()

			const callers = 50
			bt := c.NewBatcher()
			errs := hold.queueBehind(t, bt, callers, func(k int) []Op {
				ops := []Op{{Kind: OpCreate, Path: fmt.Sprintf("/batch/items/%d", k), Value: "v"}}
				if k == 7 {
					ops = append(ops, Op{Kind: OpCreate, Path: "/batch/taken", Value: "us"})
				}
				return ops
			})

			for k, err := range errs {
				switch {
				case k == 7 && !errors.Is(err, ErrNodeExists):
					t.Errorf("caller 7 (creates /batch/taken, which exists): %v; want ErrNodeExists", err)
				case k != 7 && err != nil:
					t.Errorf("caller %d: %v", k, err)
				}
			}
			kids, err := c.Children("/batch/items")
			must(t, err)
			if len(kids) != callers-1 {
				t.Errorf("%d items created; want %d (all but the conflicting caller's, rolled back)", len(kids), callers-1)
			}
			if ok, _ := c.Exists("/batch/items/7"); ok {
				t.Error("caller 7's first operation was applied without its second")
			}
			after, _ := counter.snapshot()
			if multis := after["Multi"] - before["Multi"]; multis != 3 {
				t.Errorf("%d multis for %d callers; want 3", multis, callers)
			}
		})
	}
}

// multiHold holds the first multi of a connection until the test lets it go, so that the
// callers after it queue in a Batcher.
type multiHold struct {
	gate  chan struct{} // closed: the first multi goes on
	once  sync.Once
	held  sync.WaitGroup // done once the first multi is at the connection
	multi func()         // called before every multi once the first is let go (nil: nothing)
}

// holdFirstMulti makes the connections ip wraps hold their first multi.
func holdFirstMulti(ip *interposer, multi func()) *multiHold {
	h := &multiHold{gate: make(chan struct{}), multi: multi}
	h.held.Add(1)
	wrap := ip.wrap
	ip.wrap = func(c Conn) Conn { return gatedConn{Conn: wrap(c), h: h} }
	return h
}

// queueBehind runs ops(0) through bt, holds its multi until the transactions ops(1..callers-1)
// are all queued behind it, then lets them go, and returns every caller's result.
func (h *multiHold) queueBehind(t *testing.T, bt *Batcher, callers int, ops func(k int) []Op) []error {
	t.Helper()
	errs := make([]error, callers)
	var wg sync.WaitGroup
	call := func(k int) {
		defer wg.Done()
		errs[k] = bt.Txn(ops(k)...)
	}
	wg.Add(callers)
	go call(0)
	h.held.Wait() // caller 0's multi is at the connection
	for k := 1; k < callers; k++ {
		go call(k)
	}
	testkit.Eventually(t, 30*time.Second, func() bool {
		bt.mu.Lock()
		defer bt.mu.Unlock()
		return len(bt.queue) == callers-1
	}, "the other callers queued")
	close(h.gate)
	wg.Wait()
	return errs
}

// gatedConn holds the first multi at h's gate.
type gatedConn struct {
	Conn
	h *multiHold
}

func (c gatedConn) Multi(ops ...interface{}) ([]zk.MultiResponse, error) {
	c.h.once.Do(func() { c.h.held.Done(); <-c.h.gate })
	if c.h.multi != nil {
		c.h.multi()
	}
	return c.Conn.Multi(ops...)
}

// A backlog of more than a full multi goes in several multis at once, at most maxSenders, and
// every caller's transaction is applied: 3,500 callers queued behind a held first multi go in
// four more (1,000 operations each but the last), on their way together.
func TestBatcherSendsABacklogInSeveralMultisAtOnce(t *testing.T) {
	for _, b := range backends() {
		if b.cluster != nil {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			var mu sync.Mutex
			inFlight, most, multis := 0, 0, 0
			ip := newRequestCounter().interposer()
			hold := holdFirstMulti(ip, func() {
				mu.Lock()
				inFlight++
				multis++
				most = max(most, inFlight)
				mu.Unlock()
				time.Sleep(200 * time.Millisecond) // the server at work: the others can catch up
				mu.Lock()
				inFlight--
				mu.Unlock()
			})
			c := b.openNSVia(t, testConfig(t), ip)
			must(t, c.Persist("/backlog", ""))
			const callers = 3501
			errs := hold.queueBehind(t, c.NewBatcher(), callers, func(k int) []Op {
				return []Op{{Kind: OpCreate, Path: fmt.Sprintf("/backlog/%d", k)}}
			})
			for k, err := range errs {
				if err != nil {
					t.Fatalf("caller %d: %v", k, err)
				}
			}
			kids, err := c.Children("/backlog")
			must(t, err)
			if len(kids) != callers {
				t.Errorf("%d nodes created; want %d", len(kids), callers)
			}
			t.Logf("%d multis, at most %d at once", multis, most)
			if multis != 5 || most < 2 || most > maxSenders {
				t.Errorf("%d multis, at most %d at once; want 5 (the held one, then 3,500 operations in multis of 1,000), 2 to %d at once", multis, most, maxSenders)
			}
		})
	}
}
