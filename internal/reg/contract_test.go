package reg

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/go-zookeeper/zk"
)

// TestContract runs one suite against every backend: the embedded registry, a standalone
// ZooKeeper and a three-node ensemble. Subtests are named backend/contract.
func TestContract(t *testing.T) {
	contracts := []struct {
		name string
		run  func(t *testing.T, b backend)
	}{
		{"PersistUpdateGet", testPersistUpdateGet},
		{"ChildrenOrder", testChildrenOrder},
		{"PersistEphemeral", testPersistEphemeral},
		{"EphemeralLifetime", testEphemeralLifetime},
		{"SequentialOrder", testSequentialOrder},
		{"Remove", testRemove},
		{"TxnAtomicity", testTxnAtomicity},
		{"TxnAtTheRequestLimit", testTxnAtTheRequestLimit},
		{"NamespaceWithSlash", testNamespaceWithSlash},
		{"RegistryTime", testRegistryTime},
		{"Ctime", testCtime},
		{"GetStat", testGetStat},
		{"CacheEvents", testCacheEvents},
		{"HandlerCallsBack", testHandlerCallsBack},
		{"WatchesAfterReconnect", testWatchesAfterReconnect},
		{"SessionExpiry", testSessionExpiry},
		{"LockProtocol", testLockProtocol},
		{"LockMutualExclusion", testLockMutualExclusion},
		{"LockAcrossProcesses", testLockAcrossProcesses},
		{"LockLostWithSession", testLockLostWithSession},
		{"UnlockWhileDisconnected", testUnlockWhileDisconnected},
		{"DigestACL", testDigestACL},
		{"LeaderKilled", testLeaderKilled},
		{"FollowerPaused", testFollowerPaused},
		{"RequestsCounted", testRequestsCounted},
		{"ConnectedFollowsStates", testConnectedFollowsStates},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range contracts {
				t.Run(c.name, func(t *testing.T) { c.run(t, b) })
			}
		})
	}
}

func testPersistUpdateGet(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	must(t, c.Persist("/job/config", "cron: a"))
	for p, want := range map[string]string{"/job/config": "cron: a", "/job": ""} {
		if got, err := c.Get(p); err != nil || got != want {
			t.Fatalf("Get(%s) = %q, %v; want %q", p, got, err, want)
		}
	}
	must(t, c.Persist("/job/config", "cron: b"))
	must(t, c.Update("/job", "Foo"))
	if got, _ := c.Get("/job/config"); got != "cron: b" {
		t.Fatalf("after Persist on an existing node: %q", got)
	}
	if got, _ := c.Get("/job"); got != "Foo" {
		t.Fatalf("after Update: %q", got)
	}

	err := c.Update("/job/missing", "x")
	if !errors.Is(err, ErrNoNode) || err.Error() != "reg: /job/missing: zk: node does not exist" {
		t.Fatalf("Update of a missing node: %v", err)
	}
	if ok, _ := c.Exists("/job/missing"); ok {
		t.Fatal("Update created the node")
	}
	if _, err := c.Get("/job/missing"); !errors.Is(err, ErrNoNode) || err.Error() != "reg: /job/missing: zk: node does not exist" {
		t.Fatalf("Get of a missing node: %v", err)
	}
	if ok, err := c.Exists("/job/config"); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}

	if ok, err := c.CreateIfAbsent("/job/servers/1.2.3.4", "ENABLED"); !ok || err != nil {
		t.Fatalf("CreateIfAbsent on a new node = %v, %v", ok, err)
	}
	if ok, err := c.CreateIfAbsent("/job/servers/1.2.3.4", "DISABLED"); ok || err != nil {
		t.Fatalf("CreateIfAbsent on an existing node = %v, %v", ok, err)
	}
	if got, _ := c.Get("/job/servers/1.2.3.4"); got != "ENABLED" {
		t.Fatalf("CreateIfAbsent overwrote: %q", got)
	}
	if err := c.CreateEphemeral("/job/servers/1.2.3.4", "x"); !errors.Is(err, ErrNodeExists) ||
		err.Error() != "reg: /job/servers/1.2.3.4: zk: node already exists" {
		t.Fatalf("CreateEphemeral on an existing node: %v", err)
	}
}

func testChildrenOrder(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	for _, name := range []string{"b", "a", "10", "9", "B", "192.168.0.10@-@1", "192.168.0.9@-@2", "\u00e9", "\uff61"} {
		must(t, c.Persist("/job/instances/"+name, ""))
	}
	got, err := c.Children("/job/instances")
	want := []string{"\uff61", "\u00e9", "b", "a", "B", "9", "192.168.0.9@-@2", "192.168.0.10@-@1", "10"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Children = %q, %v; want %q", got, err, want)
	}
	if got, err := c.Children("/job/missing"); err != nil || len(got) != 0 {
		t.Fatalf("Children of a missing node = %q, %v; want none", got, err)
	}
}

