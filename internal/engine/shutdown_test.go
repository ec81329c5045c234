package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// heldItems is a job whose items run until released, honouring their ctx or not, and record how
// they ended.
type heldItems struct {
	honour  bool
	started chan int
	release chan struct{}

	mu    sync.Mutex
	ended map[int]error // item -> its ctx's error when it returned
	wg    sync.WaitGroup
}

func newHeldItems(t *testing.T, honour bool) *heldItems {
	h := &heldItems{honour: honour, started: make(chan int, 16), release: make(chan struct{}), ended: map[int]error{}}
	t.Cleanup(func() { close(h.release); h.wg.Wait() }) // an item left behind ends with the test
	return h
}

func (h *heldItems) RunItem(ctx context.Context, sc jobapi.ShardingContext) error {
	h.wg.Add(1)
	defer h.wg.Done()
	h.started <- sc.ShardingItem
	if h.honour {
		select {
		case <-ctx.Done():
		case <-h.release:
		}
	} else {
		<-h.release
	}
	h.mu.Lock()
	h.ended[sc.ShardingItem] = ctx.Err()
	h.mu.Unlock()
	return nil
}

func (h *heldItems) endings() map[int]error {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[int]error{}
	for k, v := range h.ended {
		out[k] = v
	}
	return out
}

// stopCase is instance a running both items of a failover job, held, while instance b (its
// server disabled, so that every item is a's) watches.
type stopCase struct {
	cl   *cluster
	a, b *instance
	ja   *Job
	job  string
	held *heldItems
}

func startStopCase(t *testing.T, cl *cluster, a, b *instance, honour bool) *stopCase {
	t.Helper()
	job := "stopJob"
	cfg := jobapi.NewJobConfiguration(job, 2)
	cfg.Cron = never
	cfg.Failover = true
	held := newHeldItems(t, honour)
	ja, err := a.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: held})
	must(t, err)
	jb := b.register(t, cfg, &recorder{})
	ja.Schedule()
	jb.Schedule()
	must(t, a.center.Update(nodepath.Server(job, "10.0.0.2"), "DISABLED"))
	must(t, ja.TriggerAll())
	for range 2 {
		select {
		case <-held.started:
		case <-time.After(15 * time.Second):
			t.Fatal("a did not start both items")
		}
	}
	return &stopCase{cl: cl, a: a, b: b, ja: ja, job: job, held: held}
}

// assertGone checks, from b's session, that a left no node behind (a's session is still open)
// and that b queued nothing for failover: a stop is not a crash.
func (sc *stopCase) assertGone(t *testing.T) {
	t.Helper()
	c := sc.b.center
	if ok, err := c.Exists(nodepath.Instance(sc.job, sc.a.id)); ok || err != nil {
		t.Errorf("a's instance node is still there (%v)", err)
	}
	if v, err := c.Get(nodepath.LeaderElectionInstance(sc.job)); err == nil && v == sc.a.id {
		t.Error("a's leader node is still there")
	}
	for i := range 2 {
		if v, err := c.Get(nodepath.ItemRunning(sc.job, i)); !errors.Is(err, reg.ErrNoNode) {
			t.Errorf("item %d's running node is still there: %q, %v", i, v, err)
		}
	}
	time.Sleep(time.Second) // b's crash handling, if it took the stop for a crash, shows by now
	if kids, _ := c.Children(nodepath.FailoverItems(sc.job)); len(kids) > 0 {
		t.Errorf("b queued items %v for failover after a's stop", kids)
	}
}

// A stop gives running items the grace period, then cancels their ctx; it ends as soon as they
// return, long before the stop context does, and a's nodes are gone before its session is.
func TestShutdownCancelsItemsAfterTheGracePeriod(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	cl.grace = time.Second
	a, b := cl.start("10.0.0.1", 100), cl.start("10.0.0.2", 200)
	sc := startStopCase(t, cl, a, b, true)
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := a.rt.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the stop lasted until its context ended")
	}
	got := sc.held.endings()
	for i := range 2 {
		if err, ok := got[i]; !ok || !errors.Is(err, context.Canceled) {
			t.Errorf("item %d ended with %v (returned: %v); want its ctx cancelled", i, err, ok)
		}
	}
	if time.Since(began) < cl.grace {
		t.Errorf("items cancelled before the grace period of %v", cl.grace)
	}
	sc.assertGone(t)
}

// An item that ignores its cancelled ctx is named in the log and left behind; the stop (the
// job's, then the runtime's, which does not wait for the run left behind) ends before its context
// does and a's nodes are gone.
func TestShutdownLeavesAnItemIgnoringItsCtxBehind(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	cl.grace = 500 * time.Millisecond
	logs := cl.logToBuffer()
	a, b := cl.start("10.0.0.1", 100), cl.start("10.0.0.2", 200)
	sc := startStopCase(t, cl, a, b, false)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// As autoconfig stops: the job first, then the runtime, on the same stop context.
	err := sc.ja.Shutdown(ctx)
	if cerr := a.rt.Close(ctx); cerr != nil {
		t.Errorf("the runtime's Close after the job's Shutdown: %v", cerr)
	}
	if ctx.Err() != nil {
		t.Fatal("the stop lasted until its context ended")
	}
	if want := `engine: job "stopJob": run still in progress at shutdown (items left behind: [0 1])`; err == nil || err.Error() != want {
		t.Fatalf("Close: %v; want %s", err, want)
	}
	if out := logs.String(); !strings.Contains(out, `msg="stopping: items ignore their cancelled ctx; left behind, their running nodes removed" instance=10.0.0.1@-@100 job=stopJob items="[0 1]"`) {
		t.Errorf("no log line names the items left behind:\n%s", out)
	}
	if len(sc.held.endings()) != 0 {
		t.Fatal("an item ignoring its ctx returned")
	}
	sc.assertGone(t)
}

// With ZooKeeper unresponsive (a partition), the stop still ends with its context, saying what
// it waited for.
func TestShutdownWithAnUnresponsiveRegistryEndsWithItsContext(t *testing.T) {
	cl := newCluster(t, 10*time.Second)
	cl.grace = 500 * time.Millisecond
	logs := cl.logToBuffer()
	proxy := zktest.NewProxy(t, cl.servers)
	a := cl.startOn(cl.connectTo(proxy.Addr()), "10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	startStopCase(t, cl, a, b, true)
	proxy.Blackhole()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.rt.Close(ctx) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "removing this instance's nodes: context deadline exceeded") {
			t.Errorf("Close: %v; want the removal of the nodes cut short", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stop outlasted its 5 s context by 15 s")
	}
	if out := logs.String(); !strings.Contains(out, "stopping: the registry did not answer in time; this instance's nodes stay until its session ends") {
		t.Errorf("no log line says what the stop waited for:\n%s", out)
	}
	proxy.Restore()
}
