// Package reg is the registry center: ElasticJob's ZooKeeper conventions (namespace, digest ACLs,
// persist/update/ephemeral/remove, reverse child order, transactions checked on the namespace
// root, Curator's LeaderLatch lock) over a Conn, plus a watch-maintained cache of each job's
// subtree and the connection states the engine reacts to. The same code serves a real ZooKeeper
// (Connect) and the in-memory embedded registry (NewEmbedded).
//
// SKELETON: signatures are the contract; bodies are being written.
package reg

import (
	"context"
	"log/slog"
	"time"
)

// Config is the regCenter configuration, with ElasticJob's meaning and defaults.
type Config struct {
	ServerLists       string        // "host:port,host:port"
	Namespace         string        // may contain '/', e.g. "task/foo"
	Digest            string        // "user:password": digest auth and CREATOR_ALL_ACL on created nodes
	SessionTimeout    time.Duration // 0 means 60 s
	ConnectionTimeout time.Duration // 0 means 15 s
	BaseSleepTime     time.Duration // 0 means 1 s
	MaxSleepTime      time.Duration // 0 means 3 s
	MaxRetries        int           // 0 means 3
	Logger            *slog.Logger  // nil means slog.Default(); secrets are never logged
}

// State is a connection state as the engine sees it.
type State int

const (
	// StateConnected: the first session is established.
	StateConnected State = iota + 1
	// StateSuspended: the connection is lost; the session may survive. Stop firing.
	StateSuspended
	// StateReconnected: the connection is back with the same session; ephemeral nodes and
	// watches are intact.
	StateReconnected
	// StateLost: the session must be taken as gone (the server said it expired, or the
	// connection has been down for the session timeout). Fence running work.
	StateLost
	// StateNewSession: a new session replaced a lost one. Every ephemeral node of the old
	// session is gone: re-register.
	StateNewSession
	// StateClosed: Close was called.
	StateClosed
)

// EventType says what happened to a cached node.
type EventType int

const (
	EventCreated EventType = iota + 1
	EventChanged
	EventDeleted
)

// Event is a change seen by a Cache. Paths are namespace-relative ("/myJob/config").
type Event struct {
	Type    EventType
	Path    string
	Data    string // new data (empty for EventDeleted)
	OldData string // previous data (EventChanged, EventDeleted)
}

// Handler receives the events of one cache, one at a time and in order.
type Handler func(Event)

// Op is one operation of a transaction.
type Op struct {
	Kind  OpKind
	Path  string
	Value string
}

// OpKind is the kind of an Op.
type OpKind int

const (
	OpCreate          OpKind = iota + 1 // persistent node; the parent must exist
	OpCreateEphemeral                   // ephemeral node; the parent must exist
	OpUpdate                            // set data; the node must exist
	OpDelete                            // delete; the node must exist and have no children
	OpCheck                             // the node must exist
)

// Center is a registry center: one session, shared by every job of the process.
type Center struct{}

// Connect opens a ZooKeeper session, waiting for the first connection as long as the retry
// settings allow (ElasticJob: maxSleepTime × maxRetries); the error names the servers.
func Connect(ctx context.Context, cfg Config) (*Center, error) { panic("reg: not implemented") }

// NewEmbedded returns a registry center on a fresh in-memory server: the embedded registry,
// for one process.
func NewEmbedded(cfg Config) (*Center, error) { panic("reg: not implemented") }

// Get reads a node directly from the server. A missing node is an error for which
// errors.Is(err, ErrNoNode) holds.
func (c *Center) Get(path string) (string, error) { panic("reg: not implemented") }

// Exists says whether a node exists, asking the server.
func (c *Center) Exists(path string) (bool, error) { panic("reg: not implemented") }

// Children lists a node's children in reverse Java string order; a missing node has none.
func (c *Center) Children(path string) ([]string, error) { panic("reg: not implemented") }

// Persist creates a persistent node (and missing parents), or updates it when it exists.
func (c *Center) Persist(path, value string) error { panic("reg: not implemented") }

// CreateIfAbsent creates a persistent node (and missing parents) unless it exists.
func (c *Center) CreateIfAbsent(path, value string) (created bool, err error) {
	panic("reg: not implemented")
}

// Update sets an existing node's data: check and set in one transaction.
func (c *Center) Update(path, value string) error { panic("reg: not implemented") }

// PersistEphemeral deletes the node (recursively) if present, then creates it ephemeral with
// missing parents persistent: ElasticJob's persistEphemeral.
func (c *Center) PersistEphemeral(path, value string) error { panic("reg: not implemented") }

// CreateEphemeral creates an ephemeral node (missing parents persistent); ErrNodeExists when
// it exists.
func (c *Center) CreateEphemeral(path, value string) error { panic("reg: not implemented") }

// CreateSequential creates a sequential node under path's parent with path as prefix and returns
// the created path.
func (c *Center) CreateSequential(path, value string, ephemeral bool) (string, error) {
	panic("reg: not implemented")
}

// Remove deletes a node and everything below it; a missing node is not an error.
func (c *Center) Remove(path string) error { panic("reg: not implemented") }

// Txn runs ops atomically, preceded by a check that the namespace root exists, as ElasticJob's
// executeInTransaction does.
func (c *Center) Txn(ops ...Op) error { panic("reg: not implemented") }

// RegistryTime persists path with empty data and returns its modification time: the registry's
// clock, for maxTimeDiffSeconds.
func (c *Center) RegistryTime(path string) (time.Time, error) { panic("reg: not implemented") }

// Lock takes the lock at latchPath with Curator's LeaderLatch protocol, so that Go and Java
// instances exclude each other. It returns when held or when ctx ends; unlock releases it.
func (c *Center) Lock(ctx context.Context, latchPath string) (unlock func(), err error) {
	panic("reg: not implemented")
}

// Watch loads the subtree at root into a cache and keeps it current; h receives every change
// after the load, serially and in order. Watch returns once the load is complete.
func (c *Center) Watch(root string, h Handler) (*Cache, error) { panic("reg: not implemented") }

// OnState registers fn for connection state changes, delivered in order; remove unregisters.
func (c *Center) OnState(fn func(State)) (remove func()) { panic("reg: not implemented") }

// SessionID is the current session's id.
func (c *Center) SessionID() int64 { panic("reg: not implemented") }

// Close ends the session (ephemeral nodes go at once) and stops every cache.
func (c *Center) Close() error { panic("reg: not implemented") }

// Cache is the local copy of one subtree.
type Cache struct{}

// Get returns a cached node's data.
func (c *Cache) Get(path string) (string, bool) { panic("reg: not implemented") }

// Children lists a cached node's children in reverse Java string order.
func (c *Cache) Children(path string) []string { panic("reg: not implemented") }

// Close stops maintaining the cache and delivering its events.
func (c *Cache) Close() { panic("reg: not implemented") }
