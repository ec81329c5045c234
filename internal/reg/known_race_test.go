package reg

import (
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// racingConn lets another session write between two of the cache's requests on one path: after
// the n-th GetW or ExistsW on it, then[n] runs before the answer is returned.
type racingConn struct {
	Conn
	path string

	mu    sync.Mutex
	calls int
	then  map[int]func()
}

func (r *racingConn) arm(then map[int]func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls, r.then = 0, then
}

func (r *racingConn) after(path string) {
	if path != r.path {
		return
	}
	r.mu.Lock()
	r.calls++
	f := r.then[r.calls]
	r.mu.Unlock()
	if f != nil {
		f()
	}
}

func (r *racingConn) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	data, stat, ch, err := r.Conn.GetW(path)
	r.after(path)
	return data, stat, ch, err
}

func (r *racingConn) ExistsW(path string) (bool, *zk.Stat, <-chan zk.Event, error) {
	ok, stat, ch, err := r.Conn.ExistsW(path)
	r.after(path)
	return ok, stat, ch, err
}

// A known child created between the GetW that found it missing and the ExistsW, or deleted
// between the ExistsW that found it and the GetW, is read again: the cache holds what is there
// and keeps a watch on it.
func TestKnownChildRacesBetweenRequests(t *testing.T) {
	const leaf = "/job/sharding/0/instance"
	for _, b := range backends()[:2] { // embedded and standalone
		t.Run(b.name, func(t *testing.T) {
			cfg := testConfig(t)
			other := b.openNS(t, cfg)
			var rc *racingConn
			c := b.openVia(t, cfg, &interposer{wrap: func(conn Conn) Conn {
				rc = &racingConn{Conn: conn, path: nsPath(cfg, leaf)}
				return rc
			}})
			must(t, other.Persist("/job/sharding/0", ""))
			create := func() { must(t, other.Persist(leaf, "a")) }
			remove := func() { must(t, other.Remove(leaf)) }

			// GetW: no node; created; ExistsW: exists; GetW reads it.
			rc.arm(map[int]func(){1: create})
			k, events := watchKnown(t, c)
			expectCached(t, k, leaf, "a")
			must(t, other.Update(leaf, "b"))
			events.expect(t, changed(leaf, "b", "a"))
			k.Close()

			// GetW: no node; created; ExistsW: exists; deleted; GetW: no node; ExistsW: none.
			remove()
			rc.arm(map[int]func(){1: create, 2: remove})
			k, events = watchKnown(t, c)
			if v, ok := k.Get(leaf); ok {
				t.Fatalf("cache Get(%s) = %q: the node is gone", leaf, v)
			}
			must(t, other.Persist(leaf, "c"))
			events.expect(t, created(leaf, "c"))
			events.quiet(t, 100*time.Millisecond)
		})
	}
}

// nsPath is the ZooKeeper path of a namespace-relative path in cfg's namespace.
func nsPath(cfg Config, path string) string { return normalizeNamespace(cfg.Namespace) + path }

// A known child deleted and re-created before the cache handles the deletion (no watch was left
// to report the creation) is found by the re-read: deleted, then created.
func TestKnownChildRecreatedBehindDeletion(t *testing.T) {
	const leaf = "/job/sharding/0/instance"
	for _, b := range backends()[:2] { // embedded and standalone
		t.Run(b.name, func(t *testing.T) {
			c := b.openNS(t, testConfig(t))
			must(t, c.Persist(leaf, "a"))
			gate := make(chan struct{})
			events := newRecorder[Event]()
			k, err := c.Watch("/job", func(ev Event) {
				if ev.Path == "/job" {
					<-gate // hold the mailbox: the events below queue behind this one
				}
				events.add(ev)
			}, WithKnownChildren(shardingItems))
			must(t, err)
			t.Cleanup(k.Close)

			must(t, c.Update("/job", "x"))
			must(t, c.Remove(leaf))
			must(t, c.Persist(leaf, "b"))
			close(gate)
			events.expect(t, changed("/job", "x", ""), deleted(leaf, "a"), created(leaf, "b"))
			must(t, c.Update(leaf, "c"))
			events.expect(t, changed(leaf, "c", "b"))
		})
	}
}
