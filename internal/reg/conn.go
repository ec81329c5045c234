package reg

import "github.com/go-zookeeper/zk"

// Conn is the set of ZooKeeper primitives the registry center is built on. *zk.Conn satisfies it,
// and so does the in-memory server's connection (package memzk), which is what makes the embedded
// registry and the ZooKeeper one share every line of ElasticJob semantics above this interface.
//
// Paths are absolute ZooKeeper paths (the namespace already applied). Watch events are delivered
// to the event callback given when the connection was made (zk.WithEventCallback or its memzk
// equivalent) as well as to the returned channel; the registry center uses the callback only and
// never reads the channels, so no goroutine per watch is needed.
type Conn interface {
	Create(path string, data []byte, flags int32, acl []zk.ACL) (string, error)
	CreateContainer(path string, data []byte, flags int32, acl []zk.ACL) (string, error)
	Delete(path string, version int32) error
	Exists(path string) (bool, *zk.Stat, error)
	ExistsW(path string) (bool, *zk.Stat, <-chan zk.Event, error)
	Get(path string) ([]byte, *zk.Stat, error)
	GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error)
	Set(path string, data []byte, version int32) (*zk.Stat, error)
	Children(path string) ([]string, *zk.Stat, error)
	ChildrenW(path string) ([]string, *zk.Stat, <-chan zk.Event, error)
	// Multi runs *zk.CreateRequest, *zk.DeleteRequest, *zk.SetDataRequest and
	// *zk.CheckVersionRequest atomically.
	Multi(ops ...interface{}) ([]zk.MultiResponse, error)
	SessionID() int64
	State() zk.State
	Close()
}

var _ Conn = (*zk.Conn)(nil)
