package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// An instance whose session drops while its item runs: the survivor runs that item within
// session timeout + 1 s with the FireTime of the interrupted fire; the dropped instance's item
// context is cancelled when it takes its session as lost; when the network comes back it
// re-registers and runs its share again, without a restart; nothing is left stuck.
func TestDroppedSessionFailsOverAndTheInstanceComesBack(t *testing.T) {
	const session = 2 * time.Second
	cl := newCluster(t, session)
	proxy := zktest.NewProxy(t, cl.servers)
	cfg := jobapi.NewJobConfiguration("foJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	bID := InstanceID("10.0.0.2", 200)
	waitHeld := rec.holdFirst(t, func(sc jobapi.ShardingContext) bool { return sc.TaskID == "foJob@-@0@-@READY@-@"+bID })
	a := cl.start("10.0.0.1", 100)
	b := cl.startOn(cl.connectTo(proxy.Addr()), "10.0.0.2", 200)
	a.register(t, cfg, rec).Schedule()
	b.register(t, cfg, rec).Schedule()

	interrupted := waitHeld(15*time.Second, "instance B never ran item 0")
	testkit.Eventually(t, 5*time.Second, func() bool {
		v, err := a.center.Get("/foJob/sharding/0/running")
		return err == nil && v == bID
	}, "running node of item 0 names B")
	proxy.Blackhole()
	dropped := time.Now()

	// The survivor runs item 0 for the interrupted fire.
	var takeover run
	testkit.Eventually(t, session+8*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.instance == a.id && r.sc.ShardingItem == 0 && r.sc.FireTime.Equal(interrupted.FireTime) {
				takeover = r
				return true
			}
		}
		return false
	}, "A ran item 0 with FireTime %v", interrupted.FireTime)
	t.Logf("item 0 ran on the survivor %v after the drop (session timeout %v)", time.Since(dropped), session)
	if takeover.sc.TaskID != "foJob@-@0@-@READY@-@"+a.id {
		t.Errorf("failover TaskID %q", takeover.sc.TaskID)
	}
	// B fenced its item before A could start it: a job honouring ctx never overlaps its taker.
	var fenced run
	testkit.Eventually(t, session+2*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.instance == bID && r.sc.ShardingItem == 0 && errors.Is(r.err, context.Canceled) {
				fenced = r
				return true
			}
		}
		return false
	}, "B's item 0 context cancelled")
	if !fenced.end.Before(takeover.start) {
		t.Errorf("B's item was fenced at %v, after A took it over at %v", fenced.end, takeover.start)
	}
	t.Logf("B fenced its item %v after the drop, %v before A started it", fenced.end.Sub(dropped), takeover.start.Sub(fenced.end))

	proxy.Restore()
	restored := time.Now()
	// B re-registers and runs its share again at a later fire.
	testkit.Eventually(t, 10*time.Second, func() bool {
		ok, err := a.center.Exists("/foJob/instances/" + bID)
		return err == nil && ok
	}, "B's instance node back")
	waitFullFireWith(t, rec, restored.Add(time.Second), map[string][]int{bID: {0}, a.id: {1}})
	assertNothingStuck(t, a.center, "foJob", 2)
}

// assertNothingStuck: no queued failover item, no failover/failovering node, and every running
// node belongs to a live instance.
func assertNothingStuck(t *testing.T, c *reg.Center, job string, total int) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() bool {
		if kids, _ := c.Children("/" + job + "/leader/failover/items"); len(kids) > 0 {
			return false
		}
		ids, _ := c.Children("/" + job + "/instances")
		alive := map[string]bool{}
		for _, id := range ids {
			alive[id] = true
		}
		for i := 0; i < total; i++ {
			p := "/" + job + "/sharding/" + itoa(i)
			for _, n := range []string{"/failover", "/failovering"} {
				if ok, _ := c.Exists(p + n); ok {
					return false
				}
			}
			if v, err := c.Get(p + "/running"); err == nil && !alive[v] {
				return false
			}
		}
		return true
	}, "stuck failover state in /%s", job)
}
