package engine

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
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

// A misfire flagged while an earlier run went on is compensated after the run of a newer fire:
// the older fire runs, but the item's record stays at the newer one. Moved back, it would show
// the newer fire as missed to the next run that checks the records (after a resharding its cache
// saw once the run had begun), which would run it a second time (seen in the chaos run: a
// leader ran fire 44 of its items twice, around the compensation of fire 43).
func TestAnOlderMisfireRunAfterANewerFireKeepsTheRecordForward(t *testing.T) {
	_, j, rec := drivenJob(t, "misfireOrderJob", 2)
	fire := time.Now().Truncate(time.Second).Add(5 * time.Second) // after the schedule's start
	runOnceAlone(t, j, fire)
	j.setMisfire([]int{0, 1}, fire.Add(time.Second)) // flagged while a failover claim ran, say
	runOnceAlone(t, j, fire.Add(2*time.Second))      // its own fire, then the misfired one
	for i := range 2 {
		if got := parseRecord(get(j.rt.center, nodepath.Item("misfireOrderJob", i))).fire; !got.Equal(fire.Add(2 * time.Second)) {
			t.Errorf("item %d's record is at %v after the compensation, want the newer fire %v", i, got, fire.Add(2*time.Second))
		}
	}
	j.mu.Lock()
	j.ownersChanged++ // a resharding's events, seen after the last run began: every item checked
	j.mu.Unlock()
	runOnceAlone(t, j, fire.Add(3*time.Second))
	got := runsByFire(rec)
	for k := 0; k <= 3; k++ {
		for i := range 2 {
			if by := got[ms(fire.Add(time.Duration(k)*time.Second))][i]; len(by) != 1 {
				t.Errorf("item %d of fire +%ds ran %d times, want once (runs by fire %v)", i, k, len(by), got)
			}
		}
	}
}
