package reg

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// TestKnownChildren runs the WithKnownChildren contracts against every backend.
func TestKnownChildren(t *testing.T) {
	contracts := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"Events", testKnownEvents},
		{"UnknownChildrenCostNothing", testKnownUnknownChildrenCostNothing},
		{"SessionExpiry", testKnownSessionExpiry},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range contracts {
				t.Run(c.name, func(t *testing.T) { c.run(t, b) })
			}
		})
	}
}

// shardingItems is what the engine asks for: /job/sharding/{item} has four known children.
func shardingItems(path string) ([]string, bool) {
	item, ok := strings.CutPrefix(path, "/job/sharding/")
	if !ok || item == "" || strings.Contains(item, "/") {
		return nil, false
	}
	return []string{"failover", "instance", "disabled", "failovering"}, true
}

func watchKnown(t *testing.T, c *Center) (*Cache, *recorder[Event]) {
	t.Helper()
	r := newRecorder[Event]()
	k, err := c.Watch("/job", r.add, WithKnownChildren(shardingItems))
	if err != nil {
		t.Fatalf("Watch(/job): %v", err)
	}
	t.Cleanup(k.Close)
	return k, r
}

func expectCached(t *testing.T, k *Cache, path, want string) {
	t.Helper()
	if got, ok := k.Get(path); !ok || got != want {
		t.Fatalf("cache Get(%s) = %q, %v; want %q, true", path, got, ok, want)
	}
}

func expectChildren(t *testing.T, k *Cache, path string, want ...string) {
	t.Helper()
	if got := k.Children(path); !slices.Equal(got, want) {
		t.Fatalf("cache Children(%s) = %q, want %q", path, got, want)
	}
}

func testKnownEvents(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	must(t, c.Persist("/job/sharding/0/instance", "i1"))
	must(t, c.Persist("/job/sharding/0/running", ""))
	must(t, c.Update("/job/sharding/0", "item data"))
	k, events := watchKnown(t, c)
	_, plain := watch(t, c, "/job") // a cache without the option: its watches reach the other's

	expectCached(t, k, "/job/sharding/0", "") // its data is not kept
	expectCached(t, k, "/job/sharding/0/instance", "i1")
	expectChildren(t, k, "/job/sharding/0", "instance")
	if _, ok := k.Get("/job/sharding/0/running"); ok {
		t.Fatal("an unknown child is cached")
	}

	// Each step waits for both caches: a one-shot watch reports the state at its re-read, so a
	// change followed at once by another may show as the second alone.
	must(t, c.Persist("/job/sharding/0/failover", "f"))
	events.expect(t, created("/job/sharding/0/failover", "f"))
	plain.expect(t, created("/job/sharding/0/failover", "f"))
	expectChildren(t, k, "/job/sharding/0", "instance", "failover")
	must(t, c.Update("/job/sharding/0/instance", "i2"))
	events.expect(t, changed("/job/sharding/0/instance", "i2", "i1"))
	plain.expect(t, changed("/job/sharding/0/instance", "i2", "i1"))
	must(t, c.Remove("/job/sharding/0/instance"))
	events.expect(t, deleted("/job/sharding/0/instance", "i2"))
	plain.expect(t, deleted("/job/sharding/0/instance", "i2"))
	expectChildren(t, k, "/job/sharding/0", "failover")
	must(t, c.Persist("/job/sharding/0/instance", "i3"))
	events.expect(t, created("/job/sharding/0/instance", "i3"))
	plain.expect(t, created("/job/sharding/0/instance", "i3"))
	expectChildren(t, k, "/job/sharding/0", "instance", "failover")

	// The plain cache's watches on the item and its unknown child fire; this cache ignores them.
	must(t, c.Update("/job/sharding/0", "new item data"))
	plain.expect(t, changed("/job/sharding/0", "new item data", "item data"))
	must(t, c.Remove("/job/sharding/0/running"))
	plain.expect(t, deleted("/job/sharding/0/running", ""))
	must(t, c.Persist("/job/sharding/0/running", ""))
	plain.expect(t, created("/job/sharding/0/running", ""))
	must(t, c.Update("/job/sharding/0/failover", "g"))
	events.expect(t, changed("/job/sharding/0/failover", "g", "f"))
	expectCached(t, k, "/job/sharding/0", "")

	// A new item: created with its known children, parents first.
	must(t, c.Persist("/job/sharding/1/disabled", ""))
	events.expect(t, created("/job/sharding/1", ""), created("/job/sharding/1/disabled", ""))
	expectChildren(t, k, "/job/sharding", "1", "0")

	// A recursive removal of the item: its known children go first, then the item.
	must(t, c.Remove("/job/sharding/0"))
	expectDeletions(t, events, deleted("/job/sharding/0/instance", "i3"), deleted("/job/sharding/0/failover", "g"),
		deleted("/job/sharding/0", ""))
	if got := k.Children("/job/sharding/0"); got != nil {
		t.Fatalf("a removed item still has children %q", got)
	}
	expectChildren(t, k, "/job/sharding", "1")
	must(t, c.Persist("/job/sharding/0/instance", "i4"))
	events.expect(t, created("/job/sharding/0", ""), created("/job/sharding/0/instance", "i4"))
	must(t, c.Persist("/job/sharding/0/failovering", "x"))
	events.expect(t, created("/job/sharding/0/failovering", "x"))
	expectChildren(t, k, "/job/sharding/0", "instance", "failovering")
	events.quiet(t, 200*time.Millisecond)
}

