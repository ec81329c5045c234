package reg

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/go-zookeeper/zk"
)

// Cache is the local copy of one subtree.
//
// Every cached node carries a data watch and a child watch, but for the nodes whose children
// are known in advance (WithKnownChildren, known.go); each watch event is handled on the cache's
// mailbox, where the node is re-read (re-arming the watch) and the difference becomes Events.
// After a new session (all watches gone) or a failed re-read (a watch may be missing), the whole
// subtree is re-read and compared with the cached copy.
type Cache struct {
	c     *Center
	root  string // namespace-relative
	h     Handler
	mb    *mailbox
	known func(path string) (names []string, ok bool) // WithKnownChildren; nil: none

	mu    sync.RWMutex
	nodes map[string]*cnode // namespace-relative path -> node; written only by mailbox tasks

	stopped atomic.Bool
	dirty   bool // mailbox only: re-read everything at the next reconnection
}

type cnode struct {
	data     string
	mzxid    int64    // the zxid of the last change: a new one means EventChanged
	czxid    int64    // the zxid of the creation, kept for known children only
	children []string // names, in reverse Java string order
	// known lists, in reverse Java string order, the only children tracked of a node with known
	// children (hasKnown): such a node is not watched itself, its known children are leaves.
	known    []string
	hasKnown bool
}

// Watch loads the subtree at root into a cache and keeps it current; h receives every change
// after the load, serially and in order. Watch returns once the load is complete.
//
// Events of one batch (one watch event, or one re-sync) are delivered after the cache holds all
// of the batch's changes: deletions deepest first, creations parents first.
func (c *Center) Watch(root string, h Handler, opts ...WatchOption) (*Cache, error) {
	k := &Cache{c: c, root: root, h: h, mb: newMailbox(c.disp, true)}
	for _, opt := range opts {
		opt(k)
	}
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	c.caches[root] = append(c.caches[root], k) // before the first watch is set: no event is missed
	c.mu.Unlock()
	nodes, _, err := k.fetchTree()
	if err != nil {
		k.Close()
		k.mb.release() // tasks queued meanwhile (a re-sync someone waits for) run, as no-ops
		return nil, pathError(root, err)
	}
	k.nodes = nodes
	k.mb.release()
	return k, nil
}

// Get returns a cached node's data ("" for a node with known children: its data is not kept).
func (k *Cache) Get(path string) (string, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	n, ok := k.nodes[path]
	if !ok {
		return "", false
	}
	return n.data, true
}

// Children lists a cached node's children in reverse Java string order.
func (k *Cache) Children(path string) []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	n, ok := k.nodes[path]
	if !ok || len(n.children) == 0 {
		return nil
	}
	return slices.Clone(n.children)
}

// Close stops maintaining the cache and delivering its events.
func (k *Cache) Close() {
	k.stop()
	c := k.c
	c.mu.Lock()
	defer c.mu.Unlock()
	list := c.caches[k.root]
	if i := slices.Index(list, k); i >= 0 {
		list = slices.Delete(slices.Clone(list), i, i+1)
	}
	if len(list) == 0 {
		delete(c.caches, k.root)
	} else {
		c.caches[k.root] = list
	}
}

func (k *Cache) stop() {
	k.stopped.Store(true)
	k.mb.close()
}

// post queues a watch event; called on the client's goroutine.
func (k *Cache) post(path string, typ zk.EventType) {
	k.mb.post(func() { k.handle(path, typ) })
}

// handle re-reads what a watch event says changed and delivers the differences.
func (k *Cache) handle(p string, typ zk.EventType) {
	if k.stopped.Load() {
		return
	}
	var evs []Event
	var err error
	switch {
	case p == k.root && (typ == zk.EventNodeCreated || typ == zk.EventNodeDeleted):
		evs, err = k.resync()
	case k.hasKnownChildren(p):
		// Not watched by this cache (another watch's event): its parent's child watch reports
		// its deletion, its known children's own watches the rest.
	case k.isLeaf(p):
		evs, err = k.refreshLeaf(p, typ)
	case typ == zk.EventNodeDataChanged:
		evs, err = k.refreshData(p)
	case typ == zk.EventNodeChildrenChanged:
		evs, err = k.refreshChildren(p)
	case typ == zk.EventNodeDeleted:
		evs, err = k.gone(p)
	}
	if err != nil {
		k.dirty = true
		k.c.log.Debug("registry cache re-read failed; re-syncing at reconnection", "root", k.root, "path", p, "err", err)
	}
	k.deliver(evs)
}

