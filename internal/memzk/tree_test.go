package memzk

import (
	"errors"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// The values below were read from a real ZooKeeper 3.8.0 through go-zookeeper v1.0.4.

func TestFreshTreeIsAZooKeeperOne(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)

	data, st, err := c.Get("/")
	require.NoError(t, err)
	require.Equal(t, []byte{}, data)
	require.Equal(t, zk.Stat{Cversion: -1, NumChildren: 1}, *st)
	children, _, err := c.Children("/")
	require.NoError(t, err)
	require.Equal(t, []string{"zookeeper"}, children)
	rootACL, _, err := c.GetACL("/")
	require.NoError(t, err)
	require.Equal(t, []zk.ACL{{Perms: 31, Scheme: "world", ID: "anyone"}}, rootACL)

	require.Equal(t, zk.Stat{Cversion: -2, NumChildren: 2}, *stat(t, c, "/zookeeper"))
	children, _, _ = c.Children("/zookeeper")
	require.Equal(t, []string{"config", "quota"}, children)
	require.Equal(t, zk.Stat{}, *stat(t, c, "/zookeeper/quota"))
	require.Equal(t, zk.Stat{Aversion: -1}, *stat(t, c, "/zookeeper/config"))
	configACL, _, _ := c.GetACL("/zookeeper/config")
	require.Equal(t, []zk.ACL{{Perms: 1, Scheme: "world", ID: "anyone"}}, configACL)
}

func TestCreateSetDeleteStatsAndErrors(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute) // the session takes zxid 1

	before := time.Now().UnixMilli()
	p, err := c.Create("/p", []byte("x"), 0, acl)
	require.NoError(t, err)
	require.Equal(t, "/p", p)
	st := stat(t, c, "/p")
	require.GreaterOrEqual(t, st.Ctime, before)
	require.Equal(t, st.Ctime, st.Mtime)
	require.Equal(t, zk.Stat{Czxid: 2, Mzxid: 2, Pzxid: 2, Ctime: st.Ctime, Mtime: st.Ctime, DataLength: 1}, *st)

	_, err = c.Create("/p", nil, 0, acl) // a failed write still takes zxid 3
	require.Equal(t, zk.ErrNodeExists, err)
	mustCreate(t, c, "/q")
	require.Equal(t, int64(4), stat(t, c, "/q").Czxid)

	_, err = c.Create("/nope/x", nil, 0, acl) // 5
	require.Equal(t, zk.ErrNoNode, err)
	st, err = c.Set("/zzz", nil, -1) // 6
	require.Equal(t, zk.ErrNoNode, err)
	require.Equal(t, zk.Stat{}, *st)
	ok, st, err := c.Exists("/zzz")
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, zk.Stat{}, *st)
	data, st, err := c.Get("/zzz")
	require.Equal(t, zk.ErrNoNode, err)
	require.Nil(t, data)
	require.Equal(t, zk.Stat{}, *st)
	children, st, err := c.Children("/zzz")
	require.Equal(t, zk.ErrNoNode, err)
	require.Nil(t, children)
	require.Equal(t, zk.Stat{}, *st)

	for i, want := range []string{"/p/s-0000000000", "/p/s-0000000001"} { // 7, 8
		p, err := c.Create("/p/s-", nil, zk.FlagSequence, acl)
		require.NoError(t, err, i)
		require.Equal(t, want, p)
	}
	require.NoError(t, c.Delete("/p/s-0000000000", -1)) // 9
	st = stat(t, c, "/p")
	require.Equal(t, [5]int64{2, 2, 9, 3, 1}, [5]int64{st.Czxid, st.Mzxid, st.Pzxid, int64(st.Cversion), int64(st.NumChildren)})
	p, err = c.Create("/p/", nil, zk.FlagSequence, acl) // 10
	require.NoError(t, err)
	require.Equal(t, "/p/0000000002", p)

	_, err = c.Create("/p/e", []byte("eph"), zk.FlagEphemeral, acl) // 11
	require.NoError(t, err)
	st = stat(t, c, "/p/e")
	require.Equal(t, c.SessionID(), st.EphemeralOwner)
	require.Equal(t, [3]int64{11, 11, 3}, [3]int64{st.Czxid, st.Pzxid, int64(st.DataLength)})
	_, err = c.Create("/p/e/c", nil, 0, acl) // 12
	require.Equal(t, zk.ErrNoChildrenForEphemerals, err)
	_, err = c.Create("/p/e/c", nil, zk.FlagSequence, acl) // 13
	require.Equal(t, zk.ErrNoChildrenForEphemerals, err)

	st, err = c.Set("/p", []byte("abc"), 5) // 14
	require.Equal(t, zk.ErrBadVersion, err)
	require.Equal(t, zk.Stat{}, *st)
	st, err = c.Set("/p", []byte("abc"), 0) // 15
	require.NoError(t, err)
	require.Equal(t, [7]int64{2, 15, 11, 1, 5, 3, 3},
		[7]int64{st.Czxid, st.Mzxid, st.Pzxid, int64(st.Version), int64(st.Cversion), int64(st.NumChildren), int64(st.DataLength)})
	require.GreaterOrEqual(t, st.Mtime, st.Ctime)

	require.Equal(t, zk.ErrBadVersion, c.Delete("/p", 7)) // the version is checked before the children
	require.Equal(t, zk.ErrNotEmpty, c.Delete("/p", -1))
	require.Equal(t, zk.ErrBadVersion, c.Delete("/q", 3))
	require.Equal(t, zk.ErrBadArguments, c.Delete("/", -1))
	_, err = c.Create("/", nil, 0, acl)
	require.Equal(t, zk.ErrNodeExists, err)
	require.NoError(t, c.Delete("/q", 0))
}

