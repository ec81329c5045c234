package reg

import "github.com/go-zookeeper/zk"

// Errors callers test with errors.Is; the registry wraps them with the path.
var (
	ErrNoNode     = zk.ErrNoNode
	ErrNodeExists = zk.ErrNodeExists
	ErrNotEmpty   = zk.ErrNotEmpty
	ErrBadVersion = zk.ErrBadVersion
)
