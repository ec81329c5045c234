package reg

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// backend is one kind of registry the contract suite runs against.
type backend struct {
	name string
	// realZK: a ZooKeeper server other processes can reach (ACLs, helper processes).
	realZK bool
	// openVia connects a Center directly, through ip when it is not nil.
	openVia func(t *testing.T, cfg Config, ip *interposer) *Center
	// openFaulty connects a Center whose link to the server the test can break.
	openFaulty func(t *testing.T, cfg Config) (*Center, link)
	// servers is the connect string of a real server; nil for the embedded backend.
	servers func(t *testing.T) string
	// reap makes the server delete its empty container nodes now; nil when it cannot be asked.
	reap func(t *testing.T)
	// cluster gives the ensemble to the ensemble's tests; nil for the other backends.
	cluster func(t *testing.T) *zktest.Cluster
}

// link breaks and restores one Center's connection to the server.
type link interface {
	// Partition stops all traffic and drops the connection, so that the client notices at once
	// (Suspended) but cannot reach the server until Heal.
	Partition()
	// Heal lets the client reconnect.
	Heal()
	// Expire makes the server expire the session, then lets the client reconnect.
	Expire()
}

func backends() []backend {
	return []backend{
		embeddedBackend(),
		realBackend("standalone", func(t *testing.T) string { return zktest.Servers(t) }, nil),
		ensembleBackend(),
	}
}

// ensembleBackend holds the shared ensemble for the whole of each test (zktest.Ensemble locks it
// until the test ends, so it is asked once per test).
func ensembleBackend() backend {
	cluster := perTest(func(t *testing.T) *zktest.Cluster { return zktest.Ensemble(t) })
	return realBackend("ensemble", func(t *testing.T) string { return cluster(t).Connect() }, cluster)
}

// perTest memoizes f for each test: every Center of one test shares what it returns.
func perTest[T any](f func(t *testing.T) T) func(t *testing.T) T {
	var mu sync.Mutex
	memo := map[*testing.T]T{}
	return func(t *testing.T) T {
		mu.Lock()
		defer mu.Unlock()
		if v, ok := memo[t]; ok {
			return v
		}
		v := f(t)
		memo[t] = v
		t.Cleanup(func() {
			mu.Lock()
			defer mu.Unlock()
			delete(memo, t)
		})
		return v
	}
}

// realBackend connects to a real server; the faulty link goes through a zktest.Proxy to the
// first server of the connect string.
func realBackend(name string, servers func(t *testing.T) string, cluster func(t *testing.T) *zktest.Cluster) backend {
	return backend{
		name:   name,
		realZK: true,
		openVia: func(t *testing.T, cfg Config, ip *interposer) *Center {
			cfg.ServerLists = servers(t)
			return mustConnectVia(t, cfg, ip)
		},
		openFaulty: func(t *testing.T, cfg Config) (*Center, link) {
			first, _, _ := strings.Cut(servers(t), ",")
			p := zktest.NewProxy(t, first)
			cfg.ServerLists = p.Addr()
			c := mustConnect(t, cfg)
			return c, proxyLink{p: p, session: cfg.SessionTimeout}
		},
		servers: servers,
		cluster: cluster,
	}
}

type proxyLink struct {
	p       *zktest.Proxy
	session time.Duration
}

func (l proxyLink) Partition() { l.p.Blackhole(); l.p.Cut() }
func (l proxyLink) Heal()      { l.p.Restore() }

// Expire partitions for longer than the session timeout: the server hears nothing and expires
// the session; the client's held reconnection then learns it.
func (l proxyLink) Expire() {
	l.Partition()
	time.Sleep(l.session + 800*time.Millisecond)
	l.Heal()
}

func mustConnect(t *testing.T, cfg Config) *Center {
	t.Helper()
	return mustConnectVia(t, cfg, nil)
}

