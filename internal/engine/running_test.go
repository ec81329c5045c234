package engine

import (
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// The cache holds no running nodes: an item whose running node another live instance holds is
// found by the transaction that marks the run's items, left out of the run as ElasticJob's
// removeRunningIfMonitorExecution does (no misfire flagged, the holder's node untouched), and
// the other items run.
func TestItemRunningElsewhereIsLeftOut(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	cfg := jobapi.NewJobConfiguration("heldJob", 2)
	cfg.Cron = never
	cfg.Failover = true
	rec := &recorder{}
	ja := a.register(t, cfg, rec)
	jb := b.register(t, cfg, rec)
	ja.Schedule()
	jb.Schedule()
	must(t, a.center.Update("/heldJob/servers/10.0.0.2", "DISABLED")) // every item to a
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) == 2 }, "first run of both items; runs %v", rec.all())
	if got := assignment(t, a.center, "heldJob", 2); !sameAssignment(got, map[string][]int{a.id: {0, 1}}) {
		t.Fatalf("assignment %v; want both items on %s", got, a.id)
	}

	waitIdle(t, ja)                                                // a trigger during a run is dropped
	must(t, a.center.Persist("/heldJob/sharding/0/running", b.id)) // b runs item 0 (a stale view, say)
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) == 3 }, "second run; runs %v", rec.all())
	time.Sleep(300 * time.Millisecond) // a wrong run of item 0 would show by now
	runs := rec.all()
	if len(runs) != 3 || runs[2].sc.ShardingItem != 1 || runs[2].instance != a.id {
		t.Fatalf("runs %v; want the second run to be item 1 on %s only", runs, a.id)
	}
	if v, err := a.center.Get("/heldJob/sharding/0/running"); err != nil || v != b.id {
		t.Fatalf("running node of item 0: %q, %v; want %s's untouched", v, err, b.id)
	}
	for _, i := range []string{"0", "1"} {
		if ok, _ := a.center.Exists("/heldJob/sharding/" + i + "/misfire"); ok {
			t.Errorf("item %s flagged misfire; ElasticJob leaves running items out silently", i)
		}
	}
	if ok, _ := a.center.Exists("/heldJob/sharding/1/running"); ok {
		t.Error("item 1's running node left behind")
	}
}

// A running node left by an instance that is gone, found by that transaction (the cache does not
// see it appear), is queued for failover and its item run once; the other item runs at once.
func TestStaleRunningNodeFoundByAFireIsFailedOver(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	a := cl.start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration("staleJob", 2)
	cfg.Cron = never
	cfg.Failover = true
	rec := &recorder{}
	j := a.register(t, cfg, rec)
	j.Schedule()
	must(t, j.TriggerAll())
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) == 2 }, "first run of both items; runs %v", rec.all())

	waitIdle(t, j) // a trigger during a run is dropped
	gone := InstanceID("10.0.0.9", 900)
	must(t, a.center.Persist("/staleJob/sharding/0/running", gone))
	must(t, j.TriggerAll())
	testkit.Eventually(t, 5*time.Second, func() bool {
		return ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 0 }) == 2 &&
			ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 1 }) == 2
	}, "item 1 run by the fire, item 0 by the failover of the gone instance's node; runs %v", rec.all())
	time.Sleep(300 * time.Millisecond)
	if n := len(rec.all()); n != 4 {
		t.Fatalf("%d runs %v; want 4", n, rec.all())
	}
	assertNothingStuck(t, a.center, "staleJob", 2)
}

// waitIdle waits until no run of j is in progress on its instance.
func waitIdle(t *testing.T, j *Job) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() bool {
		j.mu.Lock()
		defer j.mu.Unlock()
		return !j.running
	}, "job %s idle", j.name)
}
