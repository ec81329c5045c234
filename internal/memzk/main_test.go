package memzk

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var acl = zk.WorldACL(zk.PermAll)

// recorder collects the events a connection's callback receives, as readable lines.
type recorder struct {
	mu  sync.Mutex
	evs []string
}

func (r *recorder) add(e zk.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, eventLine(e))
}

func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.evs...)
}

// waitFor waits until n events have arrived and returns them all.
func (r *recorder) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(r.lines()) < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	got := r.lines()
	if len(got) < n {
		t.Fatalf("got %d events, want %d:\n%s", len(got), n, strings.Join(got, "\n"))
	}
	return got
}

// clear forgets the events seen so far.
func (r *recorder) clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = nil
}

func eventLine(e zk.Event) string {
	return fmt.Sprintf("%s %s %s err=%v srv=%s", e.Type, e.State, e.Path, e.Err, e.Server)
}

func sessionEv(st zk.State) string {
	return eventLine(zk.Event{Type: zk.EventSession, State: st, Server: ServerName})
}

func watchEv(t zk.EventType, path string) string {
	return eventLine(zk.Event{Type: t, State: zk.StateSyncConnected, Path: path})
}

func notWatchingEv(path string, err error) string {
	return eventLine(zk.Event{Type: zk.EventNotWatching, State: zk.StateDisconnected, Path: path, Err: err})
}

var connectEvs = []string{sessionEv(zk.StateConnecting), sessionEv(zk.StateConnected), sessionEv(zk.StateHasSession)}

// newServer returns a server closed when the test ends, with a short reconnect delay.
func newServer(t *testing.T, opts ...Option) *Server {
	s := NewServer(append([]Option{WithReconnectDelay(20 * time.Millisecond)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// connect opens a connection that records its events and has delivered its connect events.
func connect(t *testing.T, s *Server, timeout time.Duration) (*Conn, *recorder) {
	t.Helper()
	r := &recorder{}
	c := s.Connect(timeout, r.add)
	r.waitFor(t, 3)
	r.clear()
	return c, r
}

// mustCreate creates persistent nodes.
func mustCreate(t *testing.T, c *Conn, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := c.Create(p, nil, 0, acl); err != nil {
			t.Fatalf("create %s: %v", p, err)
		}
	}
}

// stat returns a node's stat or fails the test.
func stat(t *testing.T, c *Conn, path string) *zk.Stat {
	t.Helper()
	_, s, err := c.Get(path)
	if err != nil {
		t.Fatalf("get %s: %v", path, err)
	}
	return s
}

// received reads a watch channel's event, failing if none is there.
func received(t *testing.T, ch <-chan zk.Event) string {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed without an event")
		}
		if _, open := <-ch; open {
			t.Fatal("watch channel not closed after its event")
		}
		return eventLine(e)
	case <-time.After(5 * time.Second):
		t.Fatal("no watch event")
	}
	return ""
}

// pending fails if a watch channel already holds an event.
func pending(t *testing.T, ch <-chan zk.Event) {
	t.Helper()
	select {
	case e := <-ch:
		t.Fatalf("unexpected watch event %s", eventLine(e))
	default:
	}
}