func (k *Cache) deliver(evs []Event) {
	for _, ev := range evs {
		if k.stopped.Load() {
			return
		}
		k.h(ev)
	}
}

// fetchTree reads the subtree at root with watches set; when the root is absent it sets an
// exists watch on it instead. order lists the paths parents first.
func (k *Cache) fetchTree() (nodes map[string]*cnode, order []string, err error) {
	for {
		nodes = make(map[string]*cnode)
		order, err = k.load(k.root, nodes)
		if err != nil || len(order) > 0 {
			return nodes, order, err
		}
		ok, _, _, err := k.c.conn.ExistsW(k.c.abs(k.root))
		if err != nil || !ok {
			return nodes, nil, err
		}
		// Created between our read and the exists watch: read it.
	}
}

// load reads the node at p and everything below it into nodes, setting a data and a child
// watch on each, or, on a node with known children, a watch on each known child only. A node
// deleted meanwhile is left out: its parent's child watch reports it (a node with known
// children, not read, is kept until then).
func (k *Cache) load(p string, nodes map[string]*cnode) (order []string, err error) {
	var walk func(p string) (bool, error)
	walk = func(p string) (bool, error) {
		if names, ok := k.knownChildren(p); ok {
			o, err := k.loadKnown(p, names, nodes)
			order = append(order, o...)
			return true, err
		}
		abs := k.c.abs(p)
		data, stat, _, err := k.c.conn.GetW(abs)
		if err != nil {
			return false, ignoreNoNode(err)
		}
		children, _, _, err := k.c.conn.ChildrenW(abs)
		if err != nil {
			return false, ignoreNoNode(err)
		}
		n := &cnode{data: string(data), mzxid: stat.Mzxid}
		nodes[p] = n
		order = append(order, p)
		javastr.SortDescending(children)
		for _, name := range children {
			ok, err := walk(childPath(p, name))
			if err != nil {
				return false, err
			}
			if ok {
				n.children = append(n.children, name)
			}
		}
		return true, nil
	}
	_, err = walk(p)
	return order, err
}

func (k *Cache) refreshData(p string) ([]Event, error) {
	n, ok := k.nodes[p] // reading without the lock: only this mailbox writes
	if !ok {
		return nil, nil
	}
	data, stat, _, err := k.c.conn.GetW(k.c.abs(p))
	if errors.Is(err, zk.ErrNoNode) {
		return k.gone(p)
	}
	if err != nil || stat.Mzxid == n.mzxid {
		return nil, err
	}
	ev := Event{Type: EventChanged, Path: p, Data: string(data), OldData: n.data}
	k.mu.Lock()
	n.data, n.mzxid = ev.Data, stat.Mzxid
	k.mu.Unlock()
	return []Event{ev}, nil
}

func (k *Cache) refreshChildren(p string) ([]Event, error) {
	n, ok := k.nodes[p]
	if !ok {
		return nil, nil
	}
	children, _, _, err := k.c.conn.ChildrenW(k.c.abs(p))
	if errors.Is(err, zk.ErrNoNode) {
		return k.gone(p)
	}
	if err != nil {
		return nil, err
	}
	present := make(map[string]bool, len(children))
	for _, name := range children {
		present[name] = true
	}
	var evs []Event
	for _, name := range n.children {
		if !present[name] {
			evs = append(evs, k.removeSubtree(childPath(p, name))...)
		}
	}
	javastr.SortDescending(children)
	fresh := make(map[string]*cnode)
	var order []string
	for _, name := range children {
		if _, cached := k.nodes[childPath(p, name)]; cached {
			continue
		}
		var o []string
		o, err = k.load(childPath(p, name), fresh)
		order = append(order, o...)
		if err != nil {
			break // keep what was read; the re-sync at reconnection reads the rest
		}
	}
	k.mu.Lock()
	for path, node := range fresh {
		k.nodes[path] = node
	}
	kept := children[:0]
	for _, name := range children {
		if _, ok := k.nodes[childPath(p, name)]; ok {
			kept = append(kept, name)
		}
	}
	n.children = kept
	k.mu.Unlock()
	for _, path := range order {
		evs = append(evs, Event{Type: EventCreated, Path: path, Data: fresh[path].data})
	}
	return evs, err
}

