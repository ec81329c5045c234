package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// The start-up tests reach ZooKeeper through a proxy delaying every message by zkDelay each
// way, a busy server: a registration takes several round trips, so idleJobs jobs take seconds
// (at 32 concurrent registrations) and most of them register after OnStart has returned at
// its bound, half of a 1 s start timeout, even on a fast machine.
const (
	idleJobs = 200
	zkDelay  = 5 * time.Millisecond
)

// idleClass is the implementation of the idle jobs.
const idleClass = "example.com/shop/jobs.Idle"

// manyJobsApp configures idleJobs jobs of one implementation that never fire, plus the jobs of
// extra (YAML, under elasticjob.jobs), in a namespace of its own on the shared ZooKeeper
// behind a delaying proxy, and returns the namespace and the job definition that the YAML jobs
// name.
func manyJobsApp(t *testing.T, extra string) (ns string, def starter.JobDefinition) {
	t.Helper()
	proxy := zktest.NewProxy(t, zktest.Servers(t))
	proxy.Delay(zkDelay)
	var yaml strings.Builder
	yaml.WriteString("elasticjob:\n  regCenter: {sessionTimeoutMilliseconds: 10000}\n  http: {address: \"127.0.0.1:0\"}\n  jobs:\n")
	for i := range idleJobs {
		fmt.Fprintf(&yaml, "    idle%04d: {elasticJobClass: %s, cron: \"0 0 0 1 1 ? 2099\"}\n", i, idleClass)
	}
	yaml.WriteString(extra)
	inTempDir(t, map[string]string{"application.yaml": yaml.String()})
	ns = fmt.Sprintf("autoconfig-startup-%d", time.Now().UnixNano())
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", proxy.Addr())
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", ns)
	def = starter.JobDefinition{Name: "idle", Class: idleClass,
		Settings: map[string]string{"cron": "0 0 0 1 1 ? 2099"}, Job: &recordingJob{}}
	return ns, def
}

// quietLog is the application's logger, into a buffer (a line per job and event otherwise).
func quietLog(buf *testkit.Buffer) fx.Option {
	return fx.Supply(slog.New(slog.NewTextHandler(buf, nil)))
}

// connectTo opens a session of the test's own on the namespace.
func connectTo(t *testing.T, ns string) *reg.Center {
	t.Helper()
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: zktest.Servers(t), Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// jobsWithInstances counts the jobs of names that have an instance node.
func jobsWithInstances(t *testing.T, c *reg.Center, names []string) int {
	t.Helper()
	n := 0
	for _, job := range names {
		ids, err := c.Children("/" + job + "/instances")
		if err != nil && !errors.Is(err, reg.ErrNoNode) {
			t.Fatalf("/%s/instances: %v", job, err)
		}
		if len(ids) > 0 {
			n++
		}
	}
	return n
}

// A service whose jobs cannot all register within its start timeout starts: OnStart returns at
// its bound, /readyz answers 503 with the progress while the rest registers in the background,
// a job registered there fires, and /readyz answers 200 once every job has its instance node.
func TestStartRegistersTheRestInTheBackground(t *testing.T) {
	ticker := &recordingJob{}
	ns, idle := manyJobsApp(t, "    zzTicker: {elasticJobClass: example.com/shop/jobs.Ticker, cron: \"* * * * * ?\"}\n")
	tickerDef := starter.JobDefinition{Name: "ticker", Class: "example.com/shop/jobs.Ticker",
		Settings: map[string]string{"cron": "0 0 0 1 1 ? 2099"}, Job: ticker}
	var server *HTTPServer
	var props *Properties
	var log testkit.Buffer
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{idle, tickerDef}), ownRegistry(), quietLog(&log),
		fx.StartTimeout(time.Second), fx.Populate(&server, &props))
	defer app.RequireStop()
	base := "http://" + server.Addr()
	total := len(props.Jobs) // the idle jobs, zzTicker and the two declared in code
	progress := regexp.MustCompile(`^registering jobs: ([0-9,]+) of ` + thousands(total) + ` registered$`)
	code, reasons := readiness(t, base)
	if code != http.StatusServiceUnavailable || len(reasons) != 1 || !progress.MatchString(reasons[0]) {
		t.Fatalf("/readyz right after the start: %d %q, want 503 with the registration's progress", code, reasons)
	}
	testkit.Eventually(t, 25*time.Second, func() bool { return slices.Contains(ticker.jobs(), "zzTicker") },
		"zzTicker, the last job to register, fires")
	testkit.Eventually(t, 25*time.Second, func() bool {
		code, reasons = readiness(t, base)
		return code == http.StatusOK
	}, "/readyz answers 200 (last: %d %q)", testkit.Later[int](func() int { return code }), testkit.Later[[]string](func() []string { return reasons }))
	check := connectTo(t, ns)
	defer check.Close()
	names := make([]string, 0, total)
	for name := range props.Jobs {
		names = append(names, name)
	}
	if n := jobsWithInstances(t, check, names); n != total {
		t.Fatalf("%d of %d jobs have an instance node", n, total)
	}
}

