package memzk

import (
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// The session event sequences below are those go-zookeeper v1.0.4 showed with a real ZooKeeper
// 3.8.0 when its connection was closed, cut briefly, and cut for longer than the session timeout.

// waitForLine waits until the recorder has seen line and returns every event so far.
func (r *recorder) waitForLine(t *testing.T, line string) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		got := r.lines()
		for _, l := range got {
			if l == line {
				return got
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("no %q among:\n%s", line, strings.Join(r.lines(), "\n"))
	return nil
}

// splitRetries checks that evs starts with StateDisconnected and at least one StateConnecting and
// returns what follows the retries.
func splitRetries(t *testing.T, evs []string) []string {
	t.Helper()
	require.Equal(t, sessionEv(zk.StateDisconnected), evs[0], strings.Join(evs, "\n"))
	i := 1
	for i < len(evs) && evs[i] == sessionEv(zk.StateConnecting) {
		i++
	}
	require.Greater(t, i, 1, strings.Join(evs, "\n"))
	return evs[i:]
}

func TestConnectEstablishesASession(t *testing.T) {
	s := newServer(t)
	r := &recorder{}
	c := s.Connect(time.Minute, r.add)
	require.Equal(t, zk.StateHasSession, c.State())
	require.Equal(t, connectEvs, r.waitFor(t, 3))
	other := s.Connect(time.Minute, nil) // no callback: watch channels still work
	require.NotZero(t, c.SessionID())
	require.NotEqual(t, c.SessionID(), other.SessionID())
	mustCreate(t, other, "/x")
	_, _, ch, err := other.GetW("/x")
	require.NoError(t, err)
	require.NoError(t, c.Delete("/x", -1))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/x"), received(t, ch))
}

// watchSet is the watches the session tests set on b, after creating /s, /s/d, /s/same, /s/gone
// and b's ephemeral /s/eph (which a watches). It returns the channel of ExistsW("/s/same").
func watchSet(t *testing.T, a, b *Conn) <-chan zk.Event {
	t.Helper()
	mustCreate(t, a, "/s", "/s/d", "/s/same", "/s/gone")
	_, err := b.Create("/s/eph", nil, zk.FlagEphemeral, acl)
	require.NoError(t, err)
	_, _, _, err = a.ExistsW("/s/eph")
	require.NoError(t, err)
	for _, p := range []string{"/s/d", "/s/same", "/s/gone"} {
		_, _, _, err = b.GetW(p)
		require.NoError(t, err)
	}
	_, _, _, err = b.ExistsW("/s/new")
	require.NoError(t, err)
	for _, p := range []string{"/s", "/s/gone"} {
		_, _, _, err = b.ChildrenW(p)
		require.NoError(t, err)
	}
	_, _, ch, err := b.ExistsW("/s/same")
	require.NoError(t, err)
	return ch
}

// notWatchingAll is what b reports for watchSet's watches when they end with err: data watches,
// exist watches, then child watches.
func notWatchingAll(err error, withParent bool) []string {
	evs := []string{notWatchingEv("/s/d", err), notWatchingEv("/s/gone", err), notWatchingEv("/s/same", err), notWatchingEv("/s/new", err)}
	if withParent {
		evs = append(evs, notWatchingEv("/s", err))
	}
	return append(evs, notWatchingEv("/s/gone", err))
}

func TestCloseEndsTheSession(t *testing.T) {
	s := newServer(t)
	a, ar := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	ch := watchSet(t, a, b)
	id := b.SessionID()

	b.Close()
	// b's own child watch on /s fires as its ephemeral goes, before the close completes.
	want := append([]string{watchEv(zk.EventNodeChildrenChanged, "/s"), sessionEv(zk.StateDisconnected)}, notWatchingAll(zk.ErrClosing, false)...)
	require.Equal(t, want, br.waitFor(t, len(want)))
	require.Equal(t, notWatchingEv("/s/same", zk.ErrClosing), received(t, ch))
	require.Equal(t, []string{watchEv(zk.EventNodeDeleted, "/s/eph")}, ar.waitFor(t, 1))
	require.Equal(t, zk.StateDisconnected, b.State())
	require.Equal(t, id, b.SessionID())

	data, st, err := b.Get("/s")
	require.Equal(t, zk.ErrConnectionClosed, err)
	require.Nil(t, data)
	require.Nil(t, st)
	ok, st, err := b.Exists("/s")
	require.Equal(t, zk.ErrConnectionClosed, err)
	require.False(t, ok)
	require.Nil(t, st)
	_, _, wch, err := b.ChildrenW("/s")
	require.Equal(t, zk.ErrConnectionClosed, err)
	require.Nil(t, wch)
	st, err = b.Set("/s", nil, -1)
	require.Equal(t, zk.ErrConnectionClosed, err)
	require.Nil(t, st)
	res, err := b.Multi(&zk.DeleteRequest{Path: "/s/d", Version: -1})
	require.Equal(t, zk.ErrConnectionClosed, err)
	require.Nil(t, res)
	_, err = b.CreateContainer("/c", nil, zk.FlagContainer, acl)
	require.Equal(t, zk.ErrConnectionClosed, err)
	require.Equal(t, zk.ErrConnectionClosed, b.Delete("/s/d", -1))
	_, err = b.Create("bad", nil, 0, acl) // the path is checked first
	require.Equal(t, zk.ErrInvalidPath, err)
	b.Close()
	require.Len(t, br.lines(), len(want))
}

func TestExpire(t *testing.T) {
	s := newServer(t)
	a, ar := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	ch := watchSet(t, a, b)
	old := b.SessionID()

	s.Expire(old)
	_, _, err := b.Get("/s") // waits for the client's next attempt, which cannot restore the session
	require.Equal(t, zk.ErrNoServer, err)
	require.Equal(t, []string{watchEv(zk.EventNodeDeleted, "/s/eph")}, ar.waitFor(t, 1))

	want := []string{sessionEv(zk.StateDisconnected), sessionEv(zk.StateConnecting), sessionEv(zk.StateConnected), sessionEv(zk.StateExpired)}
	want = append(want, notWatchingAll(zk.ErrSessionExpired, true)...)
	want = append(want, sessionEv(zk.StateDisconnected), sessionEv(zk.StateConnecting), sessionEv(zk.StateConnected), sessionEv(zk.StateHasSession))
	require.Equal(t, want, br.waitFor(t, len(want)))
	require.Equal(t, notWatchingEv("/s/same", zk.ErrSessionExpired), received(t, ch))
	require.Equal(t, zk.StateHasSession, b.State())
	require.NotZero(t, b.SessionID())
	require.NotEqual(t, old, b.SessionID())

	// The new session works and has no watches left.
	ok, _, err := b.Exists("/s/eph")
	require.NoError(t, err)
	require.False(t, ok)
	_, err = a.Set("/s/d", []byte("x"), -1)
	require.NoError(t, err)
	require.NoError(t, a.Delete("/s/gone", -1))
	_, _, err = b.Get("/s/d")
	require.NoError(t, err)
	require.Len(t, br.lines(), len(want))

	s.Expire(old) // unknown sessions are ignored
	s.Disconnect(old, time.Second)
}

func TestShortDisconnectKeepsSessionAndRestoresWatches(t *testing.T) {
	s := newServer(t)
	a, _ := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	ch := watchSet(t, a, b)
	id := b.SessionID()

	s.Disconnect(id, 200*time.Millisecond)
	require.NotEqual(t, zk.StateHasSession, b.State())
	_, err := a.Set("/s/d", []byte("x"), -1)
	require.NoError(t, err)
	mustCreate(t, a, "/s/new")
	require.NoError(t, a.Delete("/s/gone", -1))

	// Requests wait for the next reconnect attempt and fail with it.
	data, st, err := b.Get("/s")
	require.Equal(t, zk.ErrNoServer, err)
	require.Nil(t, data)
	require.Equal(t, zk.Stat{}, *st)
	ok, st, err := b.Exists("/s")
	require.Equal(t, zk.ErrNoServer, err)
	require.True(t, ok) // as go-zookeeper reports it
	require.Equal(t, zk.Stat{}, *st)
	res, err := b.Multi(&zk.DeleteRequest{Path: "/s/d", Version: -1})
	require.Equal(t, zk.ErrNoServer, err)
	require.Equal(t, []zk.MultiResponse{}, res)

	// The restored watches' events are queued together: the last one follows the parent's.
	all := br.waitForLine(t, watchEv(zk.EventNodeChildrenChanged, "/s"))
	for i, l := range all {
		if l == watchEv(zk.EventNodeChildrenChanged, "/s") {
			all = br.waitFor(t, i+2)
			break
		}
	}
	require.Equal(t, []string{
		sessionEv(zk.StateConnected), sessionEv(zk.StateHasSession),
		watchEv(zk.EventNodeDataChanged, "/s/d"), watchEv(zk.EventNodeDeleted, "/s/gone"),
		watchEv(zk.EventNodeCreated, "/s/new"),
		watchEv(zk.EventNodeChildrenChanged, "/s"), watchEv(zk.EventNodeDeleted, "/s/gone"),
	}, splitRetries(t, all))
	require.Equal(t, id, b.SessionID())
	require.Equal(t, zk.StateHasSession, b.State())
	ok, _, err = a.Exists("/s/eph")
	require.NoError(t, err)
	require.True(t, ok)

	// The unchanged node's watch was set again.
	pending(t, ch)
	_, err = a.Set("/s/same", []byte("x"), -1)
	require.NoError(t, err)
	require.Equal(t, watchEv(zk.EventNodeDataChanged, "/s/same"), received(t, ch))
}

func TestLongDisconnectExpiresTheSession(t *testing.T) {
	s := newServer(t)
	a, ar := connect(t, s, time.Minute)
	b, br := connect(t, s, 100*time.Millisecond)
	ch := watchSet(t, a, b)
	old := b.SessionID()

	start := time.Now()
	s.Disconnect(old, 400*time.Millisecond)
	ok, _, err := a.Exists("/s/eph") // ephemerals live until the session timeout
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []string{watchEv(zk.EventNodeDeleted, "/s/eph")}, ar.waitFor(t, 1))
	require.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
	require.NotEqual(t, zk.StateHasSession, b.State())

	want := []string{sessionEv(zk.StateConnected), sessionEv(zk.StateExpired)}
	want = append(want, notWatchingAll(zk.ErrSessionExpired, true)...)
	want = append(want, sessionEv(zk.StateDisconnected), sessionEv(zk.StateConnecting), sessionEv(zk.StateConnected), sessionEv(zk.StateHasSession))
	all := br.waitForLine(t, sessionEv(zk.StateHasSession))
	require.Equal(t, want, splitRetries(t, all))
	require.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond)
	require.Equal(t, notWatchingEv("/s/same", zk.ErrSessionExpired), received(t, ch))
	require.NotEqual(t, old, b.SessionID())
	require.NotZero(t, b.SessionID())
}

