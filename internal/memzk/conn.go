package memzk

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
)

// ServerName is the Server field of session events, where go-zookeeper puts the address of the
// server it is connected to.
const ServerName = "memzk"

// Conn is a client connection to a Server, with the methods and behaviour of *zk.Conn.
type Conn struct {
	srv       *Server
	id        int64
	timeout   time.Duration
	events    *eventQueue
	state     atomic.Int32
	sessionID atomic.Int64
	quit      chan struct{} // closed by Close: ends a reconnect loop

	// Guarded by srv.mu.
	sess      *session // the session while connected
	online    bool     // connected with a session: requests run
	closed    bool
	downUntil time.Time // the link is down until then
	round     int       // reconnect rounds begun; each fails the requests waiting for it
	changed   chan struct{}
	watchers  map[watchKey][]chan zk.Event
	lastZxid  int64 // the zxid of the last response, for watch restoration
}

// Connect opens a connection with a new session, established before Connect returns. onEvent
// (may be nil) receives the events go-zookeeper gives zk.WithEventCallback: at once StateConnecting,
// StateConnected and StateHasSession, then watch events and session changes. It is called from
// one goroutine per connection, in order, never with a server lock held; it must not block and
// must not call the Conn (see the package doc). On a closed Server the Conn is closed already.
func (s *Server) Connect(sessionTimeout time.Duration, onEvent func(zk.Event)) *Conn {
	c := &Conn{
		srv:      s,
		timeout:  sessionTimeout,
		events:   newEventQueue(),
		quit:     make(chan struct{}),
		changed:  make(chan struct{}),
		watchers: map[watchKey][]chan zk.Event{},
	}
	c.state.Store(int32(zk.StateDisconnected))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		c.events.run(onEvent)
	}()

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.closed = true
		close(c.quit)
		c.events.close()
		return c
	}
	s.nextConn++
	c.id = s.nextConn
	s.conns[c] = struct{}{}
	c.setState(zk.StateConnecting)
	c.setState(zk.StateConnected)
	c.establish()
	return c
}

// State returns the connection state as go-zookeeper reports it.
func (c *Conn) State() zk.State { return zk.State(c.state.Load()) }

// SessionID returns the current session id: 0 between an expiry and the next session, and the
// last one after Close.
func (c *Conn) SessionID() int64 { return c.sessionID.Load() }

// setState records and reports a session state; the caller holds srv.mu.
func (c *Conn) setState(st zk.State) {
	c.state.Store(int32(st))
	c.events.push(zk.Event{Type: zk.EventSession, State: st, Server: ServerName}, nil)
}

// signal wakes the requests waiting for the connection to change; the caller holds srv.mu.
func (c *Conn) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Close ends the session at once, as go-zookeeper's close request does: its ephemeral nodes are
// deleted and watches on them fire. The client then reports StateDisconnected and EventNotWatching
// (zk.ErrClosing) for each watch left; those events may be delivered after Close returns, and the
// event goroutine ends once they are. During an outage the server cannot hear the close, so the
// session lives on until its timeout. Later requests fail with zk.ErrConnectionClosed.
func (c *Conn) Close() {
	s := c.srv
	s.mu.Lock()
	if c.closed {
		s.mu.Unlock()
		return
	}
	c.closed = true
	close(c.quit)
	if c.online {
		s.closeSession(c.sess)
		s.dataWatches.drop(c)
		s.childWatches.drop(c)
		c.online = false
		c.sess = nil
	}
	delete(s.conns, c)
	c.setState(zk.StateDisconnected)
	c.invalidateWatches(zk.ErrClosing)
	c.signal()
	s.mu.Unlock()
	c.events.close()
}

// do runs a request the way go-zookeeper does: at once while connected; during an outage it
// waits for the client's next reconnect round, which fails it with zk.ErrNoServer or, having
// restored the session, runs it; on a closed connection it fails with zk.ErrConnectionClosed.
// op runs with srv.mu held and returns the server's answer. The request returns once the events
// queued before its answer have been delivered.
func (c *Conn) do(op func() error) error {
	s := c.srv
	s.mu.Lock()
	round := c.round
	for !c.online {
		if c.closed {
			s.mu.Unlock()
			return zk.ErrConnectionClosed
		}
		if c.round != round {
			s.mu.Unlock()
			return zk.ErrNoServer
		}
		changed := c.changed
		s.mu.Unlock()
		<-changed
		s.mu.Lock()
	}
	err := op()
	c.lastZxid = s.zxid
	seen := c.events.count()
	s.mu.Unlock()
	c.events.waitDelivered(seen)
	return err
}

// Create creates a node and returns its path (with the sequence suffix for a sequential node).
// As on a real server, zk.FlagContainer here makes a plain persistent node: only CreateContainer
// (or a create in a Multi) makes a container.
func (c *Conn) Create(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	mode, err := parseCreateMode(flags)
	if err != nil {
		return "", err
	}
	if err := validatePath(path, mode.sequential); err != nil {
		return "", err
	}
	if mode.ttl {
		return "", fmt.Errorf("Create with TTL flag disallowed: %w", zk.ErrInvalidFlags)
	}
	mode.container = false
	return c.create(path, data, acl, mode)
}

// CreateContainer creates a container node: ReapContainers deletes it once it has had children
// and has none left.
func (c *Conn) CreateContainer(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	mode, err := parseCreateMode(flags)
	if err != nil {
		return "", err
	}
	if err := validatePath(path, mode.sequential); err != nil {
		return "", err
	}
	if !mode.container {
		return "", fmt.Errorf("CreateContainer requires container flag: %w", zk.ErrInvalidFlags)
	}
	return c.create(path, data, acl, mode)
}

