package dump

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

var quiet = slog.New(slog.DiscardHandler)

// connect opens a session on the shared ZooKeeper in a namespace of the test's own, removed at
// the end.
func connect(t *testing.T) *reg.Center {
	t.Helper()
	ns := fmt.Sprintf("dumptest/%s-%d", strings.ReplaceAll(t.Name(), "/", "."), time.Now().UnixNano())
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: zktest.Servers(t), Namespace: ns, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Remove("/"); err != nil {
			t.Logf("removing namespace %s: %v", ns, err)
		}
		c.Close()
	})
	return c
}

// holder is a listener bound to the job's cache that holds the cache's event delivery once it
// sees an event for path: the cache has applied that change, and every later one waits in its
// mailbox, so ZooKeeper and the cache differ deterministically until release.
type holder struct {
	path    string
	held    chan struct{}
	release chan struct{}
}

func newHolder(path string) *holder {
	return &holder{path: path, held: make(chan struct{}), release: make(chan struct{})}
}

func (h *holder) BeforeJobExecuted(context.Context, jobapi.ShardingContexts) error { return nil }
func (h *holder) AfterJobExecuted(context.Context, jobapi.ShardingContexts) error  { return nil }
func (h *holder) Bind(*engine.Job) error                                           { return nil }

func (h *holder) JobEvent(ev reg.Event) {
	if ev.Path == h.path {
		close(h.held)
		<-h.release
	}
}

type noop struct{}

func (noop) RunItem(context.Context, jobapi.ShardingContext) error { return nil }

// TestDumpOnZooKeeper: the dump of a job this process runs, on a real ZooKeeper, byte for byte:
// first while its cache is held behind ZooKeeper, then once the cache has caught up.
func TestDumpOnZooKeeper(t *testing.T) {
	c := connect(t)
	rt, err := engine.NewRuntime(c, engine.Options{IP: "192.168.3.7", InstanceID: "192.168.3.7@-@4242", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	h := newHolder("/dumpJob/guarantee")
	cfg := jobapi.NewJobConfiguration("dumpJob", 2)
	cfg.Description = "dump test"
	job, err := rt.Register(engine.Spec{Config: cfg, ClassName: "example.com/jobs.DumpJob", Runner: noop{}, Listeners: []jobapi.Listener{h}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { job.Shutdown(context.Background()) })
	var released bool
	t.Cleanup(func() {
		if !released {
			close(h.release)
		}
	})
	src := RuntimeSource(rt)
	dump := func() string {
		t.Helper()
		text, err := Job(t.Context(), src, "dumpJob")
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	// Registration's own writes reach the cache shortly after Register returns, and ZooKeeper
	// reaps the election's empty latch container (within a second or two on the test servers).
	testkit.Eventually(t, time.Minute, func() bool { return dump() == registered }, "the dump of the registered job is\n%s\nwant\n%s", testkit.Later[string](dump), registered)

	must(t, c.Persist("/dumpJob/guarantee", ""))
	select {
	case <-h.held:
	case <-time.After(time.Minute):
		t.Fatal("the cache never delivered the creation of /dumpJob/guarantee")
	}
	must(t, c.Update("/dumpJob/servers/192.168.3.7", "DISABLED"))
	must(t, c.Persist("/dumpJob/sharding/1/instance", "192.168.3.7@-@4242"))
	must(t, c.Persist("/dumpJob/sharding/1/running", ""))
	must(t, c.Remove("/dumpJob/leader/sharding/necessary")) // still cached, but a dump lists ZooKeeper's nodes
	if got := dump(); got != cacheBehind {
		t.Fatalf("dump while the cache is held:\n%s\nwant\n%s", got, cacheBehind)
	}

	close(h.release)
	released = true
	// Caught up, the cache agrees with ZooKeeper on every node (the engine reacts to the
	// disabled server meanwhile, so the tree itself moves): the dump equals the one of a process
	// without a cache of the job. The running node, which the cache does not follow, is not
	// compared.
	zkOnly := func() string {
		t.Helper()
		text, err := Job(t.Context(), withoutCache{src}, "dumpJob")
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	var last string
	testkit.Eventually(t, time.Minute, func() bool {
		last = dump()
		return last == zkOnly() && strings.Contains(last, "\n/dumpJob/sharding/1/running | \n")
	}, "the dump once the cache caught up is\n%s\nZooKeeper alone gives\n%s", testkit.Later[string](func() string { return last }), testkit.Later[string](zkOnly))

	// A job shut down here has no cache any more: its dump is ZooKeeper's alone.
	if _, ok := job.Cached("/dumpJob/config"); !ok {
		t.Fatal("a registered job has no cache")
	}
	if err := job.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if c, ok := job.Cached("/dumpJob/config"); ok {
		t.Fatalf("a job shut down still reports its cache: %+v", c)
	}
	if _, ok := src.Cached("dumpJob", "/dumpJob/config"); ok {
		t.Fatal("the runtime still has the job's cache after its shutdown")
	}
}

// withoutCache is a source as a process that does not run the job sees it.
type withoutCache struct{ Source }

func (withoutCache) Cached(job, path string) (reg.Cached, bool) { return reg.Cached{}, false }

// The dumps of TestDumpOnZooKeeper. The configuration is the engine's YAML of the job; the IP
// 192.168.3.7, in paths and values, is ip1. leader/election/latch is gone (reaped). recorders/
// is the engine's own (a Go instance records its fires in sharding/{item}).
const (
	registered = `/dumpJob/servers | 
/dumpJob/servers/ip1 | ENABLED
/dumpJob/recorders | 
/dumpJob/recorders/ip1@-@4242 | 
/dumpJob/leader | 
/dumpJob/leader/sharding | 
/dumpJob/leader/sharding/necessary | 
/dumpJob/leader/election | 
/dumpJob/leader/election/instance | ip1@-@4242
/dumpJob/instances | 
/dumpJob/instances/ip1@-@4242 | jobInstanceId: ip1@-@4242
serverIp: ip1

` + config

	// The cache has guarantee but none of the changes after it: the changed server node and the
	// sharding nodes it misses take the four-column form (a node missing from the cache ends in
	// " |  | "); below the missing sharding/1, the running node counts as missing too.
	cacheBehind = `/dumpJob/sharding |  |  | 
/dumpJob/sharding/1 |  |  | 
/dumpJob/sharding/1/running |  |  | 
/dumpJob/sharding/1/instance | ip1@-@4242 |  | 
/dumpJob/servers | 
/dumpJob/servers/ip1 | DISABLED | /dumpJob/servers/ip1 | ENABLED
/dumpJob/recorders | 
/dumpJob/recorders/ip1@-@4242 | 
/dumpJob/leader | 
/dumpJob/leader/sharding | 
/dumpJob/leader/election | 
/dumpJob/leader/election/instance | ip1@-@4242
/dumpJob/instances | 
/dumpJob/instances/ip1@-@4242 | jobInstanceId: ip1@-@4242
serverIp: ip1

/dumpJob/guarantee | 
` + config

	config = `/dumpJob/config | description: dump test
disabled: false
failover: false
jobName: dumpJob
jobParameter: ''
maxTimeDiffSeconds: -1
misfire: true
monitorExecution: true
overwrite: false
reconcileIntervalMinutes: 10
shardingItemParameters: ''
shardingTotalCount: 2
staticSharding: false

`
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
