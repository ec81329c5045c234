package reg

import (
	"slices"
	"strings"
)

// Cached is what a cache holds of one node, for comparing it with the registry (the dump
// service's four-column lines).
type Cached struct {
	// Followed: the cache keeps this node's presence current. It is false outside the cache's
	// subtree and for the nodes below a node with known children that are not among them (a
	// sharding item's running node): their absence from the cache says nothing.
	Followed bool
	Present  bool   // the node is in the cache
	DataKept bool   // Data is kept current: false for a node with known children
	Data     string // the cached data, when Present and DataKept
}

// Lookup tells what the cache holds at path. Whether a missing node would be followed is
// decided from the cached ancestors (the known-children option is not called here, so any
// goroutine may look up): below an ancestor that is itself missing from the cache, a node
// counts as followed and missing.
func (k *Cache) Lookup(path string) Cached {
	if path != k.root && !strings.HasPrefix(path, strings.TrimSuffix(k.root, "/")+"/") {
		return Cached{}
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	for p := path; p != k.root; {
		parent := parentPath(p)
		if n, ok := k.nodes[parent]; ok && n.hasKnown {
			if parent != parentPath(path) || !slices.Contains(n.known, baseName(path)) {
				return Cached{} // below a known child, or an unknown child
			}
			break
		}
		p = parent
	}
	n, ok := k.nodes[path]
	if !ok {
		return Cached{Followed: true}
	}
	return Cached{Followed: true, Present: true, DataKept: !n.hasKnown, Data: n.data}
}
