package engine

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/go-zookeeper/zk"
)

// A dropped connection that comes back within the session: the instance node is left alone
// (same czxid, no delete and re-create), the running item is not fenced and not failed over.
func TestReconnectWithTheSameSessionKeepsEverything(t *testing.T) {
	// 4 s: go-zookeeper waits 1 s before reconnecting to a single server, and items are fenced
	// after a third of the session timeout suspended.
	cl := newCluster(t, 4*time.Second)
	proxy := zktest.NewProxy(t, cl.servers)
	cfg := jobapi.NewJobConfiguration("reconJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	bID := InstanceID("10.0.0.2", 200)
	var once atomic.Bool
	once.Store(true)
	started := make(chan struct{})
	rec.hold = func(sc jobapi.ShardingContext) time.Duration {
		if strings.HasSuffix(sc.TaskID, bID) && once.CompareAndSwap(true, false) {
			close(started)
			return 3 * time.Second
		}
		return 0
	}
	a := cl.start("10.0.0.1", 100)
	bc := cl.connectTo(proxy.Addr())
	var mu sync.Mutex
	var states []reg.State
	bc.OnState(func(s reg.State) {
		mu.Lock()
		states = append(states, s)
		mu.Unlock()
	})
	b := cl.startOn(bc, "10.0.0.2", 200)
	a.register(t, cfg, rec).Schedule()
	b.register(t, cfg, rec).Schedule()
	<-started

	raw, _, err := zk.Connect([]string{cl.servers}, 5*time.Second, zk.WithLogInfo(false))
	must(t, err)
	defer raw.Close()
	path := "/" + cl.ns + "/reconJob/instances/" + bID
	var before *zk.Stat
	testkit.Eventually(t, 5*time.Second, func() bool { _, before, err = raw.Get(path); return err == nil }, "raw read of %s", path)

	// failover on: the running node is persistent.
	if owner := ephemeralOwner(t, cl.servers, "/"+cl.ns+"/reconJob/sharding/0/running"); owner != 0 {
		t.Fatalf("running node with failover on is ephemeral (owner %x)", owner)
	}
	proxy.Cut()
	testkit.Eventually(t, 5*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(states) >= 2 && states[len(states)-2] == reg.StateSuspended && states[len(states)-1] == reg.StateReconnected
	}, "Suspended then Reconnected, got %v", testkit.Later[[]reg.State](func() []reg.State {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(states)
	}))
	_, after, err := raw.Get(path)
	must(t, err)
	if after.Czxid != before.Czxid {
		t.Fatalf("instance node re-created: czxid %d -> %d", before.Czxid, after.Czxid)
	}
	testkit.Eventually(t, 5*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.instance == bID && !r.end.IsZero() && r.sc.ShardingItem == 0 {
				return true
			}
		}
		return false
	}, "B's long item finished")
	for _, r := range rec.all() {
		if r.err != nil {
			t.Fatalf("item fenced: %+v", r)
		}
		if r.instance == a.id && r.sc.ShardingItem == 0 {
			t.Fatalf("B's item failed over to A: %+v", r)
		}
	}
	waitFullFireWith(t, rec, time.Now(), map[string][]int{bID: {0}, a.id: {1}})
}