func TestCloseDuringAnOutage(t *testing.T) {
	s := newServer(t, WithReconnectDelay(time.Hour))
	a, ar := connect(t, s, time.Minute)
	b, br := connect(t, s, 50*time.Millisecond)
	ch := watchSet(t, a, b)
	s.Disconnect(b.SessionID(), time.Hour)
	br.waitForLine(t, sessionEv(zk.StateConnecting))

	got := make(chan error)
	go func() {
		_, _, err := b.Get("/s") // waits for an attempt an hour away
		got <- err
	}()
	time.Sleep(10 * time.Millisecond)
	b.Close()
	require.Equal(t, zk.ErrConnectionClosed, <-got)
	want := append([]string{sessionEv(zk.StateDisconnected), sessionEv(zk.StateConnecting), sessionEv(zk.StateDisconnected)}, notWatchingAll(zk.ErrClosing, true)...)
	require.Equal(t, want, br.waitFor(t, len(want)))
	require.Equal(t, notWatchingEv("/s/same", zk.ErrClosing), received(t, ch))

	// The server never heard the close: the session ends on its timeout.
	require.Equal(t, []string{watchEv(zk.EventNodeDeleted, "/s/eph")}, ar.waitFor(t, 1))
}

func TestServerCloseClosesEveryConnection(t *testing.T) {
	s := NewServer()
	a, ar := connect(t, s, time.Minute)
	b, br := connect(t, s, time.Minute)
	mustCreate(t, a, "/x")
	_, _, _, err := a.GetW("/x")
	require.NoError(t, err)
	_, _, _, err = b.ChildrenW("/x")
	require.NoError(t, err)

	s.Close()
	require.Equal(t, []string{sessionEv(zk.StateDisconnected), notWatchingEv("/x", zk.ErrClosing)}, ar.lines())
	require.Equal(t, []string{sessionEv(zk.StateDisconnected), notWatchingEv("/x", zk.ErrClosing)}, br.lines())
	_, _, err = a.Get("/x")
	require.Equal(t, zk.ErrConnectionClosed, err)

	late := s.Connect(time.Minute, nil)
	require.Equal(t, zk.StateDisconnected, late.State())
	require.Zero(t, late.SessionID())
	_, _, err = late.Get("/x")
	require.Equal(t, zk.ErrConnectionClosed, err)
	s.Close()
	s.ReapContainers()
}

func TestDisconnectAgainExtendsTheOutage(t *testing.T) {
	s := newServer(t)
	b, br := connect(t, s, time.Minute)
	start := time.Now()
	s.Disconnect(b.SessionID(), 20*time.Millisecond)
	s.Disconnect(b.SessionID(), 200*time.Millisecond)
	tail := splitRetries(t, br.waitForLine(t, sessionEv(zk.StateHasSession)))
	require.Equal(t, []string{sessionEv(zk.StateConnected), sessionEv(zk.StateHasSession)}, tail)
	require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
}