func testPersistEphemeral(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	must(t, c.Persist("/job/instances/i1/old/deep", "x"))
	must(t, c.PersistEphemeral("/job/instances/i1", "jobInstanceId: i1\n"))
	if got, _ := c.Get("/job/instances/i1"); got != "jobInstanceId: i1\n" {
		t.Fatalf("data = %q", got)
	}
	if kids, _ := c.Children("/job/instances/i1"); len(kids) != 0 {
		t.Fatalf("old children survived: %q", kids)
	}
	_, stat, err := c.conn.Exists(c.abs("/job/instances/i1"))
	if err != nil || stat.EphemeralOwner != c.SessionID() {
		t.Fatalf("owner %#x, session %#x, %v: not ephemeral", stat.EphemeralOwner, c.SessionID(), err)
	}
	_, stat, _ = c.conn.Exists(c.abs("/job/instances"))
	if stat.EphemeralOwner != 0 {
		t.Fatalf("parent owner %#x: parents must be persistent", stat.EphemeralOwner)
	}
	must(t, c.PersistEphemeral("/job/instances/i1", "again")) // replaces its own ephemeral node
	if got, _ := c.Get("/job/instances/i1"); got != "again" {
		t.Fatalf("data = %q", got)
	}
}

func testEphemeralLifetime(t *testing.T, b backend) {
	cfg := testConfig(t)
	watcher := b.openNS(t, cfg)
	owner := b.open(t, cfg)
	must(t, watcher.Persist("/job/instances", ""))
	k, events := watch(t, watcher, "/job")

	must(t, owner.CreateEphemeral("/job/instances/i1", "one"))
	events.expect(t, created("/job/instances/i1", "one"))
	if got, ok := k.Get("/job/instances/i1"); !ok || got != "one" {
		t.Fatalf("cache Get = %q, %v", got, ok)
	}
	must(t, owner.Close())
	events.expect(t, deleted("/job/instances/i1", "one"))
	if ok, _ := watcher.Exists("/job/instances/i1"); ok {
		t.Fatal("ephemeral node outlived its session")
	}
	if _, ok := k.Get("/job/instances/i1"); ok {
		t.Fatal("cache still has the node")
	}
}

func testSequentialOrder(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	var got []string
	for i := range 3 {
		p, err := c.CreateSequential("/job/seq/n-", "v", i == 2)
		must(t, err)
		got = append(got, p)
	}
	want := []string{"/job/seq/n-0000000000", "/job/seq/n-0000000001", "/job/seq/n-0000000002"}
	if !slices.Equal(got, want) {
		t.Fatalf("CreateSequential paths = %q, want %q", got, want)
	}
	_, stat, _ := c.conn.Exists(c.abs(want[2]))
	if stat.EphemeralOwner != c.SessionID() {
		t.Fatal("ephemeral sequential node is not ephemeral")
	}
	_, stat, _ = c.conn.Exists(c.abs(want[0]))
	if stat.EphemeralOwner != 0 {
		t.Fatal("persistent sequential node is ephemeral")
	}
}

func testRemove(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	for _, p := range []string{"/job/sharding/0/instance", "/job/sharding/0/running", "/job/sharding/1/instance", "/job/config"} {
		must(t, c.Persist(p, "x"))
	}
	must(t, c.Remove("/job/sharding"))
	if ok, _ := c.Exists("/job/sharding"); ok {
		t.Fatal("subtree survived Remove")
	}
	if ok, _ := c.Exists("/job/config"); !ok {
		t.Fatal("Remove went too far")
	}
	must(t, c.Remove("/job/sharding")) // missing: not an error

	// Children created while Remove runs: it retries until the subtree is gone.
	other := b.open(t, testConfigNS(t, c))
	must(t, c.Persist("/job/busy/seed", ""))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 200 {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				other.Persist("/job/busy/a/b", "")
			}
		}
	}()
	time.Sleep(20 * time.Millisecond)
	err := c.Remove("/job/busy")
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Remove under concurrent creates: %v", err)
	}
	must(t, c.Remove("/job/busy"))
	if ok, _ := c.Exists("/job/busy"); ok {
		t.Fatal("subtree survived Remove")
	}
}

// testConfigNS is a Config for a second Center in the namespace of c.
func testConfigNS(t *testing.T, c *Center) Config {
	cfg := testConfig(t)
	cfg.Namespace = c.ns
	return cfg
}