// Sequential suffixes count the children ever created; the reported cversion counts deletes too.
func TestSequentialNamesAndCversion(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	mustCreate(t, c, "/sq")
	cversion := func() int32 { return stat(t, c, "/sq").Cversion }
	seq := func(prefix, want string, wantCversion int32) {
		t.Helper()
		p, err := c.Create("/sq/"+prefix, nil, zk.FlagSequence, acl)
		require.NoError(t, err)
		require.Equal(t, "/sq/"+want, p)
		require.Equal(t, wantCversion, cversion())
	}
	seq("a", "a0000000000", 1)
	seq("a", "a0000000001", 2)
	require.NoError(t, c.Delete("/sq/a0000000000", -1))
	require.Equal(t, int32(3), cversion())
	seq("a", "a0000000002", 4)
	seq("a", "a0000000003", 5)
	require.NoError(t, c.Delete("/sq/a0000000001", -1))
	require.NoError(t, c.Delete("/sq/a0000000002", -1))
	require.Equal(t, int32(7), cversion())
	seq("a", "a0000000004", 8)
	mustCreate(t, c, "/sq/x")
	require.Equal(t, int32(9), cversion())
	seq("a", "a0000000006", 10)
	_, err := c.Create("/sq/x", nil, 0, acl)
	require.Equal(t, zk.ErrNodeExists, err)
	require.NoError(t, c.Delete("/sq/x", -1))
	require.Equal(t, int32(11), cversion())
	seq("a", "a0000000007", 12)
	res, err := c.Multi(
		&zk.CreateRequest{Path: "/sq/m", Acl: acl},
		&zk.DeleteRequest{Path: "/sq/m", Version: -1},
		&zk.CreateRequest{Path: "/sq/b", Acl: acl, Flags: zk.FlagSequence},
	)
	require.NoError(t, err)
	require.Equal(t, "/sq/b0000000009", res[2].String)
	require.Equal(t, int32(15), cversion())
	children, _, _ := c.Children("/sq")
	require.Equal(t, []string{"a0000000003", "a0000000004", "a0000000006", "a0000000007", "b0000000009"}, children)
}

func TestClientSideValidation(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	for path, want := range map[string]error{
		"": zk.ErrInvalidPath, "a": zk.ErrInvalidPath, "/a/": zk.ErrInvalidPath, "/a//b": zk.ErrInvalidPath,
		"/a/./b": zk.ErrInvalidPath, "/a/../b": zk.ErrInvalidPath, "/a/.": zk.ErrInvalidPath,
		"/a/..": zk.ErrInvalidPath, "/a\x01": zk.ErrInvalidPath, "/a\x00": zk.ErrInvalidPath,
		"/a\u0085": zk.ErrInvalidPath, "/a\uf000": zk.ErrInvalidPath, "/a\xff": zk.ErrInvalidPath,
		"/a/.b": zk.ErrNoNode, "/a/b.": zk.ErrNoNode, "/a/..b": zk.ErrNoNode, "/\u00a0": nil,
	} {
		_, err := c.Create(path, nil, 0, acl)
		require.Equal(t, want, err, "create %q", path)
		if want == zk.ErrInvalidPath {
			_, _, err = c.Get(path)
			require.Equal(t, want, err, "get %q", path)
		}
	}
	_, err := c.Create("/a//", nil, zk.FlagSequence, acl)
	require.Equal(t, zk.ErrInvalidPath, err)

	_, err = c.Create("/t", nil, zk.FlagTTL, acl)
	require.EqualError(t, err, "Create with TTL flag disallowed: zk: invalid flags specified")
	require.True(t, errors.Is(err, zk.ErrInvalidFlags))
	_, err = c.Create("/t", nil, 9, acl)
	require.EqualError(t, err, "invalid flag value: [9]")
	_, err = c.CreateContainer("/t", nil, 0, acl)
	require.EqualError(t, err, "CreateContainer requires container flag: zk: invalid flags specified")
	_, err = c.Create("/t", nil, 0, nil)
	require.Equal(t, zk.ErrInvalidACL, err)
}