// Stopping while the jobs register in the background ends the registration (jobs it had not
// reached are never registered), leaves no instance node and no goroutine.
func TestStopDuringBackgroundRegistration(t *testing.T) {
	ns, idle := manyJobsApp(t, "")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // the proxy's listener is older
	var registry *Registry
	var props *Properties
	var log testkit.Buffer
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{idle}), ownRegistry(), quietLog(&log),
		fx.StartTimeout(time.Second), fx.Populate(&registry, &props))
	if !registry.registering.Load() {
		t.Fatal("every job registered within OnStart: the test needs more jobs to stop during the registration")
	}
	app.RequireStop()
	http.DefaultClient.CloseIdleConnections()
	check := connectTo(t, ns)
	defer check.Close()
	var names []string
	never := 0
	for name := range props.Jobs {
		names = append(names, name)
		if ok, err := check.Exists("/" + name); err != nil {
			t.Fatal(err)
		} else if !ok {
			never++
		}
	}
	if n := jobsWithInstances(t, check, names); n != 0 {
		t.Fatalf("%d jobs keep an instance node after the stop", n)
	}
	if never == 0 {
		t.Fatal("every job was registered: the stop did not end the registration")
	}
}

// A job that fails to register in the background (another class is recorded at /{job}) is
// logged, with its error, and shuts the application down with exit code 1.
func TestBackgroundRegistrationFailureShutsTheApplicationDown(t *testing.T) {
	ns, idle := manyJobsApp(t, "    zzConflict: {elasticJobClass: "+idleClass+", cron: \"0 0 0 1 1 ? 2099\"}\n")
	check := connectTo(t, ns)
	defer check.Close()
	if err := check.Persist("/zzConflict", "com.example.OtherJob"); err != nil {
		t.Fatal(err)
	}
	var log testkit.Buffer
	var registry *Registry
	var props *Properties
	app := fx.New(Module, provideJobs([]starter.JobDefinition{idle}), ownRegistry(), fx.NopLogger, quietLog(&log),
		fx.StartTimeout(time.Second), fx.Populate(&registry, &props))
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		t.Fatalf("start: %v", err)
	}
	stopped := false
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := app.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
		stopped = true
	}
	defer func() {
		if !stopped {
			stop()
		}
	}()
	if !registry.registering.Load() {
		t.Fatal("every job registered within OnStart: the test needs more jobs for zzConflict to register in the background")
	}
	select {
	case sig := <-app.Wait():
		if sig.ExitCode != 1 {
			t.Fatalf("shutdown with exit code %d, want 1", sig.ExitCode)
		}
	case <-time.After(25 * time.Second):
		t.Fatalf("no shutdown; log:\n%s", log.String())
	}
	want := `level=ERROR msg="elasticjob: a job failed to register after the start: shutting the application down" job=zzConflict ` +
		`error="engine: job conflict with register center: /` + ns + `/zzConflict holds class \"com.example.OtherJob\", this job is \"` + idleClass + `\"`
	if !strings.Contains(log.String(), want) {
		t.Fatalf("log:\n%s\nwant a line containing\n%s", log.String(), want)
	}
	stop()
	names := make([]string, 0, len(props.Jobs))
	for name := range props.Jobs {
		names = append(names, name)
	}
	if n := jobsWithInstances(t, check, names); n != 0 {
		t.Fatalf("%d jobs keep an instance node after the shutdown", n)
	}
}

