package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/javapeer"
	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// Go instances beside peers that behave in ZooKeeper as ElasticJob-Lite 3.0.4 instances do
// (package javapeer): they record no fire in sharding/{item}, queue failover items with empty
// data, and record their Java class in /{job}.

const javaClass = "JavaPeer$LedgerJob"

// ledger is every item run of a mixed cluster, Go's and the peers'.
type ledger struct {
	mu   sync.Mutex
	runs []ledgerRun
	// hold, when set, makes a matching peer item wait for its context (a run in progress).
	hold func(r javapeer.Run, instance string) bool
	held chan javapeer.Run
}

type ledgerRun struct {
	instance string
	item     int
	fire     time.Time // zero: a peer run without fire time (failover, trigger)
	source   string    // "go", "java", "java-failover"
	at       time.Time
}

func newLedger() *ledger { return &ledger{held: make(chan javapeer.Run, 8)} }

func (l *ledger) add(r ledgerRun) {
	l.mu.Lock()
	l.runs = append(l.runs, r)
	l.mu.Unlock()
}

func (l *ledger) all() []ledgerRun {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.runs)
}

// goRunner records a Go instance's items.
func (l *ledger) goRunner(id string) ItemRunner {
	return runnerFunc(func(ctx context.Context, sc jobapi.ShardingContext) error {
		l.add(ledgerRun{instance: id, item: sc.ShardingItem, fire: sc.FireTime, source: "go", at: time.Now()})
		return nil
	})
}

// javaRunner records a peer's items; a held one waits for the peer's end and is not recorded
// (it never completes).
func (l *ledger) javaRunner(id string) func(ctx context.Context, r javapeer.Run) {
	return func(ctx context.Context, r javapeer.Run) {
		l.mu.Lock()
		hold := l.hold != nil && l.hold(r, id)
		l.mu.Unlock()
		if hold {
			l.held <- r
			<-ctx.Done()
			return
		}
		src := "java"
		if r.Failover {
			src = "java-failover"
		}
		l.add(ledgerRun{instance: id, item: r.Item, fire: r.Fire, source: src, at: time.Now()})
	}
}

// assertOnce fails on any (fire, item) that ran twice.
func (l *ledger) assertOnce(t *testing.T) {
	t.Helper()
	seen := map[string][]string{}
	for _, r := range l.all() {
		if r.fire.IsZero() {
			continue
		}
		k := fmt.Sprintf("fire %s item %d", r.fire.UTC().Format("15:04:05.000"), r.item)
		seen[k] = append(seen[k], r.instance+"/"+r.source)
	}
	for k, by := range seen {
		if len(by) > 1 {
			t.Errorf("%s ran %d times: %v", k, len(by), by)
		}
	}
}

// ranAfter says whether instance ran item with a fire after t.
func (l *ledger) ranAfter(instance string, item int, t time.Time) bool {
	for _, r := range l.all() {
		if r.instance == instance && r.item == item && r.fire.After(t) {
			return true
		}
	}
	return false
}

// startPeer starts a peer on its own session.
func (cl *cluster) startPeer(t *testing.T, cfg jobapi.JobConfiguration, l *ledger, ip string, pid int) *javapeer.Peer {
	t.Helper()
	c := cl.connect()
	id := InstanceID(ip, pid)
	p, err := javapeer.Start(javapeer.Options{Center: c, IP: ip, PID: pid, Class: javaClass, Config: cfg, RunItem: l.javaRunner(id), Logger: testLog})
	if err != nil {
		_ = c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Shutdown()
		_ = c.Close()
	})
	return p
}

// registerGo registers the job on a Go instance under the Java class name and schedules it.
func (in *instance) registerGo(t *testing.T, cfg jobapi.JobConfiguration, l *ledger) *Job {
	t.Helper()
	j, err := in.rt.Register(Spec{Config: cfg, ClassName: javaClass, Runner: l.goRunner(in.id)})
	if err != nil {
		t.Fatal(err)
	}
	j.Schedule()
	return j
}

func mixedConfig(name string, items int) jobapi.JobConfiguration {
	cfg := jobapi.NewJobConfiguration(name, items)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	return cfg
}

// waitOwners waits until every item has an owner and owners says so.
func waitOwners(t *testing.T, in *instance, job string, total int, what string, owners func(map[string][]int) bool) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, func() bool {
		a := assignment(t, in.center, job, total)
		n := 0
		for _, items := range a {
			n += len(items)
		}
		return n == total && owners(a)
	}, "%s: assignment %v", what, assignment(t, in.center, job, total))
}

