// Package reg is the registry center: ElasticJob's ZooKeeper conventions (namespace, digest ACLs,
// persist/update/ephemeral/remove, reverse child order, transactions checked on the namespace
// root, Curator's LeaderLatch lock) over a Conn, plus a watch-maintained cache of each job's
// subtree and the connection states the engine reacts to. The same code serves a real ZooKeeper
// (Connect) and the in-memory embedded registry (NewEmbedded).
//
// Caches keep their subtree current with ZooKeeper's one-shot watches, re-armed on every event:
// a data watch and a child watch on every cached node. ZooKeeper 3.6+ persistent recursive
// watches (which Curator 5's CuratorCache uses) would need fewer requests, but go-zookeeper
// v1.0.4 cannot send AddWatch, so we re-arm one-shot watches; they work on every server version.
// A node whose children are known in advance (WithKnownChildren: a sharding item's instance,
// disabled, failover, failovering) is not watched itself, only each known child is, with a data
// watch while it exists and an exists watch while it does not. So the other children of such a
// node (a job fire's running node) and its own data cost no watch event and no request.
//
// Concurrency: every watch and session event arrives through one callback on the client's
// goroutine and is queued, never handled there. A small bounded pool of dispatcher goroutines per
// Center (started on demand, gone when idle) runs one mailbox per cache, whose events reach its
// Handler serially and in order; one more goroutine delivers the connection states, in order.
// Thousands of caches cost memory, not goroutines.
package reg

import (
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

// Handler receives the events of one cache, one at a time and in order, on one of the Center's
// dispatcher goroutines (never on the ZooKeeper client's). It may call the Center (reads,
// writes, Txn, Lock, Watch, Cache methods) but not Center.Close. Handlers of all caches share
// a few goroutines: one that blocks long (waiting for a lock, say) delays other caches' events
// once all of them are blocked; hand long work off.
type Handler func(Event)

// Op is one operation of a transaction.
type Op struct {
	Kind    OpKind
	Path    string
	Value   string
	Version int32 // OpUpdateVersion, OpDeleteVersion: the data version the node must still have
}

// OpKind is the kind of an Op.
type OpKind int

const (
	OpCreate          OpKind = iota + 1 // persistent node; the parent must exist
	OpCreateEphemeral                   // ephemeral node; the parent must exist
	OpUpdate                            // set data; the node must exist
	OpDelete                            // delete; the node must exist and have no children
	OpCheck                             // the node must exist
	OpUpdateVersion                     // set data if the node's data version is still Version (GetVersion)
	OpDeleteVersion                     // delete if the node's data version is still Version (GetVersion)
)