func (c *Conn) create(path string, data []byte, acl []zk.ACL, mode createMode) (string, error) {
	var created string
	err := c.do(func() error {
		return c.srv.apply(func(t *txn) (err error) {
			created, err = t.create(c.sess, path, data, acl, mode)
			return err
		})
	})
	if err != nil {
		return "", err
	}
	return created, nil
}

// Delete deletes a node if version is -1 or its version.
func (c *Conn) Delete(path string, version int32) error {
	if err := validatePath(path, false); err != nil {
		return err
	}
	return c.do(func() error {
		return c.srv.apply(func(t *txn) error { return t.delete(path, version) })
	})
}

// Set replaces a node's data if version is -1 or its version. On a server error the stat is
// zero, as go-zookeeper returns it.
func (c *Conn) Set(path string, data []byte, version int32) (*zk.Stat, error) {
	if err := validatePath(path, false); err != nil {
		return nil, err
	}
	stat := &zk.Stat{}
	err := c.do(func() error {
		return c.srv.apply(func(t *txn) (err error) {
			s, err := t.setData(path, data, version)
			if err == nil {
				stat = s
			}
			return err
		})
	})
	if err == zk.ErrConnectionClosed {
		return nil, err
	}
	return stat, err
}

// Get returns a node's data and stat (a zero stat with the error when it fails).
func (c *Conn) Get(path string) ([]byte, *zk.Stat, error) {
	data, stat, _, err := c.get(path, false)
	if err == zk.ErrConnectionClosed {
		return nil, nil, err
	}
	return data, stat, err
}

// GetW is Get with a data watch: EventNodeDataChanged or EventNodeDeleted, once.
func (c *Conn) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	data, stat, ch, err := c.get(path, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return data, stat, ch, nil
}

func (c *Conn) get(path string, watch bool) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	if err := validatePath(path, false); err != nil {
		return nil, nil, nil, err
	}
	var data []byte
	var ch <-chan zk.Event
	stat := &zk.Stat{}
	err := c.do(func() error {
		n := c.srv.nodes[path]
		if n == nil {
			return zk.ErrNoNode
		}
		data, stat = cloneBytes(n.data), n.statCopy()
		if watch {
			c.srv.dataWatches.add(path, c)
			ch = c.addWatcher(path, watchData)
		}
		return nil
	})
	return data, stat, ch, err
}

// Exists tells whether a node exists (false and a zero stat when it does not).
func (c *Conn) Exists(path string) (bool, *zk.Stat, error) {
	ok, stat, _, err := c.exists(path, false)
	if err == zk.ErrConnectionClosed {
		return false, nil, err
	}
	return ok, stat, err
}

// ExistsW is Exists with a watch: EventNodeCreated, EventNodeDataChanged or EventNodeDeleted,
// once. The watch is set whether the node exists or not.
func (c *Conn) ExistsW(path string) (bool, *zk.Stat, <-chan zk.Event, error) {
	ok, stat, ch, err := c.exists(path, true)
	if err != nil {
		return false, nil, nil, err
	}
	return ok, stat, ch, nil
}

func (c *Conn) exists(path string, watch bool) (bool, *zk.Stat, <-chan zk.Event, error) {
	if err := validatePath(path, false); err != nil {
		return false, nil, nil, err
	}
	var ch <-chan zk.Event
	stat := &zk.Stat{}
	err := c.do(func() error {
		n := c.srv.nodes[path]
		if watch {
			// Both kinds are data watches on the server; the client files a watch on a missing
			// node as an exist watch, which only NodeCreated (or a delete) ends.
			c.srv.dataWatches.add(path, c)
			kind := watchData
			if n == nil {
				kind = watchExist
			}
			ch = c.addWatcher(path, kind)
		}
		if n == nil {
			return zk.ErrNoNode
		}
		stat = n.statCopy()
		return nil
	})
	if err == zk.ErrNoNode {
		return false, stat, ch, nil
	}
	// go-zookeeper reports true with any other error but a closed connection.
	return true, stat, ch, err
}

// Children returns a node's children, sorted, and its stat.
func (c *Conn) Children(path string) ([]string, *zk.Stat, error) {
	names, stat, _, err := c.children(path, false)
	if err == zk.ErrConnectionClosed {
		return nil, nil, err
	}
	return names, stat, err
}

// ChildrenW is Children with a child watch: EventNodeChildrenChanged or EventNodeDeleted, once.
func (c *Conn) ChildrenW(path string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	names, stat, ch, err := c.children(path, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return names, stat, ch, nil
}

func (c *Conn) children(path string, watch bool) ([]string, *zk.Stat, <-chan zk.Event, error) {
	if err := validatePath(path, false); err != nil {
		return nil, nil, nil, err
	}
	var names []string
	var ch <-chan zk.Event
	stat := &zk.Stat{}
	err := c.do(func() error {
		n := c.srv.nodes[path]
		if n == nil {
			return zk.ErrNoNode
		}
		names, stat = n.childNames(), n.statCopy()
		if watch {
			c.srv.childWatches.add(path, c)
			ch = c.addWatcher(path, watchChild)
		}
		return nil
	})
	return names, stat, ch, err
}

// GetACL returns a node's ACL and stat. ACLs are stored but not enforced.
func (c *Conn) GetACL(path string) ([]zk.ACL, *zk.Stat, error) {
	if err := validatePath(path, false); err != nil {
		return nil, nil, err
	}
	var acl []zk.ACL
	stat := &zk.Stat{}
	err := c.do(func() error {
		n := c.srv.nodes[path]
		if n == nil {
			return zk.ErrNoNode
		}
		acl, stat = append([]zk.ACL(nil), n.acl...), n.statCopy()
		return nil
	})
	if err == zk.ErrConnectionClosed {
		return nil, nil, err
	}
	return acl, stat, err
}