// Either start order: the class each side records conflicts, in words that say what resolves
// it; with the Java class name as the Go job's class, both share the job.
func TestMixedClusterSharesTheJobUnderTheJavaClassName(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	l := newLedger()

	cfg := mixedConfig("javaFirstJob", 2)
	cl.startPeer(t, cfg, l, "10.0.1.1", 11)
	a := cl.start("10.0.0.1", 100)
	_, err := a.rt.Register(Spec{Config: cfg, ClassName: "example.com/bar/jobs.MixedJob", Runner: l.goRunner(a.id)})
	want := `engine: job conflict with register center: /` + cl.ns + `/javaFirstJob holds class "JavaPeer$LedgerJob", this job is "example.com/bar/jobs.MixedJob"; to share the job with the instances that recorded it (ElasticJob ones: their Java class), set the job's jobClassName (directive or YAML key; starter.WithJobClassName) to "JavaPeer$LedgerJob"`
	if err == nil || err.Error() != want {
		t.Fatalf("Go after Java: %v\nwant %s", err, want)
	}

	cfg = mixedConfig("goFirstJob", 2)
	b := cl.start("10.0.0.2", 200)
	if _, err := b.rt.Register(Spec{Config: cfg, ClassName: "example.com/bar/jobs.MixedJob", Runner: l.goRunner(b.id)}); err != nil {
		t.Fatal(err)
	}
	c := cl.connect()
	t.Cleanup(func() { _ = c.Close() })
	_, err = javapeer.Start(javapeer.Options{Center: c, IP: "10.0.1.2", PID: 12, Class: javaClass, Config: cfg, RunItem: l.javaRunner("x"), Logger: testLog})
	want = `JobConfigurationException: Job conflict with register center. The job 'goFirstJob' in register center's class is 'example.com/bar/jobs.MixedJob', your job class is 'JavaPeer$LedgerJob'`
	if err == nil || err.Error() != want {
		t.Fatalf("Java after Go: %v\nwant %s", err, want)
	}

	// Shared: the Go instance records the Java class; a Java peer joins, both run their items.
	l = newLedger()
	cfg = mixedConfig("sharedJob", 2)
	g := cl.start("10.0.0.3", 300)
	g.registerGo(t, cfg, l)
	p := cl.startPeer(t, cfg, l, "10.0.1.3", 13)
	if v, _ := g.center.Get(nodepath.Job("sharedJob")); v != javaClass {
		t.Fatalf("/sharedJob holds %q, want %q", v, javaClass)
	}
	waitOwners(t, g, "sharedJob", 2, "one item each", func(a map[string][]int) bool { return len(a[g.id]) == 1 && len(a[p.ID()]) == 1 })
	now := time.Now()
	testkit.Eventually(t, 20*time.Second, func() bool {
		a := assignment(t, g.center, "sharedJob", 2)
		return len(a[g.id]) == 1 && len(a[p.ID()]) == 1 && l.ranAfter(g.id, a[g.id][0], now) && l.ranAfter(p.ID(), a[p.ID()][0], now)
	}, "both run their item")
	l.assertOnce(t)
}

// Items move both ways between Go instances and Java peers (a peer joins and leaves, a Go
// instance joins, a Go server is disabled and enabled again): every (fire, item) runs at most
// once. A Go instance given items back from a peer finds its own old record on them, which
// proves nothing about the fires the peer ran meanwhile: it makes none up.
func TestMixedClusterHandOversRunEveryFireOnce(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	l := newLedger()
	cfg := mixedConfig("handJob", 4)
	a := cl.start("10.0.0.1", 100)
	a.registerGo(t, cfg, l)
	ranAll := func(who string, since time.Time, items ...int) bool {
		for _, i := range items {
			if !l.ranAfter(who, i, since) {
				return false
			}
		}
		return true
	}
	settle := func(what string, owners func(map[string][]int) bool) {
		t.Helper()
		waitOwners(t, a, "handJob", 4, what, owners)
		since := time.Now()
		testkit.Eventually(t, 20*time.Second, func() bool {
			for who, items := range assignment(t, a.center, "handJob", 4) {
				if !ranAll(who, since.Add(time.Second), items...) {
					return false
				}
			}
			return true
		}, "%s: every owner runs its items two fires on; runs %v", what, testkit.Later[[]ledgerRun](l.all))
	}
	settle("Go alone", func(o map[string][]int) bool { return len(o[a.id]) == 4 })

	j1 := cl.startPeer(t, cfg, l, "10.0.1.1", 11)
	settle("a peer joined", func(o map[string][]int) bool { return len(o[j1.ID()]) == 2 })
	j1.Shutdown() // Java to Go
	settle("the peer left", func(o map[string][]int) bool { return len(o[a.id]) == 4 })

	b := cl.start("10.0.0.2", 200)
	b.registerGo(t, cfg, l)
	j2 := cl.startPeer(t, cfg, l, "10.0.1.2", 12)
	settle("a Go instance and a peer joined", func(o map[string][]int) bool { return len(o) == 3 })

	must(t, a.center.Update(nodepath.Server("handJob", "10.0.0.1"), "DISABLED")) // Go to Java and Go
	settle("Go server disabled", func(o map[string][]int) bool { return len(o[a.id]) == 0 && len(o[j2.ID()]) > 0 })
	must(t, a.center.Update(nodepath.Server("handJob", "10.0.0.1"), "ENABLED")) // back to Go
	settle("Go server enabled", func(o map[string][]int) bool { return len(o[a.id]) > 0 })

	l.assertOnce(t)
}

