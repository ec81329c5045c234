package memzk

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

// multiLines renders multi responses for comparison: path, stat version or "-", error.
func multiLines(res []zk.MultiResponse) []string {
	lines := make([]string, len(res))
	for i, r := range res {
		version := "-"
		if r.Stat != nil {
			version = fmt.Sprint(r.Stat.Version)
		}
		lines[i] = fmt.Sprintf("%q %s %v", r.String, version, r.Error)
	}
	return lines
}

func TestMultiSuccess(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	mustCreate(t, c, "/q", "/del")
	res, err := c.Multi(
		&zk.CreateRequest{Path: "/m", Data: []byte("m"), Acl: acl},
		&zk.CreateRequest{Path: "/m/s", Acl: acl, Flags: zk.FlagSequence},
		&zk.SetDataRequest{Path: "/q", Data: []byte("qq"), Version: 0},
		&zk.CheckVersionRequest{Path: "/q", Version: 1},
		&zk.DeleteRequest{Path: "/del", Version: -1},
	)
	require.NoError(t, err)
	require.Equal(t, []string{`"/m" - <nil>`, `"/m/s0000000000" - <nil>`, `"" 1 <nil>`, `"" - <nil>`, `"" - <nil>`}, multiLines(res))
	m := stat(t, c, "/m")
	require.Equal(t, [5]int64{m.Czxid, m.Czxid, m.Czxid, 1, 1}, [5]int64{m.Czxid, m.Mzxid, m.Pzxid, int64(m.Cversion), int64(m.NumChildren)})
	require.Equal(t, m.Czxid, res[2].Stat.Mzxid) // one zxid for the whole multi
	require.Equal(t, int32(2), res[2].Stat.DataLength)
	ok, _, _ := c.Exists("/del")
	require.False(t, ok)

	res, err = c.Multi()
	require.NoError(t, err)
	require.NotNil(t, res)
	require.Empty(t, res)
}

func TestMultiFailureChangesNothing(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	w, wr := connect(t, s, time.Minute)
	mustCreate(t, c, "/q", "/keep")
	_, err := c.Create("/e", nil, zk.FlagEphemeral, acl)
	require.NoError(t, err)
	_, _, _, err = w.ExistsW("/m2")
	require.NoError(t, err)
	_, _, _, err = w.GetW("/keep")
	require.NoError(t, err)
	before := stat(t, c, "/e").Czxid

	res, err := c.Multi(
		&zk.CreateRequest{Path: "/m2", Data: []byte("m"), Acl: acl},
		&zk.SetDataRequest{Path: "/keep", Data: []byte("x"), Version: -1},
		&zk.CheckVersionRequest{Path: "/q", Version: 1},
		&zk.DeleteRequest{Path: "/keep", Version: -1},
	)
	require.Equal(t, zk.ErrBadVersion, err)
	require.Equal(t, []string{`"" - <nil>`, `"" - <nil>`, `"" - zk: version conflict`, `"" - unknown error: -2`}, multiLines(res))
	ok, _, _ := c.Exists("/m2")
	require.False(t, ok)
	data, _, _ := c.Get("/keep")
	require.Nil(t, data)
	mustCreate(t, c, "/after") // the failed multi took a zxid of its own
	require.Equal(t, before+2, stat(t, c, "/after").Czxid)

	for _, tc := range []struct {
		ops  []interface{}
		want []string
	}{
		{[]interface{}{&zk.DeleteRequest{Path: "/nonexist", Version: -1}, &zk.CreateRequest{Path: "/x1", Acl: acl}},
			[]string{`"" - zk: node does not exist`, `"" - unknown error: -2`}},
		{[]interface{}{&zk.CreateRequest{Path: "/x1", Acl: acl}, &zk.CreateRequest{Path: "/x1", Acl: acl}},
			[]string{`"" - <nil>`, `"" - zk: node already exists`}},
		{[]interface{}{&zk.CreateRequest{Path: "/x1", Acl: acl}, &zk.DeleteRequest{Path: "/x1", Version: -1}, &zk.CreateRequest{Path: "/x1/y", Acl: acl}},
			[]string{`"" - <nil>`, `"" - <nil>`, `"" - zk: node does not exist`}},
		{[]interface{}{&zk.CreateRequest{Path: "/e/x", Acl: acl}, &zk.CheckVersionRequest{Path: "/q", Version: -1}},
			[]string{`"" - zk: ephemeral nodes may not have children`, `"" - unknown error: -2`}},
		{[]interface{}{&zk.CreateRequest{Path: "/ok3", Acl: acl}, &zk.CreateRequest{Path: "bad", Acl: acl}, &zk.CreateRequest{Path: "/ok4", Acl: acl}},
			[]string{`"" - <nil>`, `"" - invalid arguments`, `"" - unknown error: -2`}},
		{[]interface{}{&zk.CreateRequest{Path: "/noacl"}}, []string{`"" - zk: invalid ACL specified`}},
		{[]interface{}{&zk.CreateRequest{Path: "/f9", Acl: acl, Flags: 9}}, []string{`"" - invalid arguments`}},
	} {
		res, err := c.Multi(tc.ops...)
		require.Equal(t, tc.want, multiLines(res))
		failing := 0
		for res[failing].Error == nil {
			failing++
		}
		require.Equal(t, res[failing].Error, err) // the failing op's error
	}
	children, _, _ := c.Children("/")
	require.Equal(t, []string{"after", "e", "keep", "q", "zookeeper"}, children)
	require.Empty(t, wr.lines()) // no watch fired
}

