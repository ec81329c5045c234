package engine

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
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
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) == 2 }, "first run of both items; runs %v", testkit.Later[[]run](rec.all))
	if got := assignment(t, a.center, "heldJob", 2); !sameAssignment(got, map[string][]int{a.id: {0, 1}}) {
		t.Fatalf("assignment %v; want both items on %s", got, a.id)
	}

	quiesce(t, ja, a.center)
	before := len(rec.all())
	must(t, a.center.Persist("/heldJob/sharding/0/running", b.id)) // b runs item 0 (a stale view, say)
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) == before+1 }, "second run; runs %v", testkit.Later[[]run](rec.all))
	time.Sleep(300 * time.Millisecond) // a wrong run of item 0 would show by now
	runs := rec.all()
	if len(runs) != before+1 || runs[before].sc.ShardingItem != 1 || runs[before].instance != a.id {
		t.Fatalf("runs %v; want the run after the first %d to be item 1 on %s only", runs, before, a.id)
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
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) == 2 }, "first run of both items; runs %v", testkit.Later[[]run](rec.all))

	waitIdle(t, j) // a trigger during a run is dropped
	gone := InstanceID("10.0.0.9", 900)
	must(t, a.center.Persist("/staleJob/sharding/0/running", gone))
	must(t, j.TriggerAll())
	// The trigger's marking finds the node and leaves item 0 out; or, when the trigger waits for
	// a resharding (the instance's own registration may still ask for one), the leader releases
	// the node after a second and the trigger runs item 0 too. Either way the gone instance's run
	// is failed over once (its fire unknown: the cron's latest before the item was queued, or
	// that moment, see queuedAt), item 1 runs, and no fire runs twice.
	failedOver := func(r run) bool {
		return r.sc.TaskID == "staleJob@-@0@-@READY@-@"+a.id && !r.sc.FireTime.IsZero()
	}
	testkit.Eventually(t, 5*time.Second, func() bool {
		return ranCount(rec, failedOver) == 1 && ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 1 }) == 2
	}, "item 1 run by the fire, item 0 by the failover of the gone instance's node; runs %v", testkit.Later[[]run](rec.all))
	time.Sleep(300 * time.Millisecond)
	if n := ranCount(rec, failedOver); n != 1 {
		t.Fatalf("%d failover runs of item 0 %v; want 1", n, rec.all())
	}
	for fire, items := range rec.byFire() {
		for item, by := range items {
			if len(by) != 1 && !fire.IsZero() {
				t.Fatalf("fire %v of item %d run %d times: %v", fire, item, len(by), rec.all())
			}
		}
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

// A marking that reaches the registry once this instance's node is gone creates nothing. That
// is what a paused process's marking does when go-zookeeper sends it, queued while the session
// expired, in the session that replaces it, before the instance has registered again: the lost
// session's items are the survivors' by then.
func TestMarkingWithoutTheInstanceNodeCreatesNothing(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	a := cl.start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration("lostJob", 2)
	cfg.Cron = never
	cfg.Failover = true
	j := a.register(t, cfg, &recorder{})
	must(t, a.center.Remove(nodepath.Instance("lostJob", a.id)))
	fire := time.Now().Truncate(time.Second)
	scs := []jobapi.ShardingContext{{JobName: "lostJob", ShardingItem: 0, FireTime: fire}, {JobName: "lostJob", ShardingItem: 1, FireTime: fire}}
	err := j.markRunning(j.config(), scs, false, false)
	if want := "reg: /lostJob/instances/" + a.id + ": zk: node does not exist"; !errors.Is(err, reg.ErrNoNode) || err.Error() != want {
		t.Fatalf("marking without the instance node: %v, want %s", err, want)
	}
	for i := range 2 {
		if ok, _ := a.center.Exists(nodepath.ItemRunning("lostJob", i)); ok {
			t.Fatalf("item %d marked running", i)
		}
		if v, _ := a.center.Get(nodepath.Item("lostJob", i)); v != "" {
			t.Fatalf("item %d: start of fire %s recorded", i, v)
		}
	}
}

// The fire a run starts is recorded in sharding/{i} for the make-up of a crash's detection
// window. A catch-up run (a failover, a gap's make-up) serves an older fire than the item's
// new owner may have started meanwhile: its record only replaces an older one. Moved back, the
// record would have the make-up of the later fire run it a second time.
func TestCatchUpRunNeverMovesTheStartedRecordBack(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	a := cl.start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration("recJob", 1)
	cfg.Cron = never
	cfg.Failover = true
	j := a.register(t, cfg, &recorder{})
	fire := time.Now().Truncate(time.Second)
	must(t, a.center.Persist(nodepath.Item("recJob", 0), ms(fire.Add(2*time.Second))))
	for _, step := range []struct {
		fire    time.Time
		catchUp bool
		want    time.Time
	}{
		{fire, true, fire.Add(2 * time.Second)},                      // older: kept
		{fire.Add(5 * time.Second), true, fire.Add(5 * time.Second)}, // newer: recorded
		{fire.Add(time.Second), false, fire.Add(time.Second)},        // the instance's own fire: written as is
	} {
		sc := jobapi.ShardingContext{JobName: "recJob", ShardingItem: 0, FireTime: step.fire}
		must(t, j.markRunning(j.config(), []jobapi.ShardingContext{sc}, step.catchUp, false))
		if got := parseRecord(get(a.center, nodepath.Item("recJob", 0))); !got.fire.Equal(step.want) {
			t.Fatalf("fire %v (catch-up %v): record %v, want %s", step.fire, step.catchUp, got, ms(step.want))
		}
		must(t, a.center.Remove(nodepath.ItemRunning("recJob", 0)))
	}
}

// A misfire flagged while a run went on is compensated on all the run's items: also on one whose
// fire another instance served before the item changed hands (it did not serve the later fire),
// but not on one whose later fire it served too.
func TestMisfireIsCompensatedOnItemsThatChangedHands(t *testing.T) {
	a, j, rec := drivenJob(t, "handJob", 3) // sharded: a misfire is compensated only once no resharding is pending
	fire := time.Now().Truncate(time.Second).Add(-10 * time.Second)
	// Before the items came here, another instance started item 1 at fire and item 2 at the next.
	must(t, a.center.Persist(nodepath.Item("handJob", 1), ms(fire)))
	must(t, a.center.Persist(nodepath.Item("handJob", 2), ms(fire.Add(time.Second))))
	j.setMisfire(nil, fire.Add(time.Second)) // the next fire found the run still going
	runOnceAlone(t, j, fire)
	got := runsByFire(rec)
	want := map[string]map[int][]string{
		ms(fire):                  {0: {a.id}},
		ms(fire.Add(time.Second)): {0: {a.id}, 1: {a.id}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("runs by fire %v, want %v", got, want)
	}
}

// quiesce triggers j until no resharding has been pending for 500 ms: the registrations and
// server changes of a test's setup ask for reshardings asynchronously, and a fire that waited for
// one behind a running node the test planted would wait for good (the leader waits for running
// items, as ElasticJob does).
func quiesce(t *testing.T, j *Job, c *reg.Center) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for quiet := time.Now(); time.Since(quiet) < 500*time.Millisecond; time.Sleep(20 * time.Millisecond) {
		if ok, _ := c.Exists(nodepath.ShardingNecessary(j.name)); !ok {
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: a resharding still pending after 10s", j.name)
		}
		waitIdle(t, j) // a trigger during a run is dropped
		must(t, j.TriggerAll())
		quiet = time.Now()
	}
	waitIdle(t, j)
}

// waitSharded shards j, a job of one instance that the test drives, once its cache holds the
// instance (as the leader, once elected), and waits until the cache holds all items as its own.
func waitSharded(t *testing.T, j *Job, items int) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, func() bool {
		j.shardIfNecessary()
		return len(j.localItems(items)) == items && !j.exists(nodepath.ShardingNecessary(j.name))
	}, "job %s sharded", j.name)
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// get reads a node's data ("" when it cannot).
func get(c *reg.Center, path string) string {
	v, _ := c.Get(path)
	return v
}