func TestDataAndACLAreStoredAsGiven(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	in := []byte("abc")
	_, err := c.Create("/d", in, 0, []zk.ACL{{Perms: zk.PermRead, Scheme: "digest", ID: "u:x"}})
	require.NoError(t, err)
	in[0] = 'X'
	data, _, _ := c.Get("/d")
	require.Equal(t, []byte("abc"), data)
	got, _, _ := c.GetACL("/d")
	require.Equal(t, []zk.ACL{{Perms: zk.PermRead, Scheme: "digest", ID: "u:x"}}, got)
	_, err = c.Set("/d", []byte("y"), -1) // ACLs are not enforced
	require.NoError(t, err)

	mustCreate(t, c, "/nil")
	data, _, _ = c.Get("/nil")
	require.Nil(t, data)
	_, err = c.Create("/empty", []byte{}, 0, acl)
	require.NoError(t, err)
	data, _, _ = c.Get("/empty")
	require.NotNil(t, data)
	require.Empty(t, data)
}

func TestContainers(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	w, wr := connect(t, s, time.Minute)

	p, err := c.CreateContainer("/c", nil, zk.FlagContainer, acl)
	require.NoError(t, err)
	require.Equal(t, "/c", p)
	require.Equal(t, int64(0), stat(t, c, "/c").EphemeralOwner) // hidden from clients
	_, err = c.CreateContainer("/c", nil, zk.FlagContainer, acl)
	require.Equal(t, zk.ErrNodeExists, err)
	_, err = c.Create("/plain", nil, zk.FlagContainer, acl) // a plain create makes a persistent node
	require.NoError(t, err)
	_, err = c.CreateContainer("/never", nil, zk.FlagContainer, acl)
	require.NoError(t, err)
	mustCreate(t, c, "/c4")
	_, err = c.CreateContainer("/c4/c", nil, zk.FlagContainer, acl)
	require.NoError(t, err)
	_, err = c.CreateContainer("/n", nil, zk.FlagContainer, acl)
	require.NoError(t, err)
	_, err = c.CreateContainer("/n/m", nil, zk.FlagContainer, acl)
	require.NoError(t, err)
	for _, parent := range []string{"/c", "/plain", "/c4/c", "/n/m"} {
		mustCreate(t, c, parent+"/x")
		require.NoError(t, c.Delete(parent+"/x", -1))
	}
	_, err = c.Create("/c/e", nil, zk.FlagEphemeral, acl) // containers take ephemeral children
	require.NoError(t, err)
	require.NoError(t, c.Delete("/c/e", -1))
	_, _, chC, err := w.ExistsW("/c")
	require.NoError(t, err)
	_, _, chC4, err := w.ChildrenW("/c4")
	require.NoError(t, err)

	s.ReapContainers()
	exists := func(p string) bool {
		ok, _, err := c.Exists(p)
		require.NoError(t, err)
		return ok
	}
	require.False(t, exists("/c"))
	require.False(t, exists("/c4/c"))
	require.False(t, exists("/n/m"))
	require.True(t, exists("/n")) // emptied by this pass: reaped by the next
	require.True(t, exists("/plain"))
	require.True(t, exists("/never"))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/c"), received(t, chC))
	require.Equal(t, watchEv(zk.EventNodeChildrenChanged, "/c4"), received(t, chC4))
	require.Equal(t, []string{watchEv(zk.EventNodeDeleted, "/c"), watchEv(zk.EventNodeChildrenChanged, "/c4")}, wr.waitFor(t, 2))
	require.Equal(t, int32(2), stat(t, c, "/c4").Cversion)

	s.ReapContainers()
	require.False(t, exists("/n"))
}

func TestContainerReaperRunsOnItsInterval(t *testing.T) {
	s := newServer(t, WithContainerCheckInterval(10*time.Millisecond))
	c, _ := connect(t, s, time.Minute)
	_, err := c.CreateContainer("/c", nil, zk.FlagContainer, acl)
	require.NoError(t, err)
	mustCreate(t, c, "/c/x")
	_, _, ch, err := c.ExistsW("/c")
	require.NoError(t, err)
	require.NoError(t, c.Delete("/c/x", -1))
	require.Equal(t, watchEv(zk.EventNodeDeleted, "/c"), received(t, ch))
}
