package autoconfig

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// recordingJob records the contexts it runs; before, when set, is asked at every run.
type recordingJob struct {
	mu     sync.Mutex
	runs   []starter.ShardingContext
	before func() string
	notes  []string
}

func (j *recordingJob) Execute(_ context.Context, sc starter.ShardingContext) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.runs = append(j.runs, sc)
	if j.before != nil {
		j.notes = append(j.notes, j.before())
	}
	return nil
}

func (j *recordingJob) jobs() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var names []string
	for _, sc := range j.runs {
		if !slices.Contains(names, sc.JobName) {
			names = append(names, sc.JobName)
		}
	}
	slices.Sort(names)
	return names
}

// provideJobs is what an ejgen module does: job and listener definitions in their groups.
func provideJobs(defs []starter.JobDefinition, ls ...starter.ListenerDefinition) fx.Option {
	var opts []fx.Option
	for _, d := range defs {
		opts = append(opts, fx.Provide(fx.Annotate(func() starter.JobDefinition { return d }, fx.ResultTags(`group:"elasticjob.jobs"`))))
	}
	for _, l := range ls {
		opts = append(opts, fx.Provide(fx.Annotate(func() starter.ListenerDefinition { return l }, fx.ResultTags(`group:"elasticjob.listeners"`))))
	}
	return fx.Options(opts...)
}

func everySecond(name string, items string) starter.JobDefinition {
	return starter.JobDefinition{
		Name: name, Class: "example.com/shop/jobs." + strings.ToUpper(name[:1]) + name[1:],
		Settings: map[string]string{"cron": "* * * * * ?", "shardingTotalCount": items},
		Job:      &recordingJob{},
	}
}

func startApp(t *testing.T, opts ...fx.Option) *fxtest.App {
	t.Helper()
	app := fxtest.New(t, append(opts, fx.NopLogger)...)
	app.RequireStart()
	return app
}

// Building the application never connects to ZooKeeper: the graph validates and fx.New
// succeeds with an unreachable server; the connection is made (and fails) in OnStart.
func TestValidateAppWithoutZooKeeper(t *testing.T) {
	inTempDir(t, nil)
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", "127.0.0.1:1")
	t.Setenv("ELASTICJOB_REGCENTER_MAXSLEEPTIMEMILLISECONDS", "100")
	t.Setenv("ELASTICJOB_REGCENTER_MAXRETRIES", "2")
	jobs := provideJobs([]starter.JobDefinition{everySecond("validated", "1")})
	if err := fx.ValidateApp(Module, jobs); err != nil {
		t.Fatal(err)
	}
	var registry *Registry
	app := fx.New(Module, jobs, fx.Populate(&registry), fx.NopLogger)
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	if registry.Center() != nil {
		t.Fatal("connected before OnStart")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := app.Start(ctx)
	if want := "reg: no ZooKeeper session with 127.0.0.1:1 within 200ms"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("start error %v, want it to contain %q", err, want)
	}
}

// Configuration errors fail fx.New, all of them.
func TestModuleReportsConfigurationErrors(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  jobs:\n    validated:\n      misfire: often\n"})
	audit := &recordingListener{}
	app := fx.New(Module, provideJobs([]starter.JobDefinition{everySecond("validated", "1")},
		starter.ListenerDefinition{Job: "validated", Listener: audit, DistributeOnce: true},
		starter.ListenerDefinition{Job: "validated", DistributeOnce: true},
	), fx.NopLogger)
	err := app.Err()
	for _, want := range []string{
		`application.yaml: elasticjob.jobs.validated.misfire: "often" is not a bool`,
		`job "validated": distribute-once listener definition without a listener`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v\nwant it to contain %s", err, want)
		}
	}
}

func TestListenerErrors(t *testing.T) {
	inTempDir(t, nil)
	audit := &recordingListener{}
	_, err := provide(Params{
		Jobs: []starter.JobDefinition{everySecond("audited", "1")},
		Listeners: []starter.ListenerDefinition{
			{Job: "audited", Listener: audit, DistributeOnce: true},
			{Job: "missing", Listener: audit, Order: 1},
			{Job: "missingOnce", Listener: audit, DistributeOnce: true},
			{Job: "audited"},
			{Job: "audited", DistributeOnce: true},
		},
	})
	want := `job "missing": listener *autoconfig.recordingListener: no such job is declared in code or configuration
job "missingOnce": distribute-once listener *autoconfig.recordingListener: no such job is declared in code or configuration
job "audited": listener definition without a listener
job "audited": distribute-once listener definition without a listener`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
}

// recordingListener records the order listeners are called in.
type recordingListener struct {
	name  string
	mu    *sync.Mutex
	calls *[]string
}

func (l *recordingListener) BeforeJobExecuted(_ context.Context, scs starter.ShardingContexts) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.calls = append(*l.calls, "before "+l.name+" "+scs.JobName)
	return nil
}

func (l *recordingListener) AfterJobExecuted(context.Context, starter.ShardingContexts) error {
	return nil
}

// warmCache is a job's dependency that gets ready in its own OnStart hook.
type warmCache struct {
	mu    sync.Mutex
	ready bool
}

func (c *warmCache) state() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ready {
		return "ready"
	}
	return "cold"
}

