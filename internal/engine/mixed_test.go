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
	want := `engine: job conflict with register center: /javaFirstJob holds class "JavaPeer$LedgerJob", this job is "example.com/bar/jobs.MixedJob"; to share the job with the instances that recorded it (ElasticJob ones: their Java class), set the job's jobClassName (directive or YAML key; starter.WithJobClassName) to "JavaPeer$LedgerJob"`
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