// drivenJob registers a job of items items, every second with failover (make-up on), on one
// instance of an embedded cluster, unscheduled and sharded: the test drives its fires.
func drivenJob(t *testing.T, name string, items int) (*instance, *Job, *recorder) {
	t.Helper()
	a := newEmbeddedCluster(t, 2*time.Second).start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration(name, items)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	j := a.register(t, cfg, rec)
	waitSharded(t, j, items)
	return a, j, rec
}

// runOnceAlone runs one cron fire of j as fire() would, without settling debts or failovers.
func runOnceAlone(t *testing.T, j *Job, fire time.Time) {
	t.Helper()
	if !j.begin() {
		t.Fatal("job busy")
	}
	defer j.end()
	must(t, j.runOnce(fire, false, nil))
}

// runsByFire is rec.byFire keyed by the fire's Unix milliseconds (comparable across clocks).
func runsByFire(rec *recorder) map[string]map[int][]string {
	out := map[string]map[int][]string{}
	for f, items := range rec.byFire() {
		out[ms(f)] = items
	}
	return out
}

// go-zookeeper replaces an expired session on its own, before the engine sees the loss and
// registers again. What happens in between belongs to the lost session, whose items the
// survivors serve: a fire taken then is dropped, and its misfires and debts are not run in the
// new session, neither before the instance registers again nor after.
func TestFiresBetweenASessionsLossAndReRegistrationAreTheSurvivors(t *testing.T) {
	a, j, rec := drivenJob(t, "gapJob", 2)
	current := j.session()
	lost := current + 1 // registered in a session that the client has replaced meanwhile
	setRegistered := func(s int64) {
		j.mu.Lock()
		j.registeredSession = s
		j.mu.Unlock()
	}
	setRegistered(lost)
	fire := time.Now().Truncate(time.Second).Add(-10 * time.Second)
	j.setMisfire([]int{0, 1}, fire)    // a cron fire found the paused process's run still going
	j.owe(lost, fire.Add(time.Second)) // a fire the suspension skipped
	j.fire(kindCron, fire.Add(2*time.Second))
	if runs := rec.all(); len(runs) != 0 {
		t.Fatalf("runs before re-registration: %v", runs)
	}
	setRegistered(current) // registered again
	next := fire.Add(3 * time.Second)
	j.fire(kindCron, next)
	if got, want := runsByFire(rec), (map[string]map[int][]string{ms(next): {0: {a.id}, 1: {a.id}}}); !reflect.DeepEqual(got, want) {
		t.Fatalf("runs by fire %v, want only the fire after re-registration %v", got, want)
	}
}

