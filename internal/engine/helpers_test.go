package engine

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/memzk"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/go-zookeeper/zk"
)

var testLog = slog.New(slog.NewTextHandler(logOut(), &slog.HandlerOptions{Level: logLevel()}))

// logOut is ENGINE_TEST_LOG (a file) when set, else stderr.
func logOut() *os.File {
	if p := os.Getenv("ENGINE_TEST_LOG"); p != "" {
		if f, err := os.Create(p); err == nil {
			return f
		}
	}
	return os.Stderr
}

func logLevel() slog.Level {
	if os.Getenv("ENGINE_TEST_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelError + 4
}

// cluster is several instances of one namespace in this process, each with its own session, on
// a real ZooKeeper (newCluster) or on one in-memory server (newEmbeddedCluster).
type cluster struct {
	t       *testing.T
	servers string        // ZooKeeper
	mem     *memzk.Server // embedded
	ns      string
	session time.Duration
	// reconcileEvery is the runtimes' reconcile pass period; 0 = 200 ms, quick for tests.
	reconcileEvery time.Duration
	// grace is the runtimes' shutdown grace period; 0 = the default.
	grace time.Duration
	// log, when set, is the runtimes' logger instead of testLog.
	log *slog.Logger
}

func newCluster(t *testing.T, session time.Duration) *cluster {
	return &cluster{t: t, servers: zktest.Servers(t), ns: namespace(t), session: session}
}

// logToBuffer makes the cluster's runtimes log at Info into a buffer the test reads.
func (cl *cluster) logToBuffer() *testkit.Buffer {
	logs := &testkit.Buffer{}
	cl.log = slog.New(slog.NewTextHandler(logs, nil))
	return logs
}

func newEmbeddedCluster(t *testing.T, session time.Duration) *cluster {
	srv := memzk.NewServer()
	cl := &cluster{t: t, mem: srv, ns: namespace(t), session: session}
	t.Cleanup(srv.Close) // registered first: runs after the instances closed
	return cl
}

func namespace(t *testing.T) string {
	return "engine-" + strings.ReplaceAll(t.Name(), "/", "-") + fmt.Sprint(time.Now().UnixNano())
}

func (cl *cluster) connect() *reg.Center {
	if cl.mem != nil {
		c, err := reg.NewEmbeddedOn(cl.mem, reg.Config{Namespace: cl.ns, SessionTimeout: cl.session, Logger: testLog})
		if err != nil {
			cl.t.Fatal(err)
		}
		return c
	}
	return cl.connectTo(cl.servers)
}

func (cl *cluster) connectTo(servers string) *reg.Center {
	t := cl.t
	t.Helper()
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: cl.ns, SessionTimeout: cl.session, Logger: testLog})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// instance is one process's runtime in a test.
type instance struct {
	id     string
	center *reg.Center
	rt     *Runtime
	closed bool
}

// start opens a session and a runtime with id ip@-@pid.
func (cl *cluster) start(ip string, pid int) *instance {
	return cl.startOn(cl.connect(), ip, pid)
}

func (cl *cluster) startOn(c *reg.Center, ip string, pid int) *instance {
	t := cl.t
	t.Helper()
	every := cl.reconcileEvery
	if every == 0 {
		every = 200 * time.Millisecond
	}
	log := testLog
	if cl.log != nil {
		log = cl.log
	}
	rt, err := NewRuntime(c, Options{InstanceID: InstanceID(ip, pid), Logger: log, ReconcileEvery: every, SessionTimeout: cl.session, ShutdownGracePeriod: cl.grace})
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{id: rt.InstanceID(), center: c, rt: rt}
	t.Cleanup(in.close)
	return in
}

func (in *instance) close() {
	if in.closed {
		return
	}
	in.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = in.rt.Close(ctx)
	_ = in.center.Close()
}

// run is one executed item.
type run struct {
	instance string
	sc       jobapi.ShardingContext
	err      error     // the item's ctx error at the end (fencing)
	start    time.Time // when the item began
	end      time.Time // when the item returned
}

// recorder is a job that records every item it runs; hold, when set, delays each item.
type recorder struct {
	mu   sync.Mutex
	runs []run
	hold func(sc jobapi.ShardingContext) time.Duration
}

func (r *recorder) runner(instanceID string) ItemRunner {
	return runnerFunc(func(ctx context.Context, sc jobapi.ShardingContext) error {
		start := time.Now()
		var d time.Duration
		if r.hold != nil {
			d = r.hold(sc)
		}
		if d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		r.mu.Lock()
		r.runs = append(r.runs, run{instance: instanceID, sc: sc, err: ctx.Err(), start: start, end: time.Now()})
		r.mu.Unlock()
		return nil
	})
}

// holdFirst makes the first item match accepts work for a minute (or until its ctx ends) and
// returns the wait for it to start: its context, or the test fails with what after timeout.
func (r *recorder) holdFirst(t *testing.T, match func(jobapi.ShardingContext) bool) func(timeout time.Duration, what string) jobapi.ShardingContext {
	var held atomic.Bool
	started := make(chan jobapi.ShardingContext, 1)
	r.hold = func(sc jobapi.ShardingContext) time.Duration {
		if match(sc) && held.CompareAndSwap(false, true) {
			started <- sc
			return time.Minute
		}
		return 0
	}
	return func(timeout time.Duration, what string) jobapi.ShardingContext {
		t.Helper()
		select {
		case sc := <-started:
			return sc
		case <-time.After(timeout):
			t.Fatal(what)
			return jobapi.ShardingContext{}
		}
	}
}

func (r *recorder) all() []run {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.runs)
}

// byFire groups completed runs: fire time -> item -> instances that ran it.
func (r *recorder) byFire() map[time.Time]map[int][]string {
	out := map[time.Time]map[int][]string{}
	for _, x := range r.all() {
		ft := x.sc.FireTime.UTC() // one key per instant, whatever the job's zone
		m := out[ft]
		if m == nil {
			m = map[int][]string{}
			out[ft] = m
		}
		m[x.sc.ShardingItem] = append(m[x.sc.ShardingItem], x.instance)
	}
	return out
}

type runnerFunc func(ctx context.Context, sc jobapi.ShardingContext) error

func (f runnerFunc) RunItem(ctx context.Context, sc jobapi.ShardingContext) error { return f(ctx, sc) }

func (in *instance) register(t *testing.T, cfg jobapi.JobConfiguration, rec *recorder) *Job {
	t.Helper()
	j, err := in.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: rec.runner(in.id)})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// assignment reads sharding/{i}/instance directly.
func assignment(t *testing.T, c *reg.Center, job string, total int) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	for i := 0; i < total; i++ {
		v, err := c.Get(fmt.Sprintf("/%s/sharding/%d/instance", job, i))
		if err != nil {
			continue
		}
		out[v] = append(out[v], i)
	}
	return out
}

func sameAssignment(a, b map[string][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func itoa(i int) string { return fmt.Sprint(i) }

// ephemeralOwner reads a node's ephemeral owner with a raw client (0: persistent).
func ephemeralOwner(t *testing.T, servers, path string) int64 {
	t.Helper()
	raw, _, err := zk.Connect([]string{servers}, 5*time.Second, zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var st *zk.Stat
	testkit.Eventually(t, 5*time.Second, func() bool { _, st, err = raw.Get(path); return err == nil }, "raw read of %s: %v", path, err)
	return st.EphemeralOwner
}