func testTxnAtomicity(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	err := c.Txn(Op{Kind: OpCreate, Path: "/job", Value: "x"})
	if !errors.Is(err, ErrNoNode) || err.Error() != "reg: /: zk: node does not exist" {
		t.Fatalf("Txn without a namespace root: %v", err)
	}
	must(t, c.Persist("/job/leader/sharding/necessary", ""))
	must(t, c.Persist("/job/sharding/0/instance", "old"))

	err = c.Txn(
		Op{Kind: OpCreate, Path: "/job/sharding/1", Value: ""},
		Op{Kind: OpUpdate, Path: "/job/sharding/0/instance", Value: "new"},
		Op{Kind: OpDelete, Path: "/job/leader/sharding/processing"}, // missing: fails the lot
		Op{Kind: OpDelete, Path: "/job/leader/sharding/necessary"},
	)
	if !errors.Is(err, ErrNoNode) || err.Error() != "reg: /job/leader/sharding/processing: zk: node does not exist" {
		t.Fatalf("failing Txn: %v", err)
	}
	if ok, _ := c.Exists("/job/sharding/1"); ok {
		t.Fatal("a failed transaction created a node")
	}
	if got, _ := c.Get("/job/sharding/0/instance"); got != "old" {
		t.Fatalf("a failed transaction updated a node: %q", got)
	}
	if ok, _ := c.Exists("/job/leader/sharding/necessary"); !ok {
		t.Fatal("a failed transaction deleted a node")
	}

	must(t, c.Txn(
		Op{Kind: OpCheck, Path: "/job/sharding/0"},
		Op{Kind: OpCreate, Path: "/job/sharding/1", Value: "a"},
		Op{Kind: OpCreateEphemeral, Path: "/job/leader/sharding/processing", Value: ""},
		Op{Kind: OpUpdate, Path: "/job/sharding/0/instance", Value: "new"},
		Op{Kind: OpDelete, Path: "/job/leader/sharding/necessary"},
	))
	if got, _ := c.Get("/job/sharding/1"); got != "a" {
		t.Fatalf("Txn create: %q", got)
	}
	if got, _ := c.Get("/job/sharding/0/instance"); got != "new" {
		t.Fatalf("Txn update: %q", got)
	}
	if ok, _ := c.Exists("/job/leader/sharding/necessary"); ok {
		t.Fatal("Txn delete did not delete")
	}
	_, stat, _ := c.conn.Exists(c.abs("/job/leader/sharding/processing"))
	if stat.EphemeralOwner != c.SessionID() {
		t.Fatal("Txn ephemeral create is not ephemeral")
	}
	err = c.Txn(Op{Kind: OpCreate, Path: "/job/sharding/1"})
	if !errors.Is(err, ErrNodeExists) || err.Error() != "reg: /job/sharding/1: zk: node already exists" {
		t.Fatalf("Txn create of an existing node: %v", err)
	}

	// Compare-and-set: a write since GetVersion fails the lot.
	data, version, err := c.GetVersion("/job/sharding/1")
	if err != nil || data != "a" {
		t.Fatalf("GetVersion = %q, %v", data, err)
	}
	must(t, c.Update("/job/sharding/1", "b"))
	err = c.Txn(Op{Kind: OpUpdateVersion, Path: "/job/sharding/1", Value: "c", Version: version},
		Op{Kind: OpUpdate, Path: "/job/sharding/0/instance", Value: "newer"})
	if !errors.Is(err, ErrBadVersion) || err.Error() != "reg: /job/sharding/1: zk: version conflict" {
		t.Fatalf("Txn update of a changed version: %v", err)
	}
	if got, _ := c.Get("/job/sharding/0/instance"); got != "new" {
		t.Fatalf("a failed compare-and-set updated another node: %q", got)
	}
	_, version, _ = c.GetVersion("/job/sharding/1")
	must(t, c.Txn(Op{Kind: OpUpdateVersion, Path: "/job/sharding/1", Value: "c", Version: version}))
	if got, _ := c.Get("/job/sharding/1"); got != "c" {
		t.Fatalf("Txn compare-and-set: %q", got)
	}
	if _, _, err := c.GetVersion("/job/none"); !errors.Is(err, ErrNoNode) || err.Error() != "reg: /job/none: zk: node does not exist" {
		t.Fatalf("GetVersion of a missing node: %v", err)
	}
	// A delete that the node's version still allows, and one it no longer does.
	must(t, c.Persist("/job/flag", ""))
	_, version, _ = c.GetVersion("/job/flag")
	must(t, c.Update("/job/flag", "raised again"))
	if err := c.Txn(Op{Kind: OpDeleteVersion, Path: "/job/flag", Version: version}); !errors.Is(err, ErrBadVersion) || err.Error() != "reg: /job/flag: zk: version conflict" {
		t.Fatalf("Txn delete of a changed version: %v", err)
	}
	_, version, _ = c.GetVersion("/job/flag")
	must(t, c.Txn(Op{Kind: OpDeleteVersion, Path: "/job/flag", Version: version}))
	if ok, _ := c.Exists("/job/flag"); ok {
		t.Fatal("Txn versioned delete left the node")
	}
}

