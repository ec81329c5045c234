package engine

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// A run longer than the period leaves misfire nodes; a compensation run for the latest missed
// fire follows right after it, and the nodes are gone.
func TestMisfireCompensatesAfterALongRun(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("misJob", 1)
	cfg.Cron = "* * * * * ?"
	rec := &recorder{}
	var long atomic.Bool
	long.Store(true)
	rec.hold = func(sc jobapi.ShardingContext) time.Duration {
		if long.CompareAndSwap(true, false) {
			return 2500 * time.Millisecond
		}
		return 0
	}
	a := cl.start("10.0.0.1", 100)
	a.register(t, cfg, rec).Schedule()
	// failover off: the running node is ephemeral, owned by the session of the instance.
	if owner := ephemeralOwner(t, cl.servers, "/"+cl.ns+"/misJob/sharding/0/running"); owner != a.center.SessionID() {
		t.Fatalf("running node owner %x, want the session %x", owner, a.center.SessionID())
	}
	if v, _ := a.center.Get("/misJob/sharding/0/running"); v != a.id {
		t.Fatalf("running node data %q", v)
	}
	testkit.Eventually(t, 10*time.Second, func() bool {
		ok, _ := a.center.Exists("/misJob/sharding/0/misfire")
		return ok
	}, "misfire node during the long run")
	testkit.Eventually(t, 10*time.Second, func() bool { return len(rec.all()) >= 2 }, "two runs")
	runs := rec.all()
	first, comp := runs[0], runs[1]
	// Fires at +1 s and +2 s came during the 2.5 s run: the compensation serves the latest
	// fire before the run ended (+2 s; on a loaded machine the fire at the end's own second may
	// not have been flagged yet).
	latest := first.end.Truncate(time.Second)
	if ft := comp.sc.FireTime; !ft.Equal(latest) && !ft.Equal(latest.Add(-time.Second)) || !ft.After(first.sc.FireTime) {
		t.Fatalf("compensation FireTime %v, want the latest fire before %v (long run fired at %v)", ft, first.end, first.sc.FireTime)
	}
	testkit.Eventually(t, 3*time.Second, func() bool {
		ok, _ := a.center.Exists("/misJob/sharding/0/misfire")
		return !ok
	}, "misfire node cleared")
}