// A disabled item's fires are skipped, not missed: once enabled, none of them runs, on a Go
// owner beside a Java peer.
func TestMixedClusterDisabledItemIsNotMadeUp(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	l := newLedger()
	cfg := mixedConfig("disJob", 2)
	a := cl.start("10.0.0.1", 100)
	a.registerGo(t, cfg, l)
	p := cl.startPeer(t, cfg, l, "10.0.1.1", 11)
	waitOwners(t, a, "disJob", 2, "one item each", func(o map[string][]int) bool { return len(o[a.id]) == 1 && len(o[p.ID()]) == 1 })
	item := assignment(t, a.center, "disJob", 2)[a.id][0]
	since := time.Now()
	testkit.Eventually(t, 20*time.Second, func() bool { return l.ranAfter(a.id, item, since.Add(time.Second)) }, "Go runs item %d", item)

	must(t, a.center.Persist(nodepath.ItemDisabled("disJob", item), ""))
	disabled := time.Now()
	time.Sleep(3500 * time.Millisecond)
	enabling := time.Now()
	must(t, a.center.Remove(nodepath.ItemDisabled("disJob", item)))
	testkit.Eventually(t, 20*time.Second, func() bool { return l.ranAfter(a.id, item, enabling.Add(time.Second)) }, "Go runs item %d again", item)
	time.Sleep(1500 * time.Millisecond)

	for _, r := range l.all() {
		if r.item == item && r.fire.After(disabled.Add(time.Second)) && r.fire.Before(enabling) {
			t.Errorf("%s ran item %d of fire %s, skipped while the item was disabled (%s to %s)", r.instance, item,
				r.fire.UTC().Format("15:04:05.000"), disabled.UTC().Format("15:04:05.000"), enabling.UTC().Format("15:04:05.000"))
		}
	}
	l.assertOnce(t)
}

// A cron change from once a year to every 3 s, with items changing hands at the first fire of
// the new cron (a Go instance and a Java peer joined meanwhile): no make-up runs a fire that the
// cron in force at the time never scheduled.
func TestMixedClusterCronChangeIsNotMadeUp(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	l := newLedger()
	cfg := mixedConfig("cronJob", 4)
	cfg.Cron = "0 0 0 1 1 ?"
	a := cl.start("10.0.0.1", 100)
	ja := a.registerGo(t, cfg, l)
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 20*time.Second, func() bool { return len(l.all()) == 4 }, "the trigger runs every item")
	b := cl.start("10.0.0.2", 200)
	b.registerGo(t, cfg, l)
	cl.startPeer(t, cfg, l, "10.0.1.1", 11)
	time.Sleep(3500 * time.Millisecond) // the new cron's fire before its first is after the trigger's

	cfg.Cron = "0/3 * * * * ?"
	changing := time.Now()
	must(t, a.center.Update(nodepath.Config("cronJob"), marshalConfig(cfg)))
	testkit.Eventually(t, 30*time.Second, func() bool {
		seen := map[int]bool{}
		for _, r := range l.all() {
			if r.fire.After(changing.Add(3 * time.Second)) {
				seen[r.item] = true
			}
		}
		return len(seen) == 4
	}, "every item runs under the new cron; runs %v", testkit.Later[[]ledgerRun](l.all))
	for _, r := range l.all()[4:] {
		if r.fire.Before(changing) {
			t.Errorf("%s ran item %d of fire %s, before the cron change (%s): the old cron never scheduled it", r.instance, r.item,
				r.fire.UTC().Format("15:04:05.000"), changing.UTC().Format("15:04:05.000"))
		}
	}
	l.assertOnce(t)
}