func mustConnectVia(t *testing.T, cfg Config, ip *interposer) *Center {
	t.Helper()
	c, err := connect(context.Background(), cfg, ip)
	if err != nil {
		t.Fatalf("Connect(%s): %v", cfg.ServerLists, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var nsSeq atomic.Int64

// testConfig is a Config with a namespace of its own (it contains '/'), quiet logs and a short
// session, removed from the server when the test ends.
func testConfig(t *testing.T) Config {
	ns := fmt.Sprintf("regtest/%s-%d-%d", strings.ReplaceAll(t.Name(), "/", "."), time.Now().UnixNano(), nsSeq.Add(1))
	return Config{
		Namespace:      ns,
		SessionTimeout: 4 * time.Second,
		MaxSleepTime:   time.Second,
		MaxRetries:     10,
		Logger:         slog.New(slog.DiscardHandler),
	}
}

// open connects a Center directly.
func (b backend) open(t *testing.T, cfg Config) *Center {
	t.Helper()
	return b.openVia(t, cfg, nil)
}

// openNS connects a Center of this test's namespace and removes the namespace when the test ends.
func (b backend) openNS(t *testing.T, cfg Config) *Center {
	t.Helper()
	return b.openNSVia(t, cfg, nil)
}

// openNSVia is openNS through ip.
func (b backend) openNSVia(t *testing.T, cfg Config, ip *interposer) *Center {
	t.Helper()
	c := b.openVia(t, cfg, ip)
	t.Cleanup(func() {
		if err := c.Remove("/"); err != nil && !c.closed.Load() {
			t.Logf("clean-up of namespace %s: %v", cfg.Namespace, err)
		}
	})
	return c
}

// recorder collects a cache's events or a Center's states for the test to expect.
type recorder[T any] struct{ ch chan T }

func newRecorder[T any]() *recorder[T] { return &recorder[T]{ch: make(chan T, 10000)} }

func (r *recorder[T]) add(v T) { r.ch <- v }

// expect takes the next len(want) values, failing on a difference or after 20 s.
func (r *recorder[T]) expect(t *testing.T, want ...T) {
	t.Helper()
	var got []T
	timeout := time.After(20 * time.Second)
	for len(got) < len(want) {
		select {
		case v := <-r.ch:
			got = append(got, v)
		case <-timeout:
			t.Fatalf("timed out: got %+v, want %+v", got, want)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

// quiet fails if a value arrives within d.
func (r *recorder[T]) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case v := <-r.ch:
		t.Fatalf("unexpected %+v", v)
	case <-time.After(d):
	}
}

func (r *recorder[T]) next(t *testing.T) T {
	t.Helper()
	select {
	case v := <-r.ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("timed out waiting")
	}
	panic("unreachable")
}

func watch(t *testing.T, c *Center, root string) (*Cache, *recorder[Event]) {
	t.Helper()
	r := newRecorder[Event]()
	k, err := c.Watch(root, r.add)
	if err != nil {
		t.Fatalf("Watch(%s): %v", root, err)
	}
	t.Cleanup(k.Close)
	return k, r
}

func states(c *Center) *recorder[State] {
	r := newRecorder[State]()
	c.OnState(r.add)
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func created(p, data string) Event { return Event{Type: EventCreated, Path: p, Data: data} }
func changed(p, data, old string) Event {
	return Event{Type: EventChanged, Path: p, Data: data, OldData: old}
}
func deleted(p, old string) Event { return Event{Type: EventDeleted, Path: p, OldData: old} }

// atomicInt is a counter shared by lock contenders: the lock's hand-over goes through the
// server, which the race detector cannot see, so the test's own state must be atomic.
type atomicInt struct{ v atomic.Int64 }

func (a *atomicInt) add(d int64) int64 { return a.v.Add(d) }
func (a *atomicInt) load() int64       { return a.v.Load() }
func (a *atomicInt) store(v int64)     { a.v.Store(v) }
func (a *atomicInt) max(v int64) {
	for {
		cur := a.v.Load()
		if v <= cur || a.v.CompareAndSwap(cur, v) {
			return
		}
	}
}

var ctxDeadline = context.DeadlineExceeded

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}

// expectReaped checks that the given (raw or namespace-relative, as c takes them) paths were
// container nodes: after a reap they are gone. A real ZooKeeper shows containers to clients as
// persistent nodes and reaps them on its own schedule (every 60 s by default), so there the
// check is the embedded backend's alone.
func (b backend) expectReaped(t *testing.T, c *Center, paths ...string) {
	t.Helper()
	if b.reap == nil {
		return
	}
	for range paths { // a parent is empty only once its child is reaped
		b.reap(t)
	}
	for _, p := range paths {
		if ok, err := c.Exists(p); ok || err != nil {
			t.Fatalf("%s survived the container reaper (%v): not a container", p, err)
		}
	}
}
