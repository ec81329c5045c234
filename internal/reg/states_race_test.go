package reg

import (
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/memzk"
	"github.com/go-zookeeper/zk"
)

// sessionConn is a Conn whose session id the test sets; the state machine reads nothing else.
type sessionConn struct {
	Conn
	id atomic.Int64
}

func (s *sessionConn) SessionID() int64 { return s.id.Load() }
func (s *sessionConn) Close()           {}

// A Lost timer that fired just as the connection came back must not end the next outage early:
// its task reached the states mailbox behind Reconnected and the next Suspended, where it found
// the client disconnected and declared the session lost at once, fencing every running job.
func TestStaleLostTimerIgnoredAfterReconnect(t *testing.T) {
	c := newCenter(Config{SessionTimeout: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	c.states = newMailbox(c.stateDisp, true) // held: the test runs the session events itself
	conn := &sessionConn{}
	conn.id.Store(7)
	c.setConn(conn)
	defer c.Close()
	var got []State
	c.OnState(func(s State) { got = append(got, s) })

	c.handleSession(zk.StateHasSession, 0, time.Now())
	c.handleSession(zk.StateDisconnected, 0, time.Now())
	waitFor(t, func() bool { // the 1 ms timer fired: its task waits in the held mailbox
		c.states.mu.Lock()
		defer c.states.mu.Unlock()
		return len(c.states.queue) == 1
	})
	c.sessionTimeout = time.Hour // the next outage is a short one
	c.handleSession(zk.StateHasSession, 0, time.Now())
	c.handleSession(zk.StateDisconnected, 0, time.Now())

	ran := make(chan struct{})
	c.states.post(func() { close(ran) })
	c.states.release()
	<-ran
	want := []State{StateConnected, StateSuspended, StateReconnected, StateSuspended}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Fatalf("states %v, want %v", got, want)
	}
}

// NewSession waits for the caches to re-sync, but not behind a handler that blocks (the engine
// takes the failover latch in its handlers): a disconnection of the new session must still be
// reported, and Lost after it, or a partitioned instance runs on unfenced while others take over.
func TestLostNotHeldUpByReSyncBehindBlockedHandler(t *testing.T) {
	srv := memzk.NewServer(memzk.WithReconnectDelay(10 * time.Millisecond))
	defer srv.Close()
	c, err := NewEmbeddedOn(srv, Config{SessionTimeout: 300 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	must(t, err)
	defer c.Close()
	must(t, c.Persist("/a", "x"))
	gate := make(chan struct{})
	k, err := c.Watch("/a", func(ev Event) {
		if ev.Type == EventChanged {
			<-gate
		}
	})
	must(t, err)
	defer k.Close()
	defer close(gate)
	st := states(c)

	must(t, c.Update("/a", "y")) // the handler blocks on it
	first := c.SessionID()
	srv.Expire(first)
	st.expect(t, StateSuspended, StateLost)
	waitFor(t, func() bool { id := c.SessionID(); return id != first && id != 0 })
	srv.Disconnect(c.SessionID(), time.Hour)
	st.expect(t, StateNewSession, StateSuspended, StateLost)
}

// The Lost timer counts from the disconnection, not from when the states goroutine got to it
// (it may be busy with a listener, re-registering after a new session, say): Lost must not come
// a session timeout after a late Suspended while the server has expired the session already.
func TestLostTimerCountsFromTheDisconnection(t *testing.T) {
	const timeout = time.Second
	srv := memzk.NewServer()
	defer srv.Close()
	c, err := NewEmbeddedOn(srv, Config{SessionTimeout: timeout, Logger: slog.New(slog.DiscardHandler)})
	must(t, err)
	defer c.Close()
	st := states(c)
	gate := make(chan struct{})
	c.states.post(func() { <-gate }) // a listener busy with earlier news
	srv.Disconnect(c.SessionID(), time.Hour)
	time.Sleep(timeout + 200*time.Millisecond) // at least the session timeout passes
	close(gate)
	st.expect(t, StateSuspended)
	suspended := time.Now()
	st.expect(t, StateLost)
	if d := time.Since(suspended); d > timeout/2 {
		t.Fatalf("Lost %v after the late Suspended: the disconnection is %v old", d.Round(10*time.Millisecond), timeout)
	}
}