func testNamespaceWithSlash(t *testing.T, b backend) {
	cfg := testConfig(t)
	cfg.Namespace += "/task/foo"
	c := b.openNS(t, cfg)
	must(t, c.Persist("/job/config", "x"))

	rawCfg := testConfig(t)
	rawCfg.Namespace = ""
	raw := b.open(t, rawCfg)
	// raw is another session, maybe on another server of an ensemble: ZooKeeper orders each
	// session's reads after its own writes only, so another session's write shows up there soon
	// after, not at once.
	rawRead := func(want string) {
		t.Helper()
		var got string
		var err error
		testkit.Eventually(t, 10*time.Second, func() bool {
			got, err = raw.Get("/" + cfg.Namespace + "/job/config")
			return err == nil && got == want
		}, "raw read of /%s/job/config = %q, %v; want %q", cfg.Namespace, testkit.Later[string](func() string { return got }),
			testkit.Later[error](func() error { return err }), want)
	}
	rawRead("x")
	if kids, _ := c.Children("/"); !slices.Equal(kids, []string{"job"}) {
		t.Fatalf("namespace children = %q", kids)
	}
	_, stat, _ := raw.conn.Exists("/" + cfg.Namespace + "/job")
	if stat.EphemeralOwner != 0 {
		t.Fatalf("job node owner %#x: not persistent", stat.EphemeralOwner)
	}
	must(t, c.Txn(Op{Kind: OpUpdate, Path: "/job/config", Value: "y"})) // checks the namespace root
	rawRead("y")
	// Curator creates the namespace root lazily, as a container: empty, it is reaped.
	must(t, c.Remove("/job"))
	b.expectReaped(t, raw, "/"+cfg.Namespace)
}

func testRegistryTime(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	before := time.Now().Add(-5 * time.Second)
	got, err := c.RegistryTime("/job/systemTime/current")
	must(t, err)
	if got.Before(before) || got.After(time.Now().Add(5*time.Second)) {
		t.Fatalf("RegistryTime = %v, now %v", got, time.Now())
	}
	if data, _ := c.Get("/job/systemTime/current"); data != "" {
		t.Fatalf("data %q, want empty", data)
	}
	later, err := c.RegistryTime("/job/systemTime/current")
	must(t, err)
	if later.Before(got) {
		t.Fatalf("registry time went back: %v then %v", got, later)
	}
}

func testCtime(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	if _, err := c.Ctime("/job/sharding/0/running"); !errors.Is(err, ErrNoNode) || err.Error() != "reg: /job/sharding/0/running: zk: node does not exist" {
		t.Fatalf("Ctime of a missing node: %v", err)
	}
	before := time.Now().Add(-5 * time.Second)
	must(t, c.Persist("/job/sharding/0/running", "10.0.0.1@-@1"))
	created, err := c.Ctime("/job/sharding/0/running")
	must(t, err)
	if created.Before(before) || created.After(time.Now().Add(5*time.Second)) {
		t.Fatalf("Ctime = %v, now %v", created, time.Now())
	}
	time.Sleep(20 * time.Millisecond)
	must(t, c.Update("/job/sharding/0/running", "10.0.0.2@-@2"))
	if again, err := c.Ctime("/job/sharding/0/running"); err != nil || !again.Equal(created) {
		t.Fatalf("Ctime after an update = %v, %v; want the creation time %v", again, err, created)
	}
}

// GetStat's transaction ids order writes: a node written after another was created has a
// larger Mzxid than that one's Czxid, whatever the clocks say.
func testGetStat(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	if _, _, err := c.GetStat("/job/sharding/0"); !errors.Is(err, ErrNoNode) || err.Error() != "reg: /job/sharding/0: zk: node does not exist" {
		t.Fatalf("GetStat of a missing node: %v", err)
	}
	must(t, c.Persist("/job/sharding/0", "1"))
	data, item, err := c.GetStat("/job/sharding/0")
	must(t, err)
	if data != "1" || item.Mzxid != item.Czxid || item.Version != 0 {
		t.Fatalf("GetStat of a new node = %q, %+v", data, item)
	}
	must(t, c.Persist("/job/sharding/0/instance", "10.0.0.1@-@1"))
	_, owner, err := c.GetStat("/job/sharding/0/instance")
	must(t, err)
	must(t, c.Update("/job/sharding/0", "2"))
	data, again, err := c.GetStat("/job/sharding/0")
	must(t, err)
	if data != "2" || again.Czxid != item.Czxid || again.Version != 1 || item.Mzxid >= owner.Czxid || again.Mzxid <= owner.Czxid {
		t.Fatalf("GetStat after an update = %q, %+v (before %+v; the child created in between: %+v)", data, again, item, owner)
	}
	if again.Ctime.Before(time.Now().Add(-time.Minute)) || again.Ctime.After(time.Now().Add(time.Minute)) {
		t.Fatalf("GetStat's Ctime = %v, now %v", again.Ctime, time.Now())
	}
}

