package memzk

import (
	"sort"

	"github.com/go-zookeeper/zk"
)

// The server keeps watches per path and connection, like ZooKeeper's WatchManager: getData and
// exists watches in dataWatches, getChildren watches in childWatches. A connection is in a path's
// set at most once, so one change sends it one event whatever kinds of watch it set (observed:
// GetW and ChildrenW on a node, then a delete, give the client one EventNodeDeleted). The client
// side mirrors go-zookeeper: watch channels keyed by path and kind, closed by the event types
// notifyWatches maps to that kind.

type watchTable map[string]map[*Conn]struct{}

func (w watchTable) add(path string, c *Conn) {
	if w[path] == nil {
		w[path] = map[*Conn]struct{}{}
	}
	w[path][c] = struct{}{}
}

// take removes and returns a path's watchers, in connection order.
func (w watchTable) take(path string) []*Conn {
	set := w[path]
	delete(w, path)
	conns := make([]*Conn, 0, len(set))
	for c := range set {
		conns = append(conns, c)
	}
	sort.Slice(conns, func(i, j int) bool { return conns[i].id < conns[j].id })
	return conns
}

// drop forgets a connection's watches: the server loses them with the connection.
func (w watchTable) drop(c *Conn) {
	for path, set := range w {
		delete(set, c)
		if len(set) == 0 {
			delete(w, path)
		}
	}
}

// fire sends a committed change's event to the connections watching it, each watch once.
func (s *Server) fire(tr trigger) {
	var conns []*Conn
	switch tr.kind {
	case zk.EventNodeCreated, zk.EventNodeDataChanged:
		conns = s.dataWatches.take(tr.path)
	case zk.EventNodeChildrenChanged:
		conns = s.childWatches.take(tr.path)
	case zk.EventNodeDeleted:
		conns = s.dataWatches.take(tr.path)
		for _, c := range s.childWatches.take(tr.path) {
			if !containsConn(conns, c) {
				conns = append(conns, c)
			}
		}
	}
	ev := zk.Event{Type: tr.kind, State: zk.StateSyncConnected, Path: tr.path}
	for _, c := range conns {
		c.notify(ev)
	}
}

func containsConn(conns []*Conn, c *Conn) bool {
	for _, x := range conns {
		if x == c {
			return true
		}
	}
	return false
}

type watchType int

const (
	watchData watchType = iota
	watchExist
	watchChild
)

type watchKey struct {
	path string
	kind watchType
}

// closedBy lists the client watch kinds an event ends, as go-zookeeper's notifyWatches does.
func closedBy(t zk.EventType) []watchType {
	switch t {
	case zk.EventNodeCreated:
		return []watchType{watchExist}
	case zk.EventNodeDataChanged:
		return []watchType{watchExist, watchData}
	case zk.EventNodeChildrenChanged:
		return []watchType{watchChild}
	case zk.EventNodeDeleted:
		return []watchType{watchExist, watchData, watchChild}
	}
	return nil
}

// addWatcher registers a client-side watch channel; the caller holds s.mu.
func (c *Conn) addWatcher(path string, kind watchType) <-chan zk.Event {
	ch := make(chan zk.Event, 1)
	key := watchKey{path, kind}
	c.watchers[key] = append(c.watchers[key], ch)
	return ch
}

// notify queues a watch event for the callback and the channels it ends; the caller holds s.mu.
// The channels are picked now, so a watch set again after this event is not ended by it.
func (c *Conn) notify(ev zk.Event) {
	var chans []chan zk.Event
	for _, kind := range closedBy(ev.Type) {
		key := watchKey{ev.Path, kind}
		chans = append(chans, c.watchers[key]...)
		delete(c.watchers, key)
	}
	c.events.push(ev, chans)
}

// sortedWatchKeys orders the client's watches by kind (data, exist, child, the order of
// go-zookeeper's SetWatches lists) and path.
func (c *Conn) sortedWatchKeys() []watchKey {
	keys := make([]watchKey, 0, len(c.watchers))
	for k := range c.watchers {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind < keys[j].kind
		}
		return keys[i].path < keys[j].path
	})
	return keys
}

// invalidateWatches ends every client watch with EventNotWatching, as go-zookeeper does when its
// session expires (zk.ErrSessionExpired) or it is closed (zk.ErrClosing): one event per path and
// kind, State StateDisconnected, also sent to the callback.
func (c *Conn) invalidateWatches(err error) {
	for _, key := range c.sortedWatchKeys() {
		ev := zk.Event{Type: zk.EventNotWatching, State: zk.StateDisconnected, Path: key.path, Err: err}
		c.events.push(ev, c.watchers[key])
	}
	c.watchers = map[watchKey][]chan zk.Event{}
}

// restoreWatches does what go-zookeeper's SetWatches request does on the server after a
// reconnect with the same session: a watch whose node changed after the last zxid the client saw
// fires now, the others are set again. Observed after a 1.5 s outage, with GetW on a changed, an
// unchanged and a deleted node, ExistsW on a created one and ChildrenW on a parent and the deleted
// node: NodeDeleted, NodeDataChanged (data watches), NodeCreated (exist watches),
// NodeChildrenChanged, NodeDeleted (child watches), and the unchanged node's watch kept working.
func (c *Conn) restoreWatches(lastZxid int64) {
	s := c.srv
	for _, key := range c.sortedWatchKeys() {
		n := s.nodes[key.path]
		var fired zk.EventType
		switch {
		case key.kind == watchExist && n != nil:
			fired = zk.EventNodeCreated
		case key.kind == watchExist:
			s.dataWatches.add(key.path, c)
			continue
		case n == nil:
			fired = zk.EventNodeDeleted
		case key.kind == watchData && n.stat.Mzxid > lastZxid:
			fired = zk.EventNodeDataChanged
		case key.kind == watchChild && n.stat.Pzxid > lastZxid:
			fired = zk.EventNodeChildrenChanged
		case key.kind == watchData:
			s.dataWatches.add(key.path, c)
			continue
		default:
			s.childWatches.add(key.path, c)
			continue
		}
		c.notify(zk.Event{Type: fired, State: zk.StateSyncConnected, Path: key.path})
	}
}
