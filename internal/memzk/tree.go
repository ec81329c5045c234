package memzk

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
)

// node is one znode.
type node struct {
	data []byte
	acl  []zk.ACL
	// stat holds the fields kept as they are reported; Cversion, NumChildren, DataLength and
	// EphemeralOwner are derived in stat().
	stat zk.Stat
	// creates counts the children ever created: ZooKeeper stores this as the cversion, names
	// sequential children after it and reports 2*creates-numChildren as the cversion (so a delete
	// counts as a change too). Observed: after creating a0 and a1 and deleting a0, the parent
	// reports cversion 3 and the next sequential child is a0000000002.
	creates   int32
	children  map[string]struct{}
	owner     int64 // the session of an ephemeral node, else 0
	container bool
}

// statCopy returns the node's Stat as a client sees it. A container's EphemeralOwner reads 0
// (observed): the server marks containers internally but hides the mark from clients.
func (n *node) statCopy() *zk.Stat {
	s := n.stat
	s.Cversion = 2*n.creates - int32(len(n.children))
	s.NumChildren = int32(len(n.children))
	s.DataLength = int32(len(n.data))
	s.EphemeralOwner = n.owner
	return &s
}

func (n *node) childNames() []string {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// newTree returns the tree of a fresh ZooKeeper 3.8 server (observed): the root and the /zookeeper system
// nodes, all with zero zxids and times. The root reports cversion -1 and /zookeeper -2 because
// their system children were added without counting as creates.
func newTree() map[string]*node {
	open := []zk.ACL{{Perms: zk.PermAll, Scheme: "world", ID: "anyone"}}
	sys := func(children ...string) *node {
		n := &node{data: []byte{}, acl: open, children: map[string]struct{}{}}
		for _, c := range children {
			n.children[c] = struct{}{}
		}
		return n
	}
	config := sys()
	config.acl = []zk.ACL{{Perms: zk.PermRead, Scheme: "world", ID: "anyone"}}
	config.stat.Aversion = -1
	return map[string]*node{
		"/":                 sys("zookeeper"),
		"/zookeeper":        sys("config", "quota"),
		"/zookeeper/quota":  sys(),
		"/zookeeper/config": config,
	}
}

// createMode is what a create flag asks for.
type createMode struct {
	ephemeral, sequential, container, ttl bool
}

// parseCreateMode reads a flag as go-zookeeper does before sending anything, with its error text.
func parseCreateMode(flag int32) (createMode, error) {
	switch flag {
	case zk.FlagPersistent:
		return createMode{}, nil
	case zk.FlagEphemeral:
		return createMode{ephemeral: true}, nil
	case zk.FlagSequence:
		return createMode{sequential: true}, nil
	case zk.FlagEphemeralSequential:
		return createMode{ephemeral: true, sequential: true}, nil
	case zk.FlagContainer:
		return createMode{container: true}, nil
	case zk.FlagTTL:
		return createMode{ttl: true}, nil
	case zk.FlagPersistentSequentialWithTTL:
		return createMode{sequential: true, ttl: true}, nil
	}
	return createMode{}, fmt.Errorf("invalid flag value: [%v]", flag)
}

// txn is one write in progress. Every write, even one that fails on the server, takes a zxid
// (observed: a failed create between two creates leaves a gap in their czxids). A txn records how
// to undo its changes, so that a failing multi leaves nothing behind, and the watch triggers it
// fires once committed.
type txn struct {
	s     *Server
	zxid  int64
	now   int64 // ms since the epoch
	undo  []func()
	fires []trigger
}

// trigger is a change that fires watches: the event type and the path it is reported on.
type trigger struct {
	kind zk.EventType
	path string
}

// create adds a node, checking in the server's order: the path's shape, the ACL, the parent, the
// full name (after the sequence suffix), an existing node, an ephemeral parent.
func (t *txn) create(sess *session, path string, data []byte, acl []zk.ACL, mode createMode) (string, error) {
	if !strings.HasPrefix(path, "/") || strings.IndexByte(path, 0) >= 0 {
		return "", zk.ErrBadArguments
	}
	if len(acl) == 0 {
		return "", zk.ErrInvalidACL
	}
	parentPath, _ := parentOf(path)
	parent := t.s.nodes[parentPath]
	if parent == nil {
		return "", zk.ErrNoNode
	}
	if mode.sequential {
		path += fmt.Sprintf("%010d", parent.creates)
	}
	if validatePath(path, false) != nil {
		return "", zk.ErrBadArguments
	}
	if t.s.nodes[path] != nil {
		return "", zk.ErrNodeExists
	}
	if parent.owner != 0 {
		return "", zk.ErrNoChildrenForEphemerals
	}
	_, name := parentOf(path)
	n := &node{
		data:      cloneBytes(data),
		acl:       append([]zk.ACL(nil), acl...),
		stat:      zk.Stat{Czxid: t.zxid, Mzxid: t.zxid, Pzxid: t.zxid, Ctime: t.now, Mtime: t.now},
		children:  map[string]struct{}{},
		container: mode.container,
	}
	if mode.ephemeral {
		n.owner = sess.id
		sess.ephemerals[path] = struct{}{}
	}
	oldPzxid := parent.stat.Pzxid
	t.s.nodes[path] = n
	parent.children[name] = struct{}{}
	parent.creates++
	parent.stat.Pzxid = t.zxid
	t.undo = append(t.undo, func() {
		delete(t.s.nodes, path)
		delete(parent.children, name)
		parent.creates--
		parent.stat.Pzxid = oldPzxid
		if mode.ephemeral {
			delete(sess.ephemerals, path)
		}
	})
	t.fires = append(t.fires, trigger{zk.EventNodeCreated, path}, trigger{zk.EventNodeChildrenChanged, parentPath})
	return path, nil
}

// delete removes a childless node. The root cannot be deleted (zk.ErrBadArguments, observed).
func (t *txn) delete(path string, version int32) error {
	if !strings.HasPrefix(path, "/") || strings.IndexByte(path, 0) >= 0 || path == "/" {
		return zk.ErrBadArguments
	}
	n := t.s.nodes[path]
	if n == nil {
		return zk.ErrNoNode
	}
	if version != -1 && version != n.stat.Version {
		return zk.ErrBadVersion
	}
	if len(n.children) > 0 {
		return zk.ErrNotEmpty
	}
	parentPath, name := parentOf(path)
	parent := t.s.nodes[parentPath]
	oldPzxid := parent.stat.Pzxid
	delete(t.s.nodes, path)
	delete(parent.children, name)
	parent.stat.Pzxid = t.zxid
	owner := t.s.sessions[n.owner]
	if owner != nil {
		delete(owner.ephemerals, path)
	}
	t.undo = append(t.undo, func() {
		t.s.nodes[path] = n
		parent.children[name] = struct{}{}
		parent.stat.Pzxid = oldPzxid
		if owner != nil {
			owner.ephemerals[path] = struct{}{}
		}
	})
	t.fires = append(t.fires, trigger{zk.EventNodeDeleted, path}, trigger{zk.EventNodeChildrenChanged, parentPath})
	return nil
}

// setData replaces a node's data and returns its new stat.
func (t *txn) setData(path string, data []byte, version int32) (*zk.Stat, error) {
	n, err := t.versioned(path, version)
	if err != nil {
		return nil, err
	}
	oldData, oldStat := n.data, n.stat
	n.data = cloneBytes(data)
	n.stat.Version++
	n.stat.Mzxid = t.zxid
	n.stat.Mtime = t.now
	t.undo = append(t.undo, func() { n.data, n.stat = oldData, oldStat })
	t.fires = append(t.fires, trigger{zk.EventNodeDataChanged, path})
	return n.statCopy(), nil
}

// check is a multi's version check.
func (t *txn) check(path string, version int32) error {
	_, err := t.versioned(path, version)
	return err
}

// versioned finds the node a set or check is about; the server validates those paths fully.
func (t *txn) versioned(path string, version int32) (*node, error) {
	if validatePath(path, false) != nil {
		return nil, zk.ErrBadArguments
	}
	n := t.s.nodes[path]
	if n == nil {
		return nil, zk.ErrNoNode
	}
	if version != -1 && version != n.stat.Version {
		return nil, zk.ErrBadVersion
	}
	return n, nil
}

// begin starts a write; the caller holds s.mu and ends it with commit or rollback.
func (s *Server) begin() *txn {
	s.zxid++
	return &txn{s: s, zxid: s.zxid, now: time.Now().UnixMilli()}
}

func (s *Server) commit(t *txn) {
	for _, tr := range t.fires {
		s.fire(tr)
	}
}

func (s *Server) rollback(t *txn) {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
}

// apply runs a single write: committed when op succeeds, undone when it fails.
func (s *Server) apply(op func(t *txn) error) error {
	t := s.begin()
	if err := op(t); err != nil {
		s.rollback(t)
		return err
	}
	s.commit(t)
	return nil
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil // ZooKeeper keeps null data apart from empty data, and so does the client
	}
	return append([]byte{}, b...)
}
