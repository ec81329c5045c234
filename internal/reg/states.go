package reg

import (
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
)

// stateMachine turns the client's session events into the engine's States, as Curator 5 does:
//
//   - Connected: the first session is established; Connect and NewEmbedded return after it, so
//     listeners registered on the returned Center see the states that follow.
//   - Suspended: the connection dropped while we had a session (zk StateDisconnected).
//   - Reconnected: a session is back with the same id and the session was not taken as lost.
//   - Lost: the server said the session expired (zk StateExpired), or we stayed disconnected
//     for the session timeout the server granted, counted from the disconnect (a timer, as
//     Curator 5 does, because a partitioned client cannot hear of its expiry). Lock waiters
//     and holders are fenced.
//   - NewSession: the first session after Lost, fired once every cache has re-synced so the engine
//     sees current data, or earlier when a newer state is queued meanwhile (a handler blocking
//     the re-sync must not hold up a new Suspended or Lost). It is NewSession even when the
//     server kept the old session (a quorum outage longer than the timeout): the engine
//     re-registers, which is idempotent.
//   - Closed: Close was called.
//
// All fields but the listeners are used only by tasks of the states mailbox.
type stateMachine struct {
	started   bool // the first session was established
	connected bool // we have a session and a connection
	lost      bool // the session was given up as lost, no new session yet
	sessionID int64
	timer     *time.Timer
	timerGen  int // counts the Lost timers armed: a stale one's task finds a newer number

	mu        sync.Mutex
	nextID    int
	listeners map[int]func(State)
}

// OnState registers fn for connection state changes, delivered in order; remove unregisters.
// fn runs on the Center's state goroutine, after the caches have re-synced for NewSession; it
// may call the Center but not Close, and must not block long (it delays the next state).
func (c *Center) OnState(fn func(State)) (remove func()) {
	c.sm.mu.Lock()
	defer c.sm.mu.Unlock()
	id := c.sm.nextID
	c.sm.nextID++
	c.sm.listeners[id] = fn
	return func() {
		c.sm.mu.Lock()
		defer c.sm.mu.Unlock()
		delete(c.sm.listeners, id)
	}
}

// Connected says whether the Center has a session and a connection to it now: the last state
// delivered is Connected, Reconnected or NewSession.
func (c *Center) Connected() bool {
	switch State(c.state.Load()) {
	case StateConnected, StateReconnected, StateNewSession:
		return true
	}
	return false
}

func (c *Center) emitState(s State) {
	c.sm.mu.Lock()
	fns := make([]func(State), 0, len(c.sm.listeners))
	for id := 0; id < c.sm.nextID; id++ { // registration order
		if fn, ok := c.sm.listeners[id]; ok {
			fns = append(fns, fn)
		}
	}
	c.sm.mu.Unlock()
	c.state.Store(int32(s))
	c.log.Info("registry center connection state", "state", s.String(), "namespace", c.ns)
	for _, fn := range fns {
		fn(s)
	}
}

// handleSession runs on the states mailbox, one client session event at a time; seq is its
// postState number, at when the client reported it.
func (c *Center) handleSession(s zk.State, seq int64, at time.Time) {
	<-c.connReady
	sm := &c.sm
	switch s {
	case zk.StateHasSession:
		sid := c.conn.SessionID()
		switch {
		case !sm.started:
			sm.started, sm.connected, sm.sessionID = true, true, sid
			c.emitState(StateConnected)
			close(c.connected) // Connect returns now
		case sm.connected:
		case !sm.lost && sid == sm.sessionID:
			sm.connected = true
			sm.stopTimer()
			c.emitState(StateReconnected)
			c.resyncCaches(false, seq)
		default:
			if !sm.lost { // a new session we had not been told about
				c.sessionLost()
				c.emitState(StateLost)
			}
			sm.connected, sm.lost, sm.sessionID = true, false, sid
			sm.stopTimer()
			c.resyncCaches(true, seq)
			c.emitState(StateNewSession)
		}
	case zk.StateDisconnected:
		if !sm.connected {
			return
		}
		sm.connected = false
		c.emitState(StateSuspended)
		if !sm.lost {
			sm.stopTimer()
			sm.timerGen++
			gen := sm.timerGen
			// Counted from the disconnection: this goroutine may have got to it late.
			sm.timer = time.AfterFunc(c.lostTimeout()-time.Since(at), func() {
				c.postState(func(int64) { c.suspendedTooLong(gen) })
			})
		}
	case zk.StateExpired:
		sm.connected = false
		c.markLost()
	}
}

// suspendedTooLong runs when the session timeout has passed since the disconnect that armed
// timer gen. A timer that fired as the connection came back queues its task behind Reconnected
// (Stop is too late then), maybe behind the next disconnect too: only the current timer counts.
func (c *Center) suspendedTooLong(gen int) {
	if gen == c.sm.timerGen && !c.sm.connected {
		c.markLost()
	}
}

func (c *Center) markLost() {
	if c.sm.lost {
		return
	}
	c.sm.lost = true
	c.sm.stopTimer()
	c.sessionLost()
	c.emitState(StateLost)
}

func (c *Center) closeStates() {
	c.sm.stopTimer()
	c.emitState(StateClosed)
}

func (sm *stateMachine) stopTimer() {
	if sm.timer != nil {
		sm.timer.Stop()
		sm.timer = nil
	}
}

// String names a state as the log shows it.
func (s State) String() string {
	switch s {
	case StateConnected:
		return "CONNECTED"
	case StateSuspended:
		return "SUSPENDED"
	case StateReconnected:
		return "RECONNECTED"
	case StateLost:
		return "LOST"
	case StateNewSession:
		return "NEW_SESSION"
	case StateClosed:
		return "CLOSED"
	}
	return "UNKNOWN"
}