// Failover both ways. A Java peer crashes running an item: a Go survivor runs it with the fire
// the peer was serving, and makes nothing up for the peer's detection window (a peer records no
// fire: nothing proves a miss). A Go instance crashes running an item: the peer, alone left,
// queues it as ElasticJob does (empty data) and runs it.
func TestMixedClusterFailoverBothWays(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	l := newLedger()
	cfg := mixedConfig("foJob", 2)
	a := cl.start("10.0.0.1", 100)
	a.registerGo(t, cfg, l)
	l.hold = func(r javapeer.Run, instance string) bool {
		return instance == InstanceID("10.0.1.1", 11) && !r.Fire.IsZero()
	}
	j := cl.startPeer(t, cfg, l, "10.0.1.1", 11)
	var held javapeer.Run
	select {
	case held = <-l.held:
	case <-time.After(20 * time.Second):
		t.Fatal("the peer never ran an item")
	}
	l.mu.Lock()
	l.hold = nil
	l.mu.Unlock()
	time.Sleep(2500 * time.Millisecond) // fires the peer drops while its item runs
	j.Crash()
	crashed := time.Now()
	testkit.Eventually(t, 20*time.Second, func() bool {
		for _, r := range l.all() {
			if r.instance == a.id && r.item == held.Item && r.fire.Equal(held.Fire) {
				return true
			}
		}
		return false
	}, "Go runs the peer's item %d of fire %v", held.Item, held.Fire)
	testkit.Eventually(t, 20*time.Second, func() bool { return l.ranAfter(a.id, held.Item, crashed.Add(time.Second)) }, "Go owns item %d", held.Item)
	for _, r := range l.all() {
		if r.item == held.Item && r.fire.After(held.Fire) && r.fire.Before(crashed) {
			t.Errorf("%s ran item %d of fire %s, in the crashed peer's detection window: nothing proves the peer missed it", r.instance, r.item, r.fire.UTC().Format("15:04:05.000"))
		}
	}
	l.assertOnce(t)

	// Go to Java: the Go instance's items hold; it crashes; the peer takes them over.
	l2 := newLedger()
	cfg = mixedConfig("foBackJob", 2)
	x := cl.start("10.0.0.2", 200)
	hold := make(chan jobapi.ShardingContext, 2)
	jx, err := x.rt.Register(Spec{Config: cfg, ClassName: javaClass, Runner: runnerFunc(func(ctx context.Context, sc jobapi.ShardingContext) error {
		hold <- sc
		<-ctx.Done()
		return nil
	})})
	must(t, err)
	jx.Schedule()
	var running jobapi.ShardingContext
	select {
	case running = <-hold:
	case <-time.After(20 * time.Second):
		t.Fatal("the Go instance never ran an item")
	}
	p := cl.startPeer(t, cfg, l2, "10.0.1.2", 12)
	time.Sleep(500 * time.Millisecond)
	must(t, x.center.Close()) // killed
	testkit.Eventually(t, 20*time.Second, func() bool {
		for _, r := range l2.all() {
			if r.instance == p.ID() && r.item == running.ShardingItem && r.source == "java-failover" {
				return true
			}
		}
		return false
	}, "the peer fails item %d over; runs %v", running.ShardingItem, testkit.Later[[]ledgerRun](l2.all))
}

// A failover item queued by an ElasticJob instance carries no fire (empty data): the Go
// instance that claims it runs it with the latest fire of the cron not after the moment it was
// queued.
func TestFailoverItemQueuedWithoutAFireGetsTheLatestFireBeforeItWasQueued(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	cfg := jobapi.NewJobConfiguration("emptyQueueJob", 2)
	cfg.Cron = "0/5 * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	a.register(t, cfg, rec).Schedule()
	waitOwners(t, a, "emptyQueueJob", 2, "Go owns both items", func(o map[string][]int) bool { return len(o[a.id]) == 2 })
	before := time.Now()
	must(t, a.center.Persist(nodepath.FailoverItem("emptyQueueJob", 1), "")) // as ElasticJob queues it
	after := time.Now()
	var got run
	testkit.Eventually(t, 20*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.sc.TaskID == "emptyQueueJob@-@1@-@READY@-@"+a.id {
				got = r
				return true
			}
		}
		return false
	}, "the queued item runs; runs %v", testkit.Later[[]run](rec.all))
	lo, hi := before.Truncate(5*time.Second), after.Truncate(5*time.Second)
	if f := got.sc.FireTime; f.Before(lo) || f.After(hi) || f.IsZero() {
		t.Fatalf("failover run of an item queued between %s and %s has FireTime %s; want the latest 5 s fire before its queueing",
			before.UTC().Format("15:04:05.000"), after.UTC().Format("15:04:05.000"), f.UTC().Format("15:04:05.000"))
	}
}