func testCacheEvents(t *testing.T, b backend) {
	cfg := testConfig(t)
	c := b.openNS(t, cfg)
	must(t, c.Persist("/other", "x"))
	k, events := watch(t, c, "/job") // the root does not exist yet

	must(t, c.Persist("/job/config", "cron: a"))
	events.expect(t, created("/job", ""), created("/job/config", "cron: a"))
	must(t, c.Update("/job/config", "cron: b"))
	events.expect(t, changed("/job/config", "cron: b", "cron: a"))
	must(t, c.Update("/job/config", "cron: b")) // same data, new version: Curator says CHANGED
	events.expect(t, changed("/job/config", "cron: b", "cron: b"))
	must(t, c.Persist("/job/sharding/0/instance", "i1"))
	events.expect(t, created("/job/sharding", ""), created("/job/sharding/0", ""), created("/job/sharding/0/instance", "i1"))
	must(t, c.Persist("/job/sharding/1", ""))
	events.expect(t, created("/job/sharding/1", ""))
	must(t, c.Persist("/job/sharding/10", ""))
	events.expect(t, created("/job/sharding/10", ""))
	if got := k.Children("/job/sharding"); !slices.Equal(got, []string{"10", "1", "0"}) {
		t.Fatalf("cache Children = %q", got)
	}
	if got, ok := k.Get("/job/sharding/0/instance"); !ok || got != "i1" {
		t.Fatalf("cache Get = %q, %v", got, ok)
	}
	must(t, c.Persist("/other", "y")) // outside the cache
	must(t, c.Remove("/job/sharding/0"))
	events.expect(t, deleted("/job/sharding/0/instance", "i1"), deleted("/job/sharding/0", ""))
	if got := k.Children("/job/sharding"); !slices.Equal(got, []string{"10", "1"}) {
		t.Fatalf("cache Children after delete = %q", got)
	}

	// A second cache loads the current contents without events.
	k2, events2 := watch(t, c, "/job")
	if got, ok := k2.Get("/job/config"); !ok || got != "cron: b" {
		t.Fatalf("second cache Get = %q, %v", got, ok)
	}
	events2.quiet(t, 200*time.Millisecond)

	must(t, c.Remove("/job"))
	want := []Event{deleted("/job/sharding/10", ""), deleted("/job/sharding/1", ""), deleted("/job/sharding", ""),
		deleted("/job/config", "cron: b"), deleted("/job", "")}
	expectDeletions(t, events, want...)
	expectDeletions(t, events2, want...)
	k2.Close()
	must(t, c.Persist("/job", "Foo")) // re-created root: the exists watch sees it
	events.expect(t, created("/job", "Foo"))
	must(t, c.Persist("/job/config", "z"))
	events.expect(t, created("/job/config", "z"))
	events2.quiet(t, 200*time.Millisecond)
}