// The jobs' OnStart hook runs after the OnStart hooks of the jobs' dependencies: a job never
// runs against a dependency that has not started.
func TestJobsStartAfterTheirDependencies(t *testing.T) {
	inTempDir(t, nil)
	job := &recordingJob{}
	app := startApp(t, Module,
		fx.Provide(func(lc fx.Lifecycle) *warmCache {
			c := &warmCache{}
			lc.Append(fx.StartHook(func() {
				time.Sleep(1500 * time.Millisecond) // past the next cron fire, were the jobs scheduled already
				c.mu.Lock()
				c.ready = true
				c.mu.Unlock()
			}))
			return c
		}),
		fx.Provide(fx.Annotate(func(c *warmCache) starter.JobDefinition {
			job.before = c.state
			return starter.JobDefinition{Name: "warm", Class: "example.com/shop/jobs.Warm",
				Settings: map[string]string{"cron": "* * * * * ?"}, Job: job}
		}, fx.ResultTags(`group:"elasticjob.jobs"`))),
	)
	defer app.RequireStop()
	testkit.Eventually(t, 10*time.Second, func() bool { job.mu.Lock(); defer job.mu.Unlock(); return len(job.notes) > 0 }, "a run")
	job.mu.Lock()
	defer job.mu.Unlock()
	if job.notes[0] != "ready" {
		t.Fatalf("first run saw the dependency %s", job.notes[0])
	}
}

// Jobs declared in YAML alone run: a SCRIPT job and a second job of a Go implementation;
// per-instance listeners run in their order.
func TestYAMLJobsAndListenersRun(t *testing.T) {
	dir := inTempDir(t, nil)
	out := filepath.Join(dir, "out")
	script := filepath.Join(dir, "backup.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" >> "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`
elasticjob:
  jobs:
    greeterEU:
      elasticJobClass: example.com/shop/jobs.Greeter
      cron: "* * * * * ?"
    backup:
      elasticJobType: SCRIPT
      cron: "* * * * * ?"
      props: {script.command.line: %q}
`, script)
	if err := os.WriteFile(filepath.Join(dir, "jobs.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(ConfigEnv, "jobs.yaml")
	greeter := everySecond("greeter", "1")
	var mu sync.Mutex
	var calls []string
	second := &recordingListener{name: "second", mu: &mu, calls: &calls}
	first := &recordingListener{name: "first", mu: &mu, calls: &calls}
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{greeter},
		starter.ListenerDefinition{Job: "greeter", Listener: second, Order: 2},
		starter.ListenerDefinition{Job: "greeter", Listener: first, Order: 1},
	))
	defer app.RequireStop()
	job := greeter.Job.(*recordingJob)
	testkit.Eventually(t, 10*time.Second, func() bool { return slices.Equal(job.jobs(), []string{"greeter", "greeterEU"}) }, "both jobs of the Go implementation run")
	testkit.Eventually(t, 10*time.Second, func() bool { b, _ := os.ReadFile(out); return strings.Contains(string(b), `"jobName":"backup"`) }, "the script job runs")
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"before first greeter", "before second greeter"}; !slices.Equal(calls[:2], want) {
		t.Fatalf("listener calls %v, want %v first", calls, want)
	}
}

// On a real ZooKeeper the module writes what ElasticJob writes: the class, the config YAML,
// the server and the instance; stopping removes the instance.
func TestZooKeeperTree(t *testing.T) {
	servers := zktest.Servers(t)
	inTempDir(t, nil)
	ns := fmt.Sprintf("autoconfig-tree-%d", time.Now().UnixNano())
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", servers)
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", ns)
	t.Setenv("ELASTICJOB_REGCENTER_SESSIONTIMEOUTMILLISECONDS", "4000")
	// jobClassName, set by a directive and overridden by the environment, is the class of /{job}.
	javaJob := everySecond("javaJob", "1")
	javaJob.Settings["jobClassName"] = "com.example.DirectiveName"
	t.Setenv("ELASTICJOB_JOBS_JAVAJOB_JOBCLASSNAME", "com.example.LedgerJob")
	var props *Properties
	var registry *Registry
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{everySecond("treeJob", "2"), javaJob}), fx.Populate(&props, &registry))
	stopped := false
	defer func() {
		if !stopped {
			app.RequireStop()
		}
	}()
	check, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	id := registry.Center().InstanceID()
	ip, _, _ := strings.Cut(id, "@-@")
	if cls, _ := check.Get("/treeJob"); cls != "example.com/shop/jobs.TreeJob" {
		t.Fatalf("/treeJob holds %q", cls)
	}
	if cls, _ := check.Get("/javaJob"); cls != "com.example.LedgerJob" {
		t.Fatalf("/javaJob holds %q, want the jobClassName of the environment", cls)
	}
	if got, want := must(check.Get("/treeJob/config")), nodedata.MarshalJobConfig(props.Jobs["treeJob"].Configuration("treeJob")); got != want {
		t.Fatalf("config node:\n%s\nwant:\n%s", got, want)
	}
	if got := must(check.Get("/treeJob/servers/" + ip)); got != "ENABLED" {
		t.Fatalf("servers/%s holds %q", ip, got)
	}
	if ok, _ := check.Exists("/treeJob/instances/" + id); !ok {
		t.Fatalf("no instances/%s", id)
	}
	app.RequireStop()
	stopped = true
	if ok, _ := check.Exists("/treeJob/instances/" + id); ok {
		t.Fatal("instance node left after stop")
	}
	if registry.Center() != nil {
		t.Fatal("registry still open after stop")
	}
}

func must(s string, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}