// A fire that finds the session suspended once it is on its way (the state event came meanwhile,
// or while an owed fire was being made up) is owed to the session, not dropped: when the
// session comes back, the next fire makes it up.
func TestFireThatFindsTheSessionSuspendedIsOwed(t *testing.T) {
	a, j, rec := drivenJob(t, "owedJob", 2)
	fire := time.Now().Truncate(time.Second).Add(-10 * time.Second)
	a.rt.suspendedIn.Store(j.session())
	a.rt.paused.Store(true)
	runOnceAlone(t, j, fire)
	if runs := rec.all(); len(runs) != 0 {
		t.Fatalf("runs while suspended: %v", runs)
	}
	a.rt.suspendedIn.Store(0) // reconnected, same session
	a.rt.paused.Store(false)
	next := fire.Add(time.Second)
	j.fire(kindCron, next)
	if got, want := runsByFire(rec), (map[string]map[int][]string{ms(fire): {0: {a.id}, 1: {a.id}}, ms(next): {0: {a.id}, 1: {a.id}}}); !reflect.DeepEqual(got, want) {
		t.Fatalf("runs by fire %v, want the owed fire made up with the next %v", got, want)
	}
	// The make-up was a catch-up run: the started record stays at the newer fire.
	for i := range 2 {
		if v, want := get(a.center, nodepath.Item("owedJob", i)), ms(next)+","+a.id; v != want {
			t.Fatalf("item %d: started record %s, want %s", i, v, want)
		}
	}
}
