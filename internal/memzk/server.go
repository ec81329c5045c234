package memzk

import (
	"sort"
	"sync"
	"time"
)

// Server is an in-memory ZooKeeper server. Its zero value is not usable: call NewServer.
type Server struct {
	mu           sync.Mutex
	nodes        map[string]*node
	zxid         int64 // the last zxid handed out; every write and every session change takes one
	sessions     map[int64]*session
	nextSession  int64
	nextConn     int64
	conns        map[*Conn]struct{}
	dataWatches  watchTable
	childWatches watchTable
	closed       bool

	reconnectDelay time.Duration
	reapInterval   time.Duration
	stop           chan struct{} // closed by Close: ends the container reaper
	wg             sync.WaitGroup
}

// Option tunes a Server.
type Option func(*Server)

// WithContainerCheckInterval sets how often empty containers are reaped (ZooKeeper's
// znode.container.checkIntervalMs, 60 s by default).
func WithContainerCheckInterval(d time.Duration) Option {
	return func(s *Server) { s.reapInterval = d }
}

// WithReconnectDelay sets the pause before each reconnection attempt of a disconnected client.
// go-zookeeper waits 1 s (its default here) each time it has tried every server in its list.
func WithReconnectDelay(d time.Duration) Option {
	return func(s *Server) { s.reconnectDelay = d }
}

// NewServer starts a server holding a fresh ZooKeeper tree (/, /zookeeper, /zookeeper/quota and
// /zookeeper/config) and its container reaper.
func NewServer(opts ...Option) *Server {
	s := &Server{
		nodes:    newTree(),
		sessions: map[int64]*session{},
		// Like ZooKeeper: the server id in the top byte, the start time below it.
		nextSession:    1<<56 | int64(uint64(time.Now().UnixMilli())<<24>>8),
		conns:          map[*Conn]struct{}{},
		dataWatches:    watchTable{},
		childWatches:   watchTable{},
		reconnectDelay: time.Second,
		reapInterval:   60 * time.Second,
		stop:           make(chan struct{}),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.wg.Add(1)
	go s.reapLoop()
	return s
}

func (s *Server) reapLoop() {
	defer s.wg.Done()
	tick := time.NewTicker(s.reapInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			s.ReapContainers()
		case <-s.stop:
			return
		}
	}
}

// ReapContainers deletes every container that has had a child and has none left, each in a
// write of its own, as ZooKeeper's container manager does (a container that never had a child is
// kept). Watches fire as for any delete. A parent container emptied by this pass goes in the next.
func (s *Server) ReapContainers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	var empty []string
	for path, n := range s.nodes {
		if n.container && n.creates > 0 && len(n.children) == 0 {
			empty = append(empty, path)
		}
	}
	sort.Strings(empty)
	for _, path := range empty {
		_ = s.apply(func(t *txn) error { return t.delete(path, -1) })
	}
}

// Close closes every connection (as Conn.Close does), stops the timers and waits for the
// server's goroutines, event deliveries included. Do not call it from an event callback.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stop)
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	for _, c := range conns {
		c.Close()
	}
	s.mu.Lock()
	for _, sess := range s.sessions {
		sess.stopExpiry()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
