package reg

import (
	"sync/atomic"

	"github.com/go-zookeeper/zk"
)

// Requests is how many requests the Center has sent to its server since it was made (a
// transaction is one; the client's own pings are not counted).
func (c *Center) Requests() int64 { return c.requests.Load() }

// sentCounter counts the requests that go out through it.
type sentCounter struct {
	Conn
	n *atomic.Int64
}

func (c sentCounter) Create(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	c.n.Add(1)
	return c.Conn.Create(path, data, flags, acl)
}

func (c sentCounter) CreateContainer(path string, data []byte, flags int32, acl []zk.ACL) (string, error) {
	c.n.Add(1)
	return c.Conn.CreateContainer(path, data, flags, acl)
}

func (c sentCounter) Delete(path string, version int32) error {
	c.n.Add(1)
	return c.Conn.Delete(path, version)
}

func (c sentCounter) Exists(path string) (bool, *zk.Stat, error) {
	c.n.Add(1)
	return c.Conn.Exists(path)
}

func (c sentCounter) ExistsW(path string) (bool, *zk.Stat, <-chan zk.Event, error) {
	c.n.Add(1)
	return c.Conn.ExistsW(path)
}

func (c sentCounter) Get(path string) ([]byte, *zk.Stat, error) {
	c.n.Add(1)
	return c.Conn.Get(path)
}

func (c sentCounter) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	c.n.Add(1)
	return c.Conn.GetW(path)
}

func (c sentCounter) Set(path string, data []byte, version int32) (*zk.Stat, error) {
	c.n.Add(1)
	return c.Conn.Set(path, data, version)
}

func (c sentCounter) Children(path string) ([]string, *zk.Stat, error) {
	c.n.Add(1)
	return c.Conn.Children(path)
}

func (c sentCounter) ChildrenW(path string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	c.n.Add(1)
	return c.Conn.ChildrenW(path)
}

func (c sentCounter) Multi(ops ...interface{}) ([]zk.MultiResponse, error) {
	c.n.Add(1)
	return c.Conn.Multi(ops...)
}
