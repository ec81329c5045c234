package reg

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/memzk"
	"github.com/go-zookeeper/zk"
)

func TestConnectDeadServerFailsWithinRetryBound(t *testing.T) {
	start := time.Now()
	_, err := Connect(context.Background(), Config{ServerLists: "127.0.0.1:1", MaxSleepTime: 300 * time.Millisecond,
		MaxRetries: 2, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || err.Error() != "reg: no ZooKeeper session with 127.0.0.1:1 within 600ms" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second { // the bound, plus the client's 1 s close request
		t.Fatalf("took %v", d)
	}
}

func TestConnectHonoursContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Connect(ctx, Config{ServerLists: "127.0.0.1:1", Logger: slog.New(slog.DiscardHandler)})
	if err == nil || err.Error() != "reg: no ZooKeeper session with 127.0.0.1:1: context deadline exceeded" {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectWithoutServers(t *testing.T) {
	_, err := Connect(context.Background(), Config{ServerLists: " , "})
	if err == nil || err.Error() != `reg: no ZooKeeper server in serverLists " , "` {
		t.Fatalf("err = %v", err)
	}
}

// A digest that is not user:password would become the ACL id as it is; it is refused without
// being shown.
func TestConnectRefusesAMalformedDigest(t *testing.T) {
	for _, digest := range []string{"secretonly", ":secret", "user:"} {
		_, err := Connect(context.Background(), Config{ServerLists: "127.0.0.1:1", Digest: digest})
		if err == nil || err.Error() != "reg: the digest (not shown) is not user:password" {
			t.Errorf("digest %q: %v", digest, err)
		}
	}
}

func TestNamespacePaths(t *testing.T) {
	for _, tc := range []struct{ ns, path, abs string }{
		{"demo", "/job/config", "/demo/job/config"},
		{"task/foo", "/job", "/task/foo/job"},
		{"/task/foo/", "/", "/task/foo"},
		{"", "/job", "/job"},
		{"", "/", "/"},
	} {
		c := &Center{ns: normalizeNamespace(tc.ns)}
		if got := c.abs(tc.path); got != tc.abs {
			t.Errorf("ns %q: abs(%q) = %q, want %q", tc.ns, tc.path, got, tc.abs)
		}
		if back, ok := c.rel(tc.abs); !ok || back != tc.path {
			t.Errorf("ns %q: rel(%q) = %q, %v; want %q", tc.ns, tc.abs, back, ok, tc.path)
		}
	}
	c := &Center{ns: "/demo"}
	for _, outside := range []string{"/demox/job", "/other", "/"} {
		if _, ok := c.rel(outside); ok {
			t.Errorf("rel(%q) is inside namespace /demo", outside)
		}
	}
}

// Thousands of caches cost memory, not goroutines: events reach every cache's handler through
// the Center's bounded dispatcher.
func TestCachesCostNoGoroutines(t *testing.T) {
	const jobs = 2000
	c, err := NewEmbedded(Config{Namespace: "many", Logger: slog.New(slog.DiscardHandler)})
	must(t, err)
	defer c.Close()
	for i := range jobs {
		must(t, c.Persist(fmt.Sprintf("/job%d/config", i), "a"))
	}
	// Counted by stack, not runtime.NumGoroutine: goroutines that earlier tests left winding
	// down (a closing ZooKeeper client, a timer's func) are not this Center's.
	before := goroutinesRunning("elasticjob/internal/")
	var seen sync.WaitGroup
	seen.Add(jobs)
	var maxWorkers atomic.Int64
	for i := range jobs {
		_, err := c.Watch(fmt.Sprintf("/job%d", i), func(ev Event) {
			if ev.Type == EventChanged && ev.Data == "b" {
				if n := int64(goroutinesRunning("internal/reg.(*dispatcher).work")); n > maxWorkers.Load() {
					maxWorkers.Store(n)
				}
				seen.Done()
			}
		})
		must(t, err)
	}
	if n := goroutinesRunning("elasticjob/internal/"); n > before {
		t.Fatalf("%d goroutines of ours with %d caches, %d before", n, jobs, before)
	}
	for i := range jobs {
		must(t, c.Update(fmt.Sprintf("/job%d/config", i), "b"))
	}
	seen.Wait()
	// At least the worker running the handler: a renamed worker function shows here.
	if n := maxWorkers.Load(); n < 1 || n > dispatchWorkers {
		t.Fatalf("%d dispatcher workers while delivering, want 1 to %d", n, dispatchWorkers)
	}
}

// goroutinesRunning counts the goroutines whose stack mentions fn.
func goroutinesRunning(fn string) int {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	for n == len(buf) {
		buf = make([]byte, 2*len(buf))
		n = runtime.Stack(buf, true)
	}
	count := 0
	for _, g := range strings.Split(string(buf[:n]), "\n\n") {
		if strings.Contains(g, fn) {
			count++
		}
	}
	return count
}

// One cache's blocked handler holds up neither another cache's events nor the states.
func TestBlockedHandlerDoesNotStallOthers(t *testing.T) {
	srv := memzk.NewServer()
	defer srv.Close()
	c, err := NewEmbeddedOn(srv, Config{Namespace: "blocked", Logger: slog.New(slog.DiscardHandler)})
	must(t, err)
	defer c.Close()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	_, err = c.Watch("/a", func(Event) {
		entered <- struct{}{}
		<-release
	})
	must(t, err)
	_, events := watch(t, c, "/b")
	must(t, c.Persist("/a", "x"))
	<-entered
	must(t, c.Persist("/b", "y"))
	events.expect(t, created("/b", "y"))
	close(release)
}

// Mailboxes run their tasks in order, one at a time each, on at most max workers.
func TestMailboxesSerialAndBounded(t *testing.T) {
	d := newDispatcher(3)
	const boxes, tasks = 20, 200
	var running, peak atomic.Int64
	got := make([][]int, boxes)
	var wg sync.WaitGroup
	for b := range boxes {
		m := newMailbox(d, false)
		var inBox atomic.Int64
		for i := range tasks {
			wg.Add(1)
			m.post(func() {
				defer wg.Done()
				if inBox.Add(1) != 1 {
					t.Errorf("mailbox %d runs two tasks at once", b)
				}
				if n := running.Add(1); n > peak.Load() {
					peak.Store(n)
				}
				got[b] = append(got[b], i)
				running.Add(-1)
				inBox.Add(-1)
			})
		}
	}
	wg.Wait()
	d.closeAndWait()
	for b := range boxes {
		for i, v := range got[b] {
			if v != i {
				t.Fatalf("mailbox %d ran task %d in position %d", b, v, i)
			}
		}
	}
	if peak.Load() > 3 {
		t.Fatalf("%d tasks at once on a dispatcher of 3", peak.Load())
	}
}

// lossyConn performs the first ephemeral sequential creates but reports a connection loss,
// as when the server's answer is lost with the connection.
type lossyConn struct {
	Conn
	lose atomic.Int32
}

func (l *lossyConn) Create(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	created, err := l.Conn.Create(path, data, flags, acl)
	if err == nil && flags == zk.FlagEphemeralSequential && l.lose.Add(-1) >= 0 {
		return "", zk.ErrConnectionClosed
	}
	return created, err
}

// Curator's protected mode: a latch node created before a connection loss is found by its uuid
// instead of being created a second time (which would leave a node that blocks everyone).
func TestLockFindsItsNodeAfterConnectionLoss(t *testing.T) {
	srv := memzk.NewServer()
	defer srv.Close()
	c := newCenter(Config{Namespace: "lossy", Logger: slog.New(slog.DiscardHandler)})
	conn := &lossyConn{Conn: srv.Connect(c.sessionTimeout, c.onEvent)}
	conn.lose.Store(1)
	c.setConn(conn)
	<-c.connected
	defer c.Close()

	unlock, err := c.Lock(t.Context(), "/job/leader/election/latch")
	must(t, err)
	kids, _ := c.Children("/job/leader/election/latch")
	if len(kids) != 1 || !latchName.MatchString(kids[0]) {
		t.Fatalf("latch children %q: want only the node of the create whose answer was lost", kids)
	}
	unlock()
	if kids, _ := c.Children("/job/leader/election/latch"); len(kids) != 0 {
		t.Fatalf("after unlock: %q", kids)
	}
}
