package memzk

import (
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// The event sequences below are those a real ZooKeeper 3.8.0 sent through go-zookeeper v1.0.4.

func TestWatchKindsDedupAndOneShot(t *testing.T) {
	s := newServer(t)
	a, _ := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	mustCreate(t, a, "/w", "/w/k")

	_, _, gch, err := b.GetW("/w")
	require.NoError(t, err)
	ok, st, ech, err := b.ExistsW("/w")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int32(1), st.NumChildren)
	_, _, cch, err := b.ChildrenW("/w")
	require.NoError(t, err)
	ok, st, ech2, err := b.ExistsW("/w/none")
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, zk.Stat{}, *st)
	_, _, kch, _ := b.GetW("/w/k")
	_, _, kcch, _ := b.ChildrenW("/w/k")

	_, err = a.Set("/w", []byte("2"), -1)
	require.NoError(t, err)
	_, err = a.Set("/w", []byte("3"), -1) // the watches fired once
	require.NoError(t, err)
	mustCreate(t, a, "/w/none")
	require.NoError(t, a.Delete("/w/k", -1))

	require.Equal(t, []string{
		watchEv(zk.EventNodeDataChanged, "/w"), // one event for the GetW and ExistsW watches
		watchEv(zk.EventNodeCreated, "/w/none"),
		watchEv(zk.EventNodeChildrenChanged, "/w"),
		watchEv(zk.EventNodeDeleted, "/w/k"), // one event for the GetW and ChildrenW watches
	}, br.waitFor(t, 4))
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/w"), received(t, gch))
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/w"), received(t, ech))
	require.Equal(t, watchEv(zk.EventNodeChildrenChanged, "/w"), received(t, cch))
	require.Equal(t, watchEv(zk.EventNodeCreated, "/w/none"), received(t, ech2))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/w/k"), received(t, kch))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/w/k"), received(t, kcch))
	br.clear()

	// A multi fires per op, in op order; two GetW on one node share one event.
	_, _, cch, _ = b.ChildrenW("/w")
	_, _, gch, _ = b.GetW("/w")
	_, _, gch2, _ := b.GetW("/w")
	_, err = a.Multi(&zk.CreateRequest{Path: "/w/m", Acl: acl}, &zk.SetDataRequest{Path: "/w", Data: []byte("4"), Version: -1})
	require.NoError(t, err)
	require.Equal(t, []string{watchEv(zk.EventNodeChildrenChanged, "/w"), watchEv(zk.EventNodeDataChanged, "/w")}, br.waitFor(t, 2))
	require.Equal(t, watchEv(zk.EventNodeChildrenChanged, "/w"), received(t, cch))
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/w"), received(t, gch))
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/w"), received(t, gch2))
	br.clear()

	// A failed multi fires nothing; a delete fires the data and child watches once.
	_, _, gch, _ = b.GetW("/w/m")
	_, _, cch, _ = b.ChildrenW("/w/m")
	_, err = a.Multi(&zk.SetDataRequest{Path: "/w/m", Data: []byte("4"), Version: -1}, &zk.CheckVersionRequest{Path: "/w", Version: 99})
	require.Equal(t, zk.ErrBadVersion, err)
	pending(t, gch)
	require.NoError(t, a.Delete("/w/m", -1))
	require.Equal(t, []string{watchEv(zk.EventNodeDeleted, "/w/m")}, br.waitFor(t, 1))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/w/m"), received(t, gch))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/w/m"), received(t, cch))

	// Missing nodes: GetW and ChildrenW fail without a watch.
	_, _, ch, err := b.GetW("/w/m")
	require.Equal(t, zk.ErrNoNode, err)
	require.Nil(t, ch)
	_, _, ch, err = b.ChildrenW("/w/m")
	require.Equal(t, zk.ErrNoNode, err)
	require.Nil(t, ch)
}

// A request returns only after the callback has seen the events queued before its answer, as
// with go-zookeeper, whose receive loop runs the callback before it reads the next response.
func TestEventsPrecedeLaterResponses(t *testing.T) {
	s := newServer(t)
	a, ar := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	mustCreate(t, a, "/x")
	_, _, _, err := a.GetW("/x")
	require.NoError(t, err)
	_, _, _, err = b.GetW("/x")
	require.NoError(t, err)

	_, err = a.Set("/x", []byte("1"), -1)
	require.NoError(t, err)
	require.Equal(t, []string{watchEv(zk.EventNodeDataChanged, "/x")}, ar.lines())
	data, _, err := b.Get("/x")
	require.NoError(t, err)
	require.Equal(t, []byte("1"), data)
	require.Equal(t, []string{watchEv(zk.EventNodeDataChanged, "/x")}, br.lines())
}

// A watch set again after an event was sent is not ended by that event.
func TestWatchSetAgainWaitsForTheNextChange(t *testing.T) {
	s := newServer(t)
	a, _ := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	mustCreate(t, a, "/x")
	_, _, first, _ := b.GetW("/x")
	_, err := a.Set("/x", []byte("1"), -1)
	require.NoError(t, err)
	_, _, second, err := b.GetW("/x")
	require.NoError(t, err)
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/x"), received(t, first))
	pending(t, second)
	_, err = a.Set("/x", []byte("2"), -1)
	require.NoError(t, err)
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/x"), received(t, second))
	require.Len(t, br.waitFor(t, 2), 2)
}
