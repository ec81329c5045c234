package engine

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
)

// A failover taker that crashes while running the item it took: the item is re-queued (its
// running node deleted, 3.0.5's fix) and run by a survivor; nothing stays stuck.
func TestCrashedFailoverTakerIsRecovered(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("takerJob", 2)
	cfg.Cron = never
	cfg.Failover = true
	rec := &recorder{}
	lis := &listener{}
	a := cl.start("10.0.0.1", 100)
	ja, err := a.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: rec.runner(a.id), Listeners: []jobapi.Listener{lis}})
	must(t, err)
	ja.Schedule()

	// X took item 1 over and is running it; then X's session ends.
	x := cl.connect()
	xID := InstanceID("10.0.0.7", 700)
	must(t, x.Persist("/takerJob/servers/10.0.0.7", "ENABLED"))
	must(t, x.CreateEphemeral("/takerJob/instances/"+xID, nodedata.MarshalInstance(nodedata.Instance{JobInstanceID: xID, ServerIP: "10.0.0.7"})))
	must(t, x.Persist("/takerJob/sharding/1/failovering", xID))
	must(t, x.Persist("/takerJob/sharding/1/running", xID))
	testkit.Eventually(t, 5*time.Second, func() bool { _, ok := ja.cached("/takerJob/sharding/1/failovering"); return ok }, "cache sees X's claim")
	must(t, x.Close())

	testkit.Eventually(t, 5*time.Second, func() bool {
		return ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 1 && r.instance == a.id }) == 1
	}, "item 1 re-run by the survivor")
	assertNothingStuck(t, a.center, "takerJob", 2)
	// Listeners saw the failover run, before and after.
	testkit.Eventually(t, 2*time.Second, func() bool { return len(lis.calls()) == 2 }, "listener calls %v", lis.calls())
	for k, want := range []string{"before", "after"} {
		c := lis.calls()[k]
		if c.phase != want || c.scs.TaskID != "takerJob@-@1@-@READY@-@"+a.id || len(c.scs.ShardingItemParameters) != 1 || c.scs.ShardingTotalCount != 2 {
			t.Fatalf("listener call %d: %+v", k, c)
		}
	}
}

// Whole-cluster restart after a crash: persistent running and failovering nodes of instances
// that no longer exist are queued and run when instances start again (also when two start,
// the case 3.0.4 leaves stuck).
func TestStaleRunningNodesAfterAClusterRestart(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("restartJob", 3)
	cfg.Cron = never
	cfg.Failover = true
	c := cl.connect()
	defer c.Close()
	must(t, c.Persist("/restartJob/config", nodedata.MarshalJobConfig(cfg)))
	must(t, c.Persist("/restartJob", "com.example.TestJob"))
	dead1, dead2 := InstanceID("10.0.0.8", 800), InstanceID("10.0.0.9", 900)
	must(t, c.Persist("/restartJob/sharding/0/instance", dead1))
	must(t, c.Persist("/restartJob/sharding/0/running", dead1))
	must(t, c.Persist("/restartJob/sharding/2/instance", dead2))
	must(t, c.Persist("/restartJob/sharding/2/running", dead2))
	must(t, c.Persist("/restartJob/sharding/2/failovering", dead2))

	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	var wg sync.WaitGroup
	for _, in := range []*instance{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j, err := in.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: rec.runner(in.id)})
			if err != nil {
				t.Error(err)
				return
			}
			j.Schedule()
		}()
	}
	wg.Wait()
	testkit.Eventually(t, 10*time.Second, func() bool {
		return ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 0 }) == 1 &&
			ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 2 }) == 1
	}, "stale items 0 and 2 run once each; runs %v", testkit.Later[[]run](rec.all))
	assertNothingStuck(t, a.center, "restartJob", 3)
}

// Static sharding keeps the assignment when an instance joins and when the owner (the leader)
// leaves; a count change still reshards.
func TestStaticSharding(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("staticJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.StaticSharding = true
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	a.register(t, cfg, rec).Schedule()
	waitFullFireWith(t, rec, time.Now(), map[string][]int{a.id: {0, 1}})
	b := cl.start("10.0.0.2", 200)
	b.register(t, cfg, rec).Schedule()
	waitFires(t, rec, time.Now().Add(time.Second), 2)
	waitFullFireWith(t, rec, time.Now(), map[string][]int{a.id: {0, 1}})
	// The owner and leader leaves: B leads but the assignment stays.
	a.close()
	testkit.Eventually(t, 5*time.Second, func() bool { v, _ := b.center.Get("/staticJob/leader/election/instance"); return v == b.id }, "B leads")
	time.Sleep(1500 * time.Millisecond) // a fire passes: nothing may change during it
	if got := assignment(t, b.center, "staticJob", 2); !sameAssignment(got, map[string][]int{a.id: {0, 1}}) {
		t.Fatalf("static assignment changed to %v", got)
	}
	for _, r := range rec.all() {
		if r.instance == b.id {
			t.Fatalf("B ran item %d of a static assignment it does not own", r.sc.ShardingItem)
		}
	}
	cfg.ShardingTotalCount = 4
	writeConfig(t, b.center, cfg)
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0, 1, 2, 3}})
}

