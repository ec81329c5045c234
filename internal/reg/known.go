package reg

import (
	"errors"
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/go-zookeeper/zk"
)

// WatchOption changes how Center.Watch maintains a cache.
type WatchOption func(*Cache)

// WithKnownChildren makes the cache track, below every node p of the subtree (but the root) for
// which known returns ok, only the named children of p, each through a watch of its own: a data
// watch while it exists, an exists watch while it does not. p itself is not watched: its other
// children and its data cost no request and no event, and Get(p) gives "" while p is cached.
// p's creation and deletion are seen through its parent's child watch; the named children are
// leaves (nothing below them is cached), with the usual Created, Changed and Deleted events.
//
// known is called with namespace-relative paths, one call at a time (by Watch, then on the
// cache's mailbox), at every load of a node: it must be quick and give the same answer for a
// path every time.
func WithKnownChildren(known func(path string) (names []string, ok bool)) WatchOption {
	return func(k *Cache) { k.known = known }
}

// knownChildren asks the option about p: the names come back in reverse Java string order.
func (k *Cache) knownChildren(p string) ([]string, bool) {
	if k.known == nil || p == k.root {
		return nil, false
	}
	names, ok := k.known(p)
	if !ok {
		return nil, false
	}
	names = slices.Clone(names)
	javastr.SortDescending(names)
	return slices.Compact(names), true
}

// hasKnownChildren tells whether p is cached as a node with known children.
func (k *Cache) hasKnownChildren(p string) bool {
	n, ok := k.nodes[p] // reading without the lock: only this mailbox writes
	return ok && n.hasKnown
}

// isLeaf tells whether p is a known child of a cached node, cached or not.
func (k *Cache) isLeaf(p string) bool {
	if p == k.root {
		return false
	}
	parent, ok := k.nodes[parentPath(p)]
	return ok && parent.hasKnown && slices.Contains(parent.known, baseName(p))
}

// loadKnown caches the node p with known children and those of them that exist, without
// reading p; order lists p then its children.
func (k *Cache) loadKnown(p string, names []string, nodes map[string]*cnode) (order []string, err error) {
	n := &cnode{known: names, hasKnown: true}
	nodes[p] = n
	order = append(order, p)
	for _, name := range names {
		leaf, err := k.readLeaf(childPath(p, name), true)
		if err != nil {
			return order, err
		}
		if leaf != nil {
			nodes[childPath(p, name)] = leaf
			order = append(order, childPath(p, name))
			n.children = append(n.children, name)
		}
	}
	return order, nil
}

// readLeaf reads a known child with a data watch when it exists, or sets an exists watch on it
// when it does not (nil, nil). present says which to try first. A node deleted between the two
// requests, or created between them, is asked again.
func (k *Cache) readLeaf(p string, present bool) (*cnode, error) {
	abs := k.c.abs(p)
	for {
		if present {
			data, stat, _, err := k.c.conn.GetW(abs)
			if err == nil {
				return &cnode{data: string(data), mzxid: stat.Mzxid, czxid: stat.Czxid}, nil
			}
			if !errors.Is(err, zk.ErrNoNode) {
				return nil, err
			}
		}
		ok, _, _, err := k.c.conn.ExistsW(abs)
		if err != nil || !ok {
			return nil, err
		}
		present = true
	}
}

// refreshLeaf handles a known child's watch event: it re-reads the child (re-arming its watch)
// and gives the difference with the cached copy, so that an event that is stale (the cache
// registered after the change, or has read the node since) changes nothing. A child found
// re-created (a new czxid) is deleted, then created.
func (k *Cache) refreshLeaf(p string, typ zk.EventType) ([]Event, error) {
	if typ == zk.EventNodeChildrenChanged { // another watch's: nothing below a leaf is cached
		return nil, nil
	}
	n, err := k.readLeaf(p, typ != zk.EventNodeDeleted)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return k.removeSubtree(p), nil
	}
	old, cached := k.nodes[p]
	var evs []Event
	switch {
	case cached && old.czxid != n.czxid:
		evs = k.removeSubtree(p)
		fallthrough
	case !cached:
		k.mu.Lock()
		k.nodes[p] = n
		k.relistKnown(parentPath(p))
		k.mu.Unlock()
		evs = append(evs, Event{Type: EventCreated, Path: p, Data: n.data})
	case old.mzxid != n.mzxid:
		ev := Event{Type: EventChanged, Path: p, Data: n.data, OldData: old.data}
		k.mu.Lock()
		old.data, old.mzxid = n.data, n.mzxid
		k.mu.Unlock()
		evs = append(evs, ev)
	}
	return evs, nil
}

// relistKnown sets the children of the node p with known children to the cached ones, in
// reverse Java string order; the caller holds k.mu.
func (k *Cache) relistKnown(p string) {
	n := k.nodes[p]
	var kids []string
	for _, name := range n.known {
		if _, ok := k.nodes[childPath(p, name)]; ok {
			kids = append(kids, name)
		}
	}
	n.children = kids
}