// requestCounter counts the requests a Center sends, by kind, and the watch events it receives.
type requestCounter struct {
	mu     sync.Mutex
	n      map[string]int
	events []string
}

func newRequestCounter() *requestCounter { return &requestCounter{n: map[string]int{}} }

func (r *requestCounter) interposer() *interposer {
	return &interposer{
		wrap: func(c Conn) Conn { return countingConn{Conn: c, r: r} },
		event: func(ev zk.Event) {
			if ev.Type != zk.EventSession {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.n["watch event"]++
				r.events = append(r.events, fmt.Sprintf("%v %s", ev.Type, ev.Path))
			}
		},
	}
}

func (r *requestCounter) add(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n[kind]++
}

func (r *requestCounter) snapshot() (map[string]int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.n), slices.Clone(r.events)
}

type countingConn struct {
	Conn
	r *requestCounter
}

func (c countingConn) Create(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	c.r.add("Create")
	return c.Conn.Create(path, data, flags, acl)
}

func (c countingConn) CreateContainer(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	c.r.add("CreateContainer")
	return c.Conn.CreateContainer(path, data, flags, acl)
}

func (c countingConn) Delete(path string, version int32) error {
	c.r.add("Delete")
	return c.Conn.Delete(path, version)
}

func (c countingConn) Exists(path string) (bool, *zk.Stat, error) {
	c.r.add("Exists")
	return c.Conn.Exists(path)
}

func (c countingConn) ExistsW(path string) (bool, *zk.Stat, <-chan zk.Event, error) {
	c.r.add("ExistsW")
	return c.Conn.ExistsW(path)
}

func (c countingConn) Get(path string) ([]byte, *zk.Stat, error) {
	c.r.add("Get")
	return c.Conn.Get(path)
}

func (c countingConn) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	c.r.add("GetW")
	return c.Conn.GetW(path)
}

func (c countingConn) Set(path string, data []byte, version int32) (*zk.Stat, error) {
	c.r.add("Set")
	return c.Conn.Set(path, data, version)
}

func (c countingConn) Children(path string) ([]string, *zk.Stat, error) {
	c.r.add("Children")
	return c.Conn.Children(path)
}

func (c countingConn) ChildrenW(path string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	c.r.add("ChildrenW")
	return c.Conn.ChildrenW(path)
}