// Reconcile asks for a resharding when an item's owner is gone; maxTimeDiffSeconds reports a
// clock difference to the error handler and the run goes on; an operator deleting the instance
// node shuts the job down on that instance only.
func TestReconcileClockCheckAndOperatorShutdown(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("recJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.MaxTimeDiffSeconds = 0
	rec := &recorder{}
	var mu sync.Mutex
	var errs []string
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	var jobs []*Job
	for _, in := range []*instance{a, b} {
		j, err := in.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: rec.runner(in.id),
			ErrorHandler: func(job string, err error) error {
				mu.Lock()
				errs = append(errs, job+": "+err.Error())
				mu.Unlock()
				return nil
			}})
		must(t, err)
		j.Schedule()
		jobs = append(jobs, j)
	}
	ja := jobs[0]
	want := map[string][]int{b.id: {0}, a.id: {1}}
	waitFullFireWith(t, rec, time.Now(), want)
	mu.Lock()
	if len(errs) == 0 || !strings.Contains(errs[0], "recJob: time different between job server and register center exceed '0' seconds, max time different is '0' seconds") {
		t.Fatalf("clock errors %q", errs)
	}
	mu.Unlock()

	// Someone rewrites an owner to a dead instance without asking for a resharding.
	must(t, a.center.Update("/recJob/sharding/0/instance", "10.0.0.9@-@900"))
	testkit.Eventually(t, 3*time.Second, func() bool { v, _ := ja.cached("/recJob/sharding/0/instance"); return v == "10.0.0.9@-@900" }, "cache sees the bad owner")
	for _, j := range jobs { // only the leader's request counts
		j.reconcile(time.Now().Add(time.Hour))
	}
	waitFullFireWith(t, rec, time.Now(), want)

	// The operator shuts B down.
	must(t, a.center.Remove("/recJob/instances/"+b.id))
	testkit.Eventually(t, 5*time.Second, func() bool { _, ok := b.rt.Job("recJob"); return !ok }, "B's job shut down")
	waitFullFireWith(t, rec, time.Now(), map[string][]int{a.id: {0, 1}})
	if ok, _ := a.center.Exists("/recJob/instances/" + b.id); ok {
		t.Fatal("B's instance node came back")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type listenerCall struct {
	phase string
	scs   jobapi.ShardingContexts
}

type listener struct {
	mu sync.Mutex
	cs []listenerCall
}

func (l *listener) record(phase string, scs jobapi.ShardingContexts) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cs = append(l.cs, listenerCall{phase, scs})
	return nil
}

func (l *listener) BeforeJobExecuted(_ context.Context, scs jobapi.ShardingContexts) error {
	return l.record("before", scs)
}

func (l *listener) AfterJobExecuted(_ context.Context, scs jobapi.ShardingContexts) error {
	return l.record("after", scs)
}

func (l *listener) calls() []listenerCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]listenerCall(nil), l.cs...)
}

// A running node left by an instance that is gone, which no crash handling queued (here it
// appears after the crash, as when the crash fell in a reconnection): the leader, waiting for
// running items before a resharding, releases it instead of waiting forever, and the job runs
// again — its item failed over, the others at their next fire.
func TestLeaderWaitingForReshardingReleasesAGoneInstancesRunningNode(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cl.reconcileEvery = time.Hour // the reconcile pass, which would also release it, stays out
	cfg := jobapi.NewJobConfiguration("orphanJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	ja := a.register(t, cfg, rec)
	ja.Schedule()
	testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) >= 2 }, "first runs")

	c := cl.connect()
	defer c.Close()
	gone := InstanceID("10.0.0.9", 900)
	must(t, c.Persist("/orphanJob/sharding/1/running", gone))
	must(t, c.Persist("/orphanJob/leader/sharding/necessary", ""))
	injected := time.Now()

	testkit.Eventually(t, 10*time.Second, func() bool {
		ok, _ := c.Exists("/orphanJob/sharding/1/running")
		return !ok && ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 1 && r.start.After(injected) }) >= 1 &&
			ranCount(rec, func(r run) bool { return r.sc.ShardingItem == 0 && r.start.After(injected) }) >= 1
	}, "the orphaned running node is released and both items run again")
	assertNothingStuck(t, a.center, "orphanJob", 2)
}
