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
			gate := make(chan struct{})
			var gated sync.Once
			var held sync.WaitGroup
			held.Add(1)
			ip := counter.interposer()
			count := ip.wrap
			ip.wrap = func(c Conn) Conn {
				return gatedConn{Conn: count(c), first: func() {
					gated.Do(func() { held.Done(); <-gate })
				}}
			}
			c := b.openNSVia(t, testConfig(t), ip)
			must(t, c.Persist("/batch/taken", "someone"))
			must(t, c.Persist("/batch/items", ""))
			before, _ := counter.snapshot()

			const callers = 50
			bt := c.NewBatcher()
			errs := make([]error, callers)
			var wg sync.WaitGroup
			call := func(k int) {
				defer wg.Done()
				ops := []Op{{Kind: OpCreate, Path: fmt.Sprintf("/batch/items/%d", k), Value: "v"}}
				if k == 7 {
					ops = append(ops, Op{Kind: OpCreate, Path: "/batch/taken", Value: "us"})
				}
				errs[k] = bt.Txn(ops...)
			}
			wg.Add(callers)
			go call(0)
			held.Wait() // caller 0's multi is at the connection
			for k := 1; k < callers; k++ {
				go call(k)
			}
			testkit.Eventually(t, 5*time.Second, func() bool {
				bt.mu.Lock()
				defer bt.mu.Unlock()
				return len(bt.queue) == callers-1
			}, "the other callers queued")
			close(gate)
			wg.Wait()

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

// gatedConn calls first before every multi (the test holds the first one there).
type gatedConn struct {
	Conn
	first func()
}

func (c gatedConn) Multi(ops ...interface{}) ([]zk.MultiResponse, error) {
	c.first()
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
			gate := make(chan struct{})
			var gated sync.Once
			var held sync.WaitGroup
			held.Add(1)
			ip := newRequestCounter().interposer()
			count := ip.wrap
			ip.wrap = func(c Conn) Conn {
				return gatedConn{Conn: count(c), first: func() {
					gated.Do(func() { held.Done(); <-gate })
					mu.Lock()
					inFlight++
					multis++
					most = max(most, inFlight)
					mu.Unlock()
					time.Sleep(200 * time.Millisecond) // the server at work: the others can catch up
					mu.Lock()
					inFlight--
					mu.Unlock()
				}}
			}
			c := b.openNSVia(t, testConfig(t), ip)
			must(t, c.Persist("/backlog", ""))
			const callers = 3501
			bt := c.NewBatcher()
			errs := make([]error, callers)
			var wg sync.WaitGroup
			wg.Add(callers)
			call := func(k int) {
				defer wg.Done()
				errs[k] = bt.Txn(Op{Kind: OpCreate, Path: fmt.Sprintf("/backlog/%d", k)})
			}
			go call(0)
			held.Wait()
			for k := 1; k < callers; k++ {
				go call(k)
			}
			testkit.Eventually(t, 30*time.Second, func() bool {
				bt.mu.Lock()
				defer bt.mu.Unlock()
				return len(bt.queue) == callers-1
			}, "the other callers queued")
			close(gate)
			wg.Wait()
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