func (c countingConn) Multi(ops ...interface{}) ([]zk.MultiResponse, error) {
	c.r.add("Multi")
	return c.Conn.Multi(ops...)
}

// testKnownUnknownChildrenCostNothing: what a job fire does to an item (create and delete its
// running node, one transaction each) and writes of the item's own data reach no watch of the
// cache, so the cache sends no request and delivers no event.
func testKnownUnknownChildrenCostNothing(t *testing.T, b backend) {
	counter := newRequestCounter()
	c := b.openNSVia(t, testConfig(t), counter.interposer())
	must(t, c.Persist("/job/sharding/0/instance", "i1"))
	must(t, c.Persist("/job/sharding/1/instance", "i1"))
	k, events := watchKnown(t, c)
	before, _ := counter.snapshot()

	for i := range 100 {
		must(t, c.Txn(Op{Kind: OpCreateEphemeral, Path: "/job/sharding/0/running", Value: "i1"}))
		must(t, c.Txn(Op{Kind: OpDelete, Path: "/job/sharding/0/running"}))
		must(t, c.Update("/job/sharding/1", fmt.Sprint(i)))
	}
	// A change the cache does see: once it is delivered, every earlier watch event was handled.
	must(t, c.Update("/job/sharding/0/instance", "i2"))
	events.expect(t, changed("/job/sharding/0/instance", "i2", "i1"))

	after, seen := counter.snapshot()
	for kind, n := range before {
		after[kind] -= n
		if after[kind] == 0 {
			delete(after, kind)
		}
	}
	// 300 transactions and the sentinel's; its one watch event and the one read re-arming it.
	want := map[string]int{"Multi": 301, "watch event": 1, "GetW": 1}
	if !maps.Equal(after, want) {
		t.Fatalf("requests and watch events = %v, want %v; watch events since the start: %q", after, want, seen)
	}
	events.quiet(t, 200*time.Millisecond)
	expectCached(t, k, "/job/sharding/1", "")
	expectChildren(t, k, "/job/sharding/0", "instance")
}

// testKnownSessionExpiry: after a new session the re-sync compares the known children with the
// cached ones (deletions first, then changes and creations) and watches them again.
func testKnownSessionExpiry(t *testing.T, b backend) {
	cfg := testConfig(t)
	cfg.SessionTimeout = time.Second
	observer := b.openNS(t, cfg)
	c, l := b.openFaulty(t, cfg)
	st := states(c)
	must(t, c.Persist("/job/sharding/0/instance", "i1"))
	must(t, c.Persist("/job/sharding/0/failover", "f"))
	must(t, c.CreateEphemeral("/job/sharding/0/failovering", "mine"))
	must(t, c.CreateEphemeral("/job/sharding/0/running", "mine"))
	k, events := watchKnown(t, c)

	l.Partition()
	st.expect(t, StateSuspended)
	must(t, observer.Update("/job/sharding/0/instance", "i2"))
	must(t, observer.Remove("/job/sharding/0/failover"))
	must(t, observer.Persist("/job/sharding/0/disabled", ""))
	l.Expire()
	st.expect(t, StateLost, StateNewSession)

	expectChildren(t, k, "/job/sharding/0", "instance", "disabled") // re-synced before NewSession
	events.expect(t, deleted("/job/sharding/0/failovering", "mine"), deleted("/job/sharding/0/failover", "f"),
		changed("/job/sharding/0/instance", "i2", "i1"), created("/job/sharding/0/disabled", ""))

	// Watched again, in the new session.
	must(t, c.Update("/job/sharding/0/disabled", "x"))
	events.expect(t, changed("/job/sharding/0/disabled", "x", ""))
	must(t, c.CreateEphemeral("/job/sharding/0/failovering", "again"))
	events.expect(t, created("/job/sharding/0/failovering", "again"))
	must(t, c.CreateEphemeral("/job/sharding/0/running", "again"))
	events.quiet(t, 200*time.Millisecond)
}
