package reg

import (
	"errors"

	"github.com/go-zookeeper/zk"
)

// Errors callers test with errors.Is; the registry wraps them with the path.
var (
	ErrNoNode     = zk.ErrNoNode
	ErrNodeExists = zk.ErrNodeExists
	ErrNotEmpty   = zk.ErrNotEmpty
	ErrBadVersion = zk.ErrBadVersion

	// ErrSessionLost: the session was lost while waiting for or holding a lock.
	ErrSessionLost = errors.New("reg: session lost")
	// ErrClosed: the Center was closed.
	ErrClosed = errors.New("reg: registry center closed")
)

// isConnLoss reports the errors after which a request may or may not have been applied and the
// connection (not the session) is to blame: worth retrying once the client has reconnected.
func isConnLoss(err error) bool {
	return errors.Is(err, zk.ErrConnectionClosed) || errors.Is(err, zk.ErrNoServer) ||
		errors.Is(err, zk.ErrSessionMoved)
}

// ErrNoAuth: the server refused the request for the node's ACL (a wrong or missing digest).
var ErrNoAuth = zk.ErrNoAuth