func testHandlerCallsBack(t *testing.T, b backend) {
	c := b.openNS(t, testConfig(t))
	must(t, c.Persist("/a", ""))
	inner := newRecorder[Event]()
	done := make(chan string, 10)
	var innerCache *Cache
	k, err := c.Watch("/a", func(ev Event) {
		if ev.Path != "/a/go" {
			return
		}
		// Reads, writes and a new Watch from inside a handler.
		v, err := c.Get("/a/go")
		if err == nil {
			err = c.Persist("/b/x", v)
		}
		if err == nil {
			innerCache, err = c.Watch("/b", inner.add)
		}
		if err == nil {
			err = c.Persist("/b/y", "2")
		}
		if err != nil {
			done <- err.Error()
			return
		}
		got, _ := innerCache.Get("/b/x")
		done <- got
	})
	must(t, err)
	defer k.Close()
	must(t, c.Persist("/a/go", "1"))
	select {
	case got := <-done:
		if got != "1" {
			t.Fatalf("handler: %s", got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("handler deadlocked")
	}
	inner.expect(t, created("/b/y", "2"))
	innerCache.Close()
}

func testWatchesAfterReconnect(t *testing.T, b backend) {
	cfg := testConfig(t)
	writer := b.openNS(t, cfg)
	must(t, writer.Persist("/job/config", "a"))
	must(t, writer.Persist("/job/servers/s1", "ENABLED"))
	c, l := b.openFaulty(t, cfg)
	st := states(c)
	sid := c.SessionID()
	k, events := watch(t, c, "/job")

	l.Partition()
	st.expect(t, StateSuspended)
	must(t, writer.Update("/job/config", "b"))
	must(t, writer.Persist("/job/servers/s2", "ENABLED"))
	must(t, writer.Remove("/job/servers/s1"))
	l.Heal()
	st.expect(t, StateReconnected)
	if c.SessionID() != sid {
		t.Fatalf("session %#x became %#x", sid, c.SessionID())
	}
	got := map[string]Event{}
	for range 3 {
		ev := events.next(t)
		got[ev.Path] = ev
	}
	for _, want := range []Event{changed("/job/config", "b", "a"), created("/job/servers/s2", "ENABLED"), deleted("/job/servers/s1", "ENABLED")} {
		if got[want.Path] != want {
			t.Fatalf("after reconnection: got %+v, want %+v among them", got, want)
		}
	}
	// The watches are armed again.
	must(t, writer.Update("/job/config", "c"))
	events.expect(t, changed("/job/config", "c", "b"))
	if v, _ := k.Get("/job/config"); v != "c" {
		t.Fatalf("cache Get = %q", v)
	}
}

func testSessionExpiry(t *testing.T, b backend) {
	cfg := testConfig(t)
	cfg.SessionTimeout = time.Second
	observer := b.openNS(t, cfg)
	c, l := b.openFaulty(t, cfg)
	st := states(c)
	must(t, c.Persist("/job/servers/s1", "ENABLED"))
	must(t, c.PersistEphemeral("/job/instances/i1", "one"))
	k, own := watch(t, c, "/job")
	_, others := watch(t, observer, "/job")
	old := c.SessionID()

	l.Expire()
	st.expect(t, StateSuspended, StateLost, StateNewSession)
	if c.SessionID() == old || c.SessionID() == 0 {
		t.Fatalf("session %#x after expiry of %#x", c.SessionID(), old)
	}
	// The cache was re-synced before NewSession: it already lacks the ephemeral node.
	if _, ok := k.Get("/job/instances/i1"); ok {
		t.Fatal("cache still has the expired session's ephemeral node at NewSession")
	}
	own.expect(t, deleted("/job/instances/i1", "one"))
	others.expect(t, deleted("/job/instances/i1", "one"))

	// Re-registration in the new session is visible everywhere.
	must(t, c.PersistEphemeral("/job/instances/i1", "two"))
	own.expect(t, created("/job/instances/i1", "two"))
	others.expect(t, created("/job/instances/i1", "two"))
	_, stat, _ := observer.conn.Exists(observer.abs("/job/instances/i1"))
	if stat.EphemeralOwner != c.SessionID() {
		t.Fatalf("owner %#x, new session %#x", stat.EphemeralOwner, c.SessionID())
	}
	must(t, c.Update("/job/servers/s1", "DISABLED")) // and the watches work again
	own.expect(t, changed("/job/servers/s1", "DISABLED", "ENABLED"))
}

var latchName = regexp.MustCompile(`^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-latch-[0-9]{10}$`)

func testLockProtocol(t *testing.T, b backend) {
	cfg := testConfig(t)
	c := b.openNS(t, cfg)
	other := b.open(t, cfg)
	const latch = "/job/leader/election/latch"
	unlock, err := c.Lock(t.Context(), latch)
	must(t, err)
	kids, _ := c.Children(latch)
	if len(kids) != 1 || !latchName.MatchString(kids[0]) {
		t.Fatalf("latch children %q, want one _c_{uuid}-latch-{10 digits}", kids)
	}
	if data, _ := c.Get(latch + "/" + kids[0]); data != "" {
		t.Fatalf("latch node data %q, want empty", data)
	}
	_, stat, _ := c.conn.Exists(c.abs(latch + "/" + kids[0]))
	if stat.EphemeralOwner != c.SessionID() {
		t.Fatal("latch node is not ephemeral")
	}
	// A second contender waits behind us; cancelling it removes its node.
	ctx, cancel := contextWithTimeout(t, 300*time.Millisecond)
	defer cancel()
	if _, err := other.Lock(ctx, latch); !errors.Is(err, ctxDeadline) {
		t.Fatalf("contended Lock: %v, want the context's deadline", err)
	}
	if kids, _ := c.Children(latch); len(kids) != 1 {
		t.Fatalf("a cancelled contender left its node: %q", kids)
	}

	acquired := make(chan func())
	go func() {
		u, err := other.Lock(t.Context(), latch)
		if err != nil {
			t.Error(err)
			u = func() {}
		}
		acquired <- u
	}()
	select {
	case <-acquired:
		t.Fatal("two holders")
	case <-time.After(300 * time.Millisecond):
	}
	unlock()
	unlock() // idempotent
	select {
	case u := <-acquired:
		u()
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter never got the lock")
	}
	if kids, _ := c.Children(latch); len(kids) != 0 {
		t.Fatalf("released latch left %q", kids)
	}
	// The lock's missing parents were created as containers: empty, they are reaped.
	b.expectReaped(t, c, "/job/leader/election/latch", "/job/leader/election", "/job/leader", "/job")
}

func testLockMutualExclusion(t *testing.T, b backend) {
	cfg := testConfig(t)
	centers := []*Center{b.openNS(t, cfg), b.open(t, cfg), b.open(t, cfg)}
	const contenders, rounds = 10, 3
	var holders, maxHolders, counter atomicInt
	var wg sync.WaitGroup
	for i := range contenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := centers[i%len(centers)]
			for range rounds {
				unlock, err := c.Lock(t.Context(), "/job/leader/failover/latch")
				if err != nil {
					t.Error(err)
					return
				}
				maxHolders.max(holders.add(1))
				v := counter.load() // an unprotected read-modify-write: lost updates show overlap
				time.Sleep(time.Millisecond)
				counter.store(v + 1)
				holders.add(-1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if counter.load() != contenders*rounds || maxHolders.load() != 1 {
		t.Fatalf("counter %d (want %d), max simultaneous holders %d (want 1)", counter.load(), contenders*rounds, maxHolders.load())
	}
}

func testLockLostWithSession(t *testing.T, b backend) {
	cfg := testConfig(t)
	cfg.SessionTimeout = time.Second
	holder := b.openNS(t, cfg)
	c, l := b.openFaulty(t, cfg)
	st := states(c)
	const latch = "/job/leader/election/latch"
	unlock, err := holder.Lock(t.Context(), latch)
	must(t, err)
	defer unlock()
	failed := make(chan error, 1)
	go func() {
		_, err := c.Lock(t.Context(), latch)
		failed <- err
	}()
	waitFor(t, func() bool { kids, _ := holder.Children(latch); return len(kids) == 2 })
	l.Expire()
	select {
	case err := <-failed:
		if !errors.Is(err, ErrSessionLost) || err.Error() != "reg: "+latch+": reg: session lost" {
			t.Fatalf("waiting Lock after session loss: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a waiter survived its session")
	}
	st.expect(t, StateSuspended, StateLost, StateNewSession)
	waitFor(t, func() bool { kids, _ := holder.Children(latch); return len(kids) == 1 })
}

// testUnlockWhileDisconnected: the release of a lock is guaranteed: a delete that fails for the
// connection is retried until it is done, and the next contender gets the lock.
func testUnlockWhileDisconnected(t *testing.T, b backend) {
	cfg := testConfig(t)
	other := b.openNS(t, cfg)
	c, l := b.openFaulty(t, cfg)
	st := states(c)
	const latch = "/job/leader/failover/latch"
	unlock, err := c.Lock(t.Context(), latch)
	must(t, err)
	acquired := make(chan error, 1)
	go func() {
		u, err := other.Lock(t.Context(), latch)
		if err == nil {
			u()
		}
		acquired <- err
	}()
	waitFor(t, func() bool { kids, _ := other.Children(latch); return len(kids) == 2 })

	l.Partition()
	st.expect(t, StateSuspended)
	released := make(chan struct{})
	go func() { unlock(); close(released) }() // may wait for the connection
	l.Heal()
	st.expect(t, StateReconnected)
	select {
	case err := <-acquired:
		must(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("the lock was never released")
	}
	<-released
	if kids, _ := other.Children(latch); len(kids) != 0 {
		t.Fatalf("latch children %q after both released", kids)
	}
}

func testDigestACL(t *testing.T, b backend) {
	if !b.realZK {
		t.Skip("embedded: a single in-process client, so no other client could be shut out; memzk does not implement ACLs")
	}
	cfg := testConfig(t)
	cfg.Digest = "user:secret"
	c := b.openNS(t, cfg)
	must(t, c.Persist("/job/config", "secret"))

	anon := cfg
	anon.Digest = ""
	stranger := b.open(t, anon)
	if _, err := stranger.Get("/job/config"); !errors.Is(err, zk.ErrNoAuth) || err.Error() != "reg: /job/config: zk: not authenticated" {
		t.Fatalf("read without the digest: %v", err)
	}
	if err := stranger.Update("/job/config", "x"); !errors.Is(err, zk.ErrNoAuth) {
		t.Fatalf("write without the digest: %v", err)
	}
	wrong := cfg
	wrong.Digest = "user:wrong"
	if _, err := b.open(t, wrong).Get("/job/config"); !errors.Is(err, zk.ErrNoAuth) {
		t.Fatalf("read with a wrong password: %v", err)
	}
	friend := b.open(t, cfg)
	if got, err := friend.Get("/job/config"); err != nil || got != "secret" {
		t.Fatalf("read with the digest = %q, %v", got, err)
	}
	acl, _, err := zkConn(c).GetACL(c.abs("/job/config"))
	if err != nil || len(acl) != 1 || acl[0].Scheme != "digest" || !strings.HasPrefix(acl[0].ID, "user:") || acl[0].Perms != zk.PermAll {
		t.Fatalf("ACL = %+v, %v; want CREATOR_ALL_ACL (digest user:…, all permissions)", acl, err)
	}
}

func testLeaderKilled(t *testing.T, b backend) {
	if b.cluster == nil {
		t.Skip("needs an ensemble")
	}
	cl := b.cluster(t)
	cfg := testConfig(t)
	cfg.ServerLists = cl.Connect()
	writer := mustConnect(t, cfg)
	must(t, writer.Persist("/job/config", "a"))
	leader := cl.Leader()
	c := connectTo(t, cfg, cl.Addr(leader))
	st := states(c)
	_, events := watch(t, c, "/job")
	sid := c.SessionID()

	cl.Kill(leader)
	st.expect(t, StateSuspended, StateReconnected)
	must(t, cl.WaitQuorum(30*time.Second))
	writer = mustConnect(t, survivors(cfg, cl, leader))
	must(t, writer.Update("/job/config", "b"))
	events.expect(t, changed("/job/config", "b", "a"))
	if c.SessionID() != sid {
		t.Fatalf("session %#x became %#x", sid, c.SessionID())
	}
	must(t, writer.Update("/job/config", "c"))
	events.expect(t, changed("/job/config", "c", "b"))
}

// connectTo connects a Center of cfg (whose connect string names the whole ensemble) that is
// connected to the server at addr: the client picks a random server, so it tries until one is.
func connectTo(t *testing.T, cfg Config, addr string) *Center {
	t.Helper()
	for range 30 {
		c := mustConnect(t, cfg)
		if zkConn(c).Server() == addr {
			return c
		}
		c.Close()
	}
	t.Fatalf("never connected to %s", addr)
	return nil
}

// survivors is cfg connecting to every node of the ensemble but down.
func survivors(cfg Config, cl *zktest.Cluster, down int) Config {
	var addrs []string
	for i := 1; i <= cl.Size(); i++ {
		if i != down {
			addrs = append(addrs, cl.Addr(i))
		}
	}
	cfg.ServerLists = strings.Join(addrs, ",")
	return cfg
}

func testFollowerPaused(t *testing.T, b backend) {
	if b.cluster == nil {
		t.Skip("needs an ensemble")
	}
	cl := b.cluster(t)
	cfg := testConfig(t)
	cfg.ServerLists = cl.Connect()
	writer := mustConnect(t, cfg)
	must(t, writer.Persist("/job/config", "a"))
	node := cl.Followers()[0]
	c := connectTo(t, cfg, cl.Addr(node))
	st := states(c)
	_, events := watch(t, c, "/job")
	sid := c.SessionID()

	cl.Pause(node)
	st.expect(t, StateSuspended, StateReconnected)
	if c.SessionID() != sid || zkConn(c).Server() == cl.Addr(node) {
		t.Fatalf("session %#x on %s, want %#x elsewhere than %s", c.SessionID(), zkConn(c).Server(), sid, cl.Addr(node))
	}
	writer = mustConnect(t, survivors(cfg, cl, node))
	must(t, writer.Update("/job/config", "b"))
	events.expect(t, changed("/job/config", "b", "a"))
	cl.Resume(node)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, cond, "condition")
}

// expectDeletions takes len(want) events: want in any order in which every node's deletion
// follows its descendants' (the server reports each delete of a recursive removal separately).
func expectDeletions(t *testing.T, r *recorder[Event], want ...Event) {
	t.Helper()
	var got []Event
	for range want {
		got = append(got, r.next(t))
	}
	for i, ev := range got {
		if !slices.Contains(want, ev) {
			t.Fatalf("unexpected %+v among %+v", ev, got)
		}
		for _, later := range got[i+1:] {
			if strings.HasPrefix(later.Path, ev.Path+"/") {
				t.Fatalf("%s deleted before its descendant %s: %+v", ev.Path, later.Path, got)
			}
		}
	}
}

// A transaction whose TxnBytes is exactly MaxRequestBytes goes through: TxnBytes never
// underestimates what the server counts. Its failure message names a few paths, not all.
func testTxnAtTheRequestLimit(t *testing.T, b backend) {
	c := b.open(t, testConfig(t))
	must(t, c.Persist("/big", ""))
	var ops []Op
	for i := range 12 {
		ops = append(ops, Op{Kind: OpCreate, Path: fmt.Sprintf("/big/n%02d", i), Value: strings.Repeat("x", 80_000)})
	}
	last := &ops[len(ops)-1]
	last.Value += strings.Repeat("y", MaxRequestBytes-c.TxnBytes(ops...))
	if got := c.TxnBytes(ops...); got != MaxRequestBytes {
		t.Fatalf("TxnBytes %d after padding, want %d", got, MaxRequestBytes)
	}
	must(t, c.Txn(ops...))
	if kids, _ := c.Children("/big"); len(kids) != 12 {
		t.Fatalf("children %v", kids)
	}
	if got := summary([]string{"/a", "/b", "/c", "/d", "/e", "/f"}); got != "/a,/b,/c,/d and 2 more" {
		t.Fatalf("summary %q", got)
	}
}
