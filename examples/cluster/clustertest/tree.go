package clustertest

import (
	"errors"
	"io"
	"log"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// Tree reads a namespace of a ZooKeeper server, as ElasticJob's console would.
type Tree struct {
	t    testing.TB
	conn *zk.Conn
	root string
}

// OpenTree connects to servers; paths given to the methods are relative to /namespace. The
// connection is closed when the test ends.
func OpenTree(t testing.TB, servers, namespace string) *Tree {
	t.Helper()
	conn, events, err := zk.Connect(strings.Split(servers, ","), 10*time.Second, zk.WithLogger(log.New(io.Discard, "", 0)))
	if err != nil {
		t.Fatalf("connect to %s: %v", servers, err)
	}
	go func() {
		for range events {
		}
	}()
	t.Cleanup(conn.Close)
	return &Tree{t: t, conn: conn, root: "/" + namespace}
}

// Get is the data of the node at p, and whether it exists.
func (tr *Tree) Get(p string) (string, bool) {
	tr.t.Helper()
	data, _, err := tr.conn.Get(path.Join(tr.root, p))
	if errors.Is(err, zk.ErrNoNode) {
		return "", false
	}
	if err != nil {
		tr.t.Fatalf("get %s: %v", p, err)
	}
	return string(data), true
}

// Children is the sorted names of the children of p; none when p does not exist.
func (tr *Tree) Children(p string) []string {
	tr.t.Helper()
	children, _, err := tr.conn.Children(path.Join(tr.root, p))
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	if err != nil {
		tr.t.Fatalf("children of %s: %v", p, err)
	}
	slices.Sort(children)
	return children
}

// Ephemeral reports whether the node at p exists and is ephemeral.
func (tr *Tree) Ephemeral(p string) bool {
	tr.t.Helper()
	_, stat, err := tr.conn.Get(path.Join(tr.root, p))
	if errors.Is(err, zk.ErrNoNode) {
		return false
	}
	if err != nil {
		tr.t.Fatalf("get %s: %v", p, err)
	}
	return stat.EphemeralOwner != 0
}