// gone handles a node found missing: the root is re-synced (and watched for re-creation);
// another node is dropped and its parent re-listed. The node may already be back: re-created
// after a re-listing of the parent (for another child) that saw the new node under a cached
// name and skipped it, so no watch is left that would report it.
func (k *Cache) gone(p string) ([]Event, error) {
	if p == k.root {
		return k.resync()
	}
	evs := k.removeSubtree(p)
	if evs == nil { // not cached (a lock waiter's watch, say): nothing to look for
		return nil, nil
	}
	more, err := k.refreshChildren(parentPath(p))
	return append(evs, more...), err
}

// removeSubtree drops a node and its descendants, returning their deletions deepest first.
func (k *Cache) removeSubtree(p string) []Event {
	k.mu.Lock()
	defer k.mu.Unlock()
	n, ok := k.nodes[p]
	if !ok {
		return nil
	}
	var evs []Event
	var walk func(p string, n *cnode)
	walk = func(p string, n *cnode) {
		for _, name := range n.children {
			if child, ok := k.nodes[childPath(p, name)]; ok {
				walk(childPath(p, name), child)
			}
		}
		delete(k.nodes, p)
		evs = append(evs, Event{Type: EventDeleted, Path: p, OldData: n.data})
	}
	walk(p, n)
	if parent, ok := k.nodes[parentPath(p)]; ok && p != k.root {
		parent.children = slices.DeleteFunc(slices.Clone(parent.children), func(s string) bool {
			return s == baseName(p)
		})
	}
	return evs
}

// resync re-reads the whole subtree and returns the differences with the cached copy:
// deletions deepest first, then creations and changes parents first.
func (k *Cache) resync() ([]Event, error) {
	nodes, order, err := k.fetchTree()
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	old := k.nodes
	k.nodes = nodes
	k.mu.Unlock()
	var evs []Event
	var walk func(p string)
	walk = func(p string) {
		n := old[p]
		for _, name := range n.children {
			if _, ok := old[childPath(p, name)]; ok {
				walk(childPath(p, name))
			}
		}
		if _, ok := nodes[p]; !ok {
			evs = append(evs, Event{Type: EventDeleted, Path: p, OldData: n.data})
		}
	}
	if _, ok := old[k.root]; ok {
		walk(k.root)
	}
	for _, p := range order {
		n := nodes[p]
		switch o, ok := old[p]; {
		case !ok:
			evs = append(evs, Event{Type: EventCreated, Path: p, Data: n.data})
		case o.mzxid != n.mzxid:
			evs = append(evs, Event{Type: EventChanged, Path: p, Data: n.data, OldData: o.data})
		}
	}
	return evs, nil
}

// resyncCaches re-reads caches after a reconnection: all of them after a new session (every
// watch is gone), waiting until they are done or a state task newer than seq is queued (a
// blocked handler must not hold up a Lost: the re-syncs finish on their own); only those with
// a failed re-read otherwise.
func (c *Center) resyncCaches(all bool, seq int64) {
	c.mu.RLock()
	var caches []*Cache
	for _, list := range c.caches {
		caches = append(caches, list...)
	}
	c.mu.RUnlock()
	var wg sync.WaitGroup
	for _, k := range caches {
		wg.Add(1)
		ok := k.mb.post(func() {
			defer wg.Done()
			if k.stopped.Load() || !(all || k.dirty) {
				return
			}
			evs, err := k.resync()
			k.dirty = err != nil
			k.deliver(evs)
		})
		if !ok {
			wg.Done()
		}
	}
	if !all {
		return
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for c.stateSeq.Load() == seq {
		select {
		case <-done:
			return
		case <-c.stateKick:
		}
	}
}

func ignoreNoNode(err error) error {
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	return err
}

func childPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

func parentPath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// String names an event type for logs.
func (e EventType) String() string {
	switch e {
	case EventCreated:
		return "Created"
	case EventChanged:
		return "Changed"
	case EventDeleted:
		return "Deleted"
	}
	return "Unknown"
}
