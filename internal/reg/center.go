package reg

import (
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
)

// dispatchWorkers bounds the goroutines that run the mailboxes of one Center.
const dispatchWorkers = 8

// Center is a registry center: one session, shared by every job of the process.
type Center struct {
	conn           Conn          // set once, before connReady is closed
	connReady      chan struct{} // closed when conn is set: the event callback may run earlier
	connected      chan struct{} // closed when StateConnected has been delivered
	ns             string        // "/task/foo", or "" for no namespace
	acl            []zk.ACL
	log            *slog.Logger
	sessionTimeout time.Duration // requested
	granted        atomic.Int64  // ms: the session timeout the server granted, 0 before it said
	born           time.Time     // monotonic base of heard
	heard          atomic.Int64  // ns since born: the last bytes read from a server, 0 before any
	closeServer    func()        // the embedded server owned by this Center, if any
	requests       atomic.Int64  // requests sent (see Requests)
	state          atomic.Int32  // the last State delivered (see Connected)

	disp      *dispatcher // caches
	stateDisp *dispatcher // states: handlers blocking every cache worker cannot hold up Lost
	states    *mailbox    // connection states, in order
	sm        stateMachine
	stateSeq  atomic.Int64  // numbers the tasks posted to states (postState)
	stateKick chan struct{} // signalled after each postState: a re-sync stops waiting for newer news

	mu        sync.RWMutex
	closing   bool
	caches    map[string][]*Cache        // namespace-relative root -> caches on it
	waiters   map[string][]chan struct{} // absolute path -> lock waiters watching it
	lost      chan struct{}              // closed when the current session is lost; then replaced
	done      chan struct{}              // closed by Close
	bg        sync.WaitGroup             // background deletes of released locks
	closed    atomic.Bool
	closeOnce sync.Once
}

func newCenter(cfg Config) *Center {
	cfg = withDefaults(cfg)
	c := &Center{
		connReady:      make(chan struct{}),
		connected:      make(chan struct{}),
		ns:             normalizeNamespace(cfg.Namespace),
		acl:            zk.WorldACL(zk.PermAll),
		log:            cfg.Logger,
		sessionTimeout: cfg.SessionTimeout,
		born:           time.Now(),
		disp:           newDispatcher(dispatchWorkers),
		stateDisp:      newDispatcher(1),
		caches:         make(map[string][]*Cache),
		waiters:        make(map[string][]chan struct{}),
		lost:           make(chan struct{}),
		done:           make(chan struct{}),
		stateKick:      make(chan struct{}, 1),
	}
	c.states = newMailbox(c.stateDisp, false)
	c.sm.listeners = make(map[int]func(State))
	return c
}

// setConn publishes the connection to the event handlers that may already be queued.
func (c *Center) setConn(conn Conn) {
	c.conn = sentCounter{Conn: conn, n: &c.requests}
	close(c.connReady)
}

// firstSessionBound is how long a new Center waits for its first session: Curator's retry
// budget, maxRetries rounds of at most maxSleepTime.
func (cfg Config) firstSessionBound() time.Duration {
	return cfg.MaxSleepTime * time.Duration(cfg.MaxRetries)
}

func withDefaults(cfg Config) Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.SessionTimeout, 60*time.Second)
	def(&cfg.ConnectionTimeout, 15*time.Second)
	def(&cfg.BaseSleepTime, time.Second)
	def(&cfg.MaxSleepTime, 3*time.Second)
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

// normalizeNamespace turns "task/foo" (or "/task/foo/") into "/task/foo"; "" stays "".
func normalizeNamespace(ns string) string {
	ns = strings.Trim(ns, "/")
	if ns == "" {
		return ""
	}
	return "/" + ns
}

// abs maps a namespace-relative path to the ZooKeeper path.
func (c *Center) abs(path string) string {
	if path == "/" {
		if c.ns == "" {
			return "/"
		}
		return c.ns
	}
	return c.ns + path
}

// rel maps a ZooKeeper path back into the namespace; ok is false outside it.
func (c *Center) rel(abs string) (string, bool) {
	switch {
	case c.ns == "":
		return abs, true
	case abs == c.ns:
		return "/", true
	case strings.HasPrefix(abs, c.ns) && abs[len(c.ns)] == '/':
		return abs[len(c.ns):], true
	}
	return "", false
}

// onEvent receives every session and watch event on the client's goroutine: it only queues.
func (c *Center) onEvent(ev zk.Event) {
	switch ev.Type {
	case zk.EventSession:
		st, at := ev.State, time.Now()
		c.postState(func(seq int64) { c.handleSession(st, seq, at) })
	case zk.EventNotWatching:
		// Watches dropped because the session expired: the new session re-syncs every cache.
		// A lock waiter looks again now (and finds its node gone): waiting for Lost instead
		// could take long, the states goroutine being busy with listeners or a re-sync.
		c.mu.RLock()
		defer c.mu.RUnlock()
		c.wakeWaitersLocked(ev.Path)
	default:
		c.mu.RLock()
		defer c.mu.RUnlock()
		c.wakeWaitersLocked(ev.Path)
		rel, ok := c.rel(ev.Path)
		if !ok {
			return
		}
		c.routeLocked(rel, ev.Type)
	}
}

// wakeWaitersLocked tells the lock waiters watching the absolute path to look again.
func (c *Center) wakeWaitersLocked(path string) {
	for _, w := range c.waiters[path] {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// postState queues a task on the states mailbox with its number: a task that waits (the
// NewSession re-sync) can tell that a newer one is queued behind it.
func (c *Center) postState(f func(seq int64)) {
	seq := c.stateSeq.Add(1)
	c.states.post(func() { f(seq) })
	select {
	case c.stateKick <- struct{}{}:
	default:
	}
}

// routeLocked queues a watch event for every cache whose root is rel or one of its ancestors.
func (c *Center) routeLocked(rel string, typ zk.EventType) {
	if len(c.caches) == 0 {
		return
	}
	deliver := func(root string) {
		for _, cache := range c.caches[root] {
			cache.post(rel, typ)
		}
	}
	deliver("/")
	for i := 1; i < len(rel); i++ {
		if rel[i] == '/' {
			deliver(rel[:i])
		}
	}
	if rel != "/" {
		deliver(rel)
	}
}

// lostChan is closed when the current session is lost.
func (c *Center) lostChan() chan struct{} {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lost
}

// sessionLost fences the lock holders and waiters of the session that ended.
func (c *Center) sessionLost() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.lost)
	c.lost = make(chan struct{})
}

// SessionID is the current session's id.
func (c *Center) SessionID() int64 { return c.conn.SessionID() }

// Close ends the session (ephemeral nodes go at once) and stops every cache.
func (c *Center) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.mu.Lock()
		c.closing = true
		var caches []*Cache
		for _, cs := range c.caches {
			caches = append(caches, cs...)
		}
		c.caches = map[string][]*Cache{}
		close(c.done)
		c.mu.Unlock()
		for _, cache := range caches {
			cache.stop()
		}
		c.postState(func(int64) { c.closeStates() })
		c.states.close()
		c.conn.Close()
		c.bg.Wait()
		c.stateDisp.closeAndWait()
		c.disp.closeAndWait()
		if c.closeServer != nil {
			c.closeServer()
		}
	})
	return nil
}

// Abs is the ZooKeeper path of a namespace-relative path, namespace included: what messages
// about a node show, so that an operator finds it with any ZooKeeper client.
func (c *Center) Abs(path string) string { return c.abs(path) }
