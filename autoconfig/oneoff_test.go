package autoconfig

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// itemLog records which instance ran which item.
type itemLog struct {
	mu   sync.Mutex
	runs []string // "instance:item"
}

func (l *itemLog) job(instance func() string) starter.SimpleJob {
	return starter.SimpleJobFunc(func(_ context.Context, sc starter.ShardingContext) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.runs = append(l.runs, fmt.Sprintf("%s:%d", instance(), sc.ShardingItem))
		return nil
	})
}

func (l *itemLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.runs)
}

// onceCounter counts the calls of a wrapped distribute-once listener, all instances together.
type onceCounter struct {
	mu            sync.Mutex
	before, after int
}

func (c *onceCounter) BeforeJobExecuted(context.Context, starter.ShardingContexts) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.before++
	return nil
}

func (c *onceCounter) AfterJobExecuted(context.Context, starter.ShardingContexts) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.after++
	return nil
}

func (c *onceCounter) counts() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.before, c.after
}

// A one-off job executed through the fx application's OneOffJobs runs once on every live
// instance — the application's and two plain-Go instances, each with its own session — and on
// none twice; its distribute-once listener, declared to fx as a ListenerDefinition and to the
// others with WithDistributeOnceListener, runs once before and once after, across all three.
func TestOneOffJobRunsOnceOnEveryInstance(t *testing.T) {
	servers := zktest.Servers(t)
	inTempDir(t, nil)
	ns := fmt.Sprintf("autoconfig-oneoff-%d", time.Now().UnixNano())
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", servers)
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", ns)
	t.Setenv("ELASTICJOB_REGCENTER_SESSIONTIMEOUTMILLISECONDS", "4000")
	const class = "example.com/shop/jobs.Report"
	log := &itemLog{}
	once := &onceCounter{}
	var registry *Registry
	var oneOff *OneOffJobs
	appID := func() string { return registry.Center().InstanceID() }
	app := startApp(t, Module, provideJobs(
		[]starter.JobDefinition{
			{Name: "report", Class: class, Settings: map[string]string{"shardingTotalCount": "3"}, Job: log.job(appID)},
			everySecond("ticker", "1"),
		},
		starter.ListenerDefinition{Job: "report", Listener: once, DistributeOnce: true, StartedTimeout: 20 * time.Second, CompletedTimeout: 20 * time.Second},
	), fx.Populate(&registry, &oneOff))
	defer app.RequireStop()

	ids := []string{appID()}
	quiet := starter.WithLogger(slog.New(slog.DiscardHandler))
	for _, id := range []string{"10.0.0.2@-@202", "10.0.0.3@-@203"} {
		rc, err := starter.NewRegistryCenter(context.Background(),
			starter.RegistryCenterConfig{ServerLists: servers, Namespace: ns, SessionTimeout: 4 * time.Second},
			starter.WithInstanceID(id), quiet)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = rc.Close(ctx)
		}()
		_, err = starter.NewOneOffJobBootstrap(rc, log.job(func() string { return id }), starter.NewJobConfiguration("report", 3),
			starter.WithJobClassName(class), starter.WithDistributeOnceListener(once, 20*time.Second, 20*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}

	if err := oneOff.Execute("report"); err != nil {
		t.Fatal(err)
	}
	// The barriers' timeouts (20 s) are far above how long the three take to meet on a loaded
	// machine, so that a slow instance delays the callbacks instead of making them time out.
	testkit.Eventually(t, 30*time.Second, func() bool { return len(log.all()) >= 3 }, "three runs")
	testkit.Eventually(t, 30*time.Second, func() bool { _, a := once.counts(); return a >= 1 }, "the distribute-once after callback")
	time.Sleep(1500 * time.Millisecond) // a second run anywhere would show by now
	runs := log.all()
	if len(runs) != 3 {
		t.Fatalf("runs %v, want one per instance", runs)
	}
	for _, id := range ids {
		n := 0
		for _, r := range runs {
			if len(r) > len(id) && r[:len(id)+1] == id+":" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("instance %s ran %d items (runs %v), want 1", id, n, runs)
		}
	}
	if b, a := once.counts(); b != 1 || a != 1 {
		t.Errorf("distribute-once listener: before %d, after %d; want 1 and 1", b, a)
	}
	if got := oneOff.Names(); !slices.Equal(got, []string{"report"}) {
		t.Errorf("one-off jobs %v", got)
	}
	for name, want := range map[string]string{
		"nope":   `elasticjob: no one-off job "nope": one-off jobs are report`,
		"ticker": `elasticjob: job "ticker" is scheduled (cron "* * * * * ?"), not a one-off job`,
	} {
		if err := oneOff.Execute(name); err == nil || err.Error() != want {
			t.Errorf("Execute(%q) = %v, want %s", name, err, want)
		}
	}
	app.RequireStop()
	want := `elasticjob: one-off job "report" is not registered: the application has not started, is still registering its jobs (see /readyz) or has stopped`
	if err := oneOff.Execute("report"); err == nil || err.Error() != want {
		t.Errorf("Execute after stop = %v, want %s", err, want)
	}
}

// Before the application starts there is nothing to trigger.
func TestOneOffJobsBeforeStart(t *testing.T) {
	inTempDir(t, nil)
	var oneOff *OneOffJobs
	app := fx.New(Module, provideJobs([]starter.JobDefinition{everySecond("ticker", "1")}), fx.Populate(&oneOff), fx.NopLogger)
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	want := `elasticjob: no one-off job "report": the application has no one-off jobs`
	if err := oneOff.Execute("report"); err == nil || err.Error() != want {
		t.Errorf("Execute = %v, want %s", err, want)
	}
}