// A registration error within OnStart fails the start at once, with that error: no further
// job starts registering, those in flight finish, and no instance node is left.
func TestRegistrationErrorFailsTheStartAtOnce(t *testing.T) {
	ns, idle := manyJobsApp(t, "")
	check := connectTo(t, ns)
	defer check.Close()
	if err := check.Persist("/idle0000", "com.example.OtherJob"); err != nil { // the first job to register
		t.Fatal(err)
	}
	var props *Properties
	var log testkit.Buffer
	// A start timeout that the registrations in flight do not outlast: fx skips the rollback
	// (the registry's OnStop) once it has passed.
	app := fx.New(Module, provideJobs([]starter.JobDefinition{idle}), ownRegistry(), fx.NopLogger, quietLog(&log),
		fx.StartTimeout(20*time.Second), fx.Populate(&props))
	ctx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	err := app.Start(ctx)
	want := `engine: job conflict with register center: /` + ns + `/idle0000 holds class "com.example.OtherJob", this job is "` + idleClass + `"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("start error %v, want %s…", err, want)
	}
	names := make([]string, 0, len(props.Jobs))
	never := 0
	for name := range props.Jobs {
		names = append(names, name)
		if ok, err := check.Exists("/" + name + "/config"); err != nil {
			t.Fatal(err)
		} else if !ok {
			never++
		}
	}
	if n := jobsWithInstances(t, check, names); n != 0 {
		t.Fatalf("%d jobs keep an instance node after the failed start", n)
	}
	if never < len(names)-2*registerConcurrency {
		t.Fatalf("%d of %d jobs were never registered: the error did not end the registration", never, len(names))
	}
}

// The foreground bound is half of what is left of the start timeout, at most maxForeground.
func TestForegroundBound(t *testing.T) {
	if got := foregroundBound(context.Background()); got != maxForeground {
		t.Errorf("without a deadline: %v, want %v", got, maxForeground)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if got := foregroundBound(ctx); got != maxForeground {
		t.Errorf("with a minute left: %v, want %v", got, maxForeground)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if got := foregroundBound(ctx); got > time.Second || got <= 0 {
		t.Errorf("with 2 s left: %v, want about 1 s", got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 12345: "12,345", 30000: "30,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// /readyz sums the registration up while it runs, and names at most maxListedJobs jobs that
// are not registered once it has ended (a job shut down from the console, say).
func TestReadinessReasonsAreCapped(t *testing.T) {
	r := &Registry{log: slog.Default()}
	if err := r.start(t.Context()); err != nil { // the embedded registry
		t.Fatal(err)
	}
	defer r.stop(context.Background())
	var jobs []string
	for i := range 13 {
		jobs = append(jobs, fmt.Sprintf("job%02d", i))
	}
	h := &health{registry: r, jobs: jobs}
	r.registering.Store(true)
	if got := h.unready(); !slices.Equal(got, []string{"registering jobs: 0 of 13 registered"}) {
		t.Errorf("while registering: %q", got)
	}
	r.registering.Store(false)
	got := h.unready()
	if len(got) != maxListedJobs+1 || got[0] != "job job00 is not registered on this instance" ||
		got[maxListedJobs] != "and 3 more jobs are not registered on this instance" {
		t.Errorf("after the registration: %q", got)
	}
}
