package memzk

import (
	"sort"
	"time"

	"github.com/go-zookeeper/zk"
)

// session is a server session. Its connection keeps it alive; once the connection is lost the
// session expires after its timeout unless the client reconnects first.
type session struct {
	id         int64
	timeout    time.Duration
	conn       *Conn
	ephemerals map[string]struct{}
	expiry     *time.Timer // runs while the connection is down
}

func (sess *session) stopExpiry() {
	if sess.expiry != nil {
		sess.expiry.Stop()
		sess.expiry = nil
	}
}

// newSession creates a session; like ZooKeeper's createSession it takes a zxid.
func (s *Server) newSession(c *Conn) *session {
	s.zxid++
	s.nextSession++
	sess := &session{id: s.nextSession, timeout: c.timeout, conn: c, ephemerals: map[string]struct{}{}}
	s.sessions[sess.id] = sess
	return sess
}

// closeSession ends a session in one write (one zxid) that deletes its ephemeral nodes; the
// watches on them fire, those of the session's own connection included when it is still
// connected (observed on Close: the client gets its own watch's event, then StateDisconnected).
func (s *Server) closeSession(sess *session) {
	sess.stopExpiry()
	delete(s.sessions, sess.id)
	paths := make([]string, 0, len(sess.ephemerals))
	for path := range sess.ephemerals {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	_ = s.apply(func(t *txn) error {
		for _, path := range paths {
			if err := t.delete(path, -1); err != nil {
				return err
			}
		}
		return nil
	})
}

// Expire makes the server expire a session now, as it does when it has not heard from the client
// within the session timeout: the connection drops first (so the client gets no event of the
// deletes), then the session's ephemeral nodes are deleted (other sessions' watches fire). The
// client then goes through what go-zookeeper shows on expiry: StateDisconnected, StateConnecting,
// and at its next attempt StateConnected, StateExpired, EventNotWatching (zk.ErrSessionExpired)
// for each of its watches, StateDisconnected, StateConnecting, StateConnected and StateHasSession
// with a new session id (observed, the server closing the session of a connected client; with a
// 1 s pause before each StateConnected). Unknown or ended sessions are ignored.
func (s *Server) Expire(sessionID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sessionID]
	if sess == nil {
		return
	}
	if sess.conn.online {
		sess.conn.cut(time.Now())
	}
	s.closeSession(sess)
}

// Disconnect cuts a session's connection for d. The client sees StateDisconnected and then, as
// go-zookeeper retries, StateConnecting at once and again every reconnect delay (1 s) while the
// server is unreachable. Requests made meanwhile wait for the next attempt: they fail with
// zk.ErrNoServer when it fails and run normally when it restores the session. If the client gets
// back within the session timeout it keeps its session (StateConnected, StateHasSession) and its
// watches, which fire at once for nodes changed meanwhile; otherwise the session expires when the
// timeout elapses (ephemerals deleted then) and the client goes through the expiry sequence
// described at Expire when it gets back. Unknown or ended sessions are ignored.
func (s *Server) Disconnect(sessionID int64, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sessionID]
	if sess == nil {
		return
	}
	until := time.Now().Add(d)
	if sess.conn.online {
		sess.conn.cut(until)
	} else if until.After(sess.conn.downUntil) {
		sess.conn.downUntil = until
	}
}

// cut drops a connected client's link until the given time; the caller holds s.mu.
func (c *Conn) cut(until time.Time) {
	s := c.srv
	sess := c.sess
	c.online = false
	c.sess = nil
	c.downUntil = until
	s.dataWatches.drop(c)
	s.childWatches.drop(c)
	sess.expiry = time.AfterFunc(sess.timeout, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.closed && s.sessions[sess.id] == sess && !sess.conn.online {
			s.closeSession(sess)
		}
	})
	c.setState(zk.StateDisconnected)
	c.signal()
	s.wg.Add(1)
	go c.redial()
}

// redial is go-zookeeper's reconnect loop for a lost connection. Every round starts with
// StateConnecting and fails the requests still waiting with zk.ErrNoServer, then pauses for the
// reconnect delay and dials. A dial while the link is down fails; one that gets through gives
// StateConnected and then either StateHasSession (the session is alive: its watches are
// restored) or, if the server expired it, StateExpired, EventNotWatching for every watch and
// StateDisconnected, after which the next round opens a new session.
func (c *Conn) redial() {
	s := c.srv
	defer s.wg.Done()
	pause := time.NewTimer(0)
	defer pause.Stop()
	<-pause.C
	for {
		s.mu.Lock()
		if c.closed {
			s.mu.Unlock()
			return
		}
		c.setState(zk.StateConnecting)
		c.round++
		c.signal()
		s.mu.Unlock()

		pause.Reset(s.reconnectDelay)
		select {
		case <-pause.C:
		case <-c.quit:
			return
		}

		s.mu.Lock()
		if c.closed || time.Now().Before(c.downUntil) {
			s.mu.Unlock()
			continue
		}
		c.setState(zk.StateConnected)
		if id := c.sessionID.Load(); id != 0 && s.sessions[id] == nil {
			c.sessionID.Store(0)
			c.setState(zk.StateExpired)
			c.invalidateWatches(zk.ErrSessionExpired)
			c.setState(zk.StateDisconnected)
			s.mu.Unlock()
			continue
		}
		c.establish()
		s.mu.Unlock()
		return
	}
}

// establish attaches the client to its session, or to a new one when it has none, and reports
// StateHasSession; the caller holds s.mu and has reported StateConnected.
func (c *Conn) establish() {
	s := c.srv
	sess := s.sessions[c.sessionID.Load()]
	if sess == nil {
		sess = s.newSession(c)
	}
	sess.stopExpiry()
	c.sess = sess
	c.online = true
	c.sessionID.Store(sess.id)
	c.setState(zk.StateHasSession)
	c.restoreWatches(c.lastZxid)
	c.lastZxid = s.zxid
	c.signal()
}