// The server checks a multi's paths: ZooKeeper answers these as listed.
func TestMultiPathChecks(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)
	mustCreate(t, c, "/q")
	const bad, noNode = "invalid arguments", "zk: node does not exist"
	for path, want := range map[string][4]string{ // delete, set, check, create
		"bad":   {bad, bad, bad, bad},
		"/a//b": {noNode, bad, bad, noNode},
		"/q/":   {noNode, bad, bad, bad},
	} {
		ops := []interface{}{
			&zk.DeleteRequest{Path: path, Version: -1},
			&zk.SetDataRequest{Path: path, Version: -1},
			&zk.CheckVersionRequest{Path: path, Version: -1},
			&zk.CreateRequest{Path: path, Acl: acl},
		}
		for i, op := range ops {
			res, err := c.Multi(op)
			require.EqualError(t, err, want[i], "%T %q", op, path)
			require.Equal(t, []string{`"" - ` + want[i]}, multiLines(res))
		}
	}
}

func TestMultiOddRequests(t *testing.T) {
	s := newServer(t)
	c, _ := connect(t, s, time.Minute)

	// A container create is committed, but the client cannot decode its response.
	res, err := c.Multi(&zk.CreateRequest{Path: "/ok1", Acl: acl}, &zk.CreateRequest{Path: "/mc", Acl: acl, Flags: zk.FlagContainer}, &zk.CreateRequest{Path: "/ok2", Acl: acl})
	require.Equal(t, zk.ErrAPIError, err)
	require.Equal(t, []string{`"/ok1" - <nil>`}, multiLines(res))
	for _, p := range []string{"/ok1", "/mc", "/ok2"} {
		ok, _, _ := c.Exists(p)
		require.True(t, ok, p)
	}
	mustCreate(t, c, "/mc/x")
	require.NoError(t, c.Delete("/mc/x", -1))
	s.ReapContainers()
	ok, _, _ := c.Exists("/mc")
	require.False(t, ok, "a multi's container is a container")

	res, err = c.Multi(&zk.CreateRequest{Path: "/ttl", Acl: acl, Flags: zk.FlagTTL})
	require.EqualError(t, err, "unknown error: -5")
	require.NotNil(t, res)
	require.Empty(t, res)

	res, err = c.Multi("op")
	require.EqualError(t, err, "unknown operation type string")
	require.Nil(t, res)
}
