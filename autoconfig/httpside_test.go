package autoconfig

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// get fetches url: the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// scrape reads /metrics as Prometheus's text format: series (name{labels}) -> value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// readiness is /readyz's status and reasons.
func readiness(t *testing.T, base string) (int, []string) {
	t.Helper()
	code, body := get(t, base+"/readyz")
	var s healthStatus
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("/readyz body %q: %v", body, err)
	}
	return code, s.Reasons
}

// funcJob runs fn for every item.
type funcJob func(ctx context.Context, sc starter.ShardingContext) error

func (f funcJob) Execute(ctx context.Context, sc starter.ShardingContext) error { return f(ctx, sc) }

// A service on ZooKeeper reports what its jobs did: an item that fails, a misfire, a failover
// taken after another instance crashed, the reshardings it wrote as leader, the leadership it
// gained; and the registry's state and requests. The series are read from its /metrics, served
// from the application's own prometheus.Registry.
func TestMetricsOfAServiceOnZooKeeper(t *testing.T) {
	servers := zktest.Servers(t)
	inTempDir(t, map[string]string{"application.yaml": `
elasticjob:
  regCenter: {sessionTimeoutMilliseconds: 4000}
  http: {address: "127.0.0.1:0"}
  jobs:
    lead: {cron: "0 0 0 1 1 ? 2099"}
    fo: {failover: true, shardingTotalCount: 2}
`})
	ns := fmt.Sprintf("autoconfig-metrics-%d", time.Now().UnixNano())
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", servers)
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", ns)

	// Instance A, the one that crashes, reaches ZooKeeper through a proxy; it registers lead
	// first (and leads it), then fo once the service leads that. Its fo item never ends.
	proxy := zktest.NewProxy(t, servers)
	rcA, err := starter.NewRegistryCenter(t.Context(), starter.RegistryCenterConfig{ServerLists: proxy.Addr(), Namespace: ns, SessionTimeout: 2 * time.Second},
		starter.WithIP("10.9.9.9"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		proxy.Restore() // A comes back in a new session, then leaves: Close removes its nodes
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rcA.Close(ctx)
	}()
	never := starter.JobConfiguration{JobName: "lead", Cron: "0 0 0 1 1 ? 2099", ShardingTotalCount: 1, MaxTimeDiffSeconds: -1, MonitorExecution: true, Misfire: true}
	leadA, err := starter.NewScheduleJobBootstrap(rcA, funcJob(func(context.Context, starter.ShardingContext) error { return nil }), never,
		starter.WithJobClassName("example.com/jobs.Lead"))
	if err != nil {
		t.Fatal(err)
	}
	leadA.Schedule()

	var mu sync.Mutex
	var failed, succeeded, foRuns int
	firstSlowRun, releaseSlow := make(chan struct{}), make(chan struct{})
	var slowOnce sync.Once
	jobs := []starter.JobDefinition{
		{Name: "flaky", Class: "example.com/jobs.Flaky", Settings: map[string]string{"shardingTotalCount": "2"},
			Job: funcJob(func(_ context.Context, sc starter.ShardingContext) error {
				mu.Lock()
				defer mu.Unlock()
				if sc.ShardingItem == 1 {
					failed++
					return errors.New("item 1 fails")
				}
				succeeded++
				return nil
			})},
		{Name: "slow", Class: "example.com/jobs.Slow", Settings: map[string]string{"cron": "* * * * * ?"},
			Job: funcJob(func(ctx context.Context, _ starter.ShardingContext) error {
				slowOnce.Do(func() {
					close(firstSlowRun)
					select { // the first run outlasts the next fire: a misfire
					case <-releaseSlow:
					case <-ctx.Done():
					}
				})
				return nil
			})},
		{Name: "fo", Class: "example.com/jobs.Fo", Settings: map[string]string{"cron": "* * * * * ?"},
			Job: funcJob(func(context.Context, starter.ShardingContext) error {
				mu.Lock()
				foRuns++
				mu.Unlock()
				return nil
			})},
		{Name: "lead", Class: "example.com/jobs.Lead", Job: funcJob(func(context.Context, starter.ShardingContext) error { return nil })},
	}
	promReg := prometheus.NewRegistry()
	var server *HTTPServer
	var oneOff *OneOffJobs
	app := startApp(t, Module, provideJobs(jobs), fx.Provide(func() prometheus.Registerer { return promReg }), fx.Populate(&server, &oneOff))
	defer app.RequireStop()
	base := "http://" + server.Addr()

	// A takes fo's item 0 or 1 once the service, its leader, has resharded; it holds it.
	aRunning := make(chan struct{})
	var aOnce sync.Once
	foA, err := starter.NewScheduleJobBootstrap(rcA, funcJob(func(ctx context.Context, _ starter.ShardingContext) error {
		aOnce.Do(func() { close(aRunning) })
		<-ctx.Done()
		return ctx.Err()
	}), starter.JobConfiguration{JobName: "fo", Cron: "* * * * * ?", ShardingTotalCount: 2, MaxTimeDiffSeconds: -1, MonitorExecution: true, Misfire: true, Failover: true},
		starter.WithJobClassName("example.com/jobs.Fo"))
	if err != nil {
		t.Fatal(err)
	}
	foA.Schedule()

	// One run of flaky: item 0 succeeds, item 1 fails.
	if err := oneOff.Execute("flaky"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, func() bool {
		m := scrape(t, base)
		return m[`elasticjob_item_runs_total{job="flaky",result="failure"}`] == 1 && m[`elasticjob_item_runs_total{job="flaky",result="success"}`] == 1
	}, "flaky's run counted: one success, one failure")

	// slow's first run is still going when the next second fires.
	<-firstSlowRun
	testkit.Eventually(t, 20*time.Second, func() bool { return scrape(t, base)[`elasticjob_misfires_total{job="slow"}`] >= 1 }, "slow's misfire counted")
	close(releaseSlow)

	select {
	case <-aRunning:
	case <-time.After(30 * time.Second):
		t.Fatal("instance A never ran its item of fo")
	}
	if m := scrape(t, base); m[`elasticjob_leader{job="lead"}`] != 0 || m[`elasticjob_leader{job="fo"}`] != 1 {
		t.Fatalf("leadership before the crash: lead %v (A leads it), fo %v (the service leads it)", m[`elasticjob_leader{job="lead"}`], m[`elasticjob_leader{job="fo"}`])
	}
	// A crashes: nothing reaches ZooKeeper from it any more, its session expires there.
	proxy.Blackhole()
	var m map[string]float64
	testkit.Eventually(t, 30*time.Second, func() bool {
		m = scrape(t, base)
		return m[`elasticjob_failovers_total{job="fo"}`] >= 1 && m[`elasticjob_leader{job="lead"}`] == 1 &&
			m[`elasticjob_reshardings_total{job="fo",result="success"}`] >= 2
	}, "the service took A's fo item over, the lead of lead, and resharded fo (when A joined and when it went): failovers %v, leader of lead %v, reshardings %v",
		testkit.Later[float64](func() float64 { return m[`elasticjob_failovers_total{job="fo"}`] }),
		testkit.Later[float64](func() float64 { return m[`elasticjob_leader{job="lead"}`] }),
		testkit.Later[float64](func() float64 { return m[`elasticjob_reshardings_total{job="fo",result="success"}`] }))

	m = scrape(t, base)
	mu.Lock()
	defer mu.Unlock()
	for series, want := range map[string]float64{
		`elasticjob_item_runs_total{job="flaky",result="failure"}`: float64(failed),
		`elasticjob_item_runs_total{job="flaky",result="success"}`: float64(succeeded),
		`elasticjob_item_duration_seconds_count{job="flaky"}`:      float64(failed + succeeded),
		`elasticjob_reshardings_total{job="fo",result="failure"}`:  0,
		`elasticjob_resharding_duration_seconds_count{job="fo"}`:   m[`elasticjob_reshardings_total{job="fo",result="success"}`],
		`elasticjob_failovers_total{job="flaky"}`:                  0,
		`elasticjob_registry_connected`:                            1,
		`elasticjob_registry_session_expiries_total`:               0,
		`elasticjob_leader{job="fo"}`:                              1,
	} {
		if got, ok := m[series]; !ok || got != want {
			t.Errorf("%s = %v (present: %v), want %v", series, got, ok, want)
		}
	}
	for series, atLeast := range map[string]float64{
		`elasticjob_item_runs_total{job="fo",result="success"}`: 1,
		`elasticjob_fire_delay_seconds_count{job="slow"}`:       1,
		`elasticjob_zookeeper_requests_total`:                   50,
	} {
		if m[series] < atLeast {
			t.Errorf("%s = %v, want at least %v", series, m[series], atLeast)
		}
	}
	if d, n := m[`elasticjob_fire_delay_seconds_sum{job="slow"}`], m[`elasticjob_fire_delay_seconds_count{job="slow"}`]; d < 0 || d/n > 1 {
		t.Errorf("slow's fire delay: %v s over %v fires", d, n)
	}
}

// /readyz answers 200 while the session is connected and every job registered; when ZooKeeper
// goes away it answers 503 with the reason (and /healthz still 200); when the session is lost
// and a new one comes, the jobs register again and it answers 200 again.
func TestReadyzFollowsZooKeeper(t *testing.T) {
	servers := zktest.Servers(t)
	proxy := zktest.NewProxy(t, servers)
	inTempDir(t, map[string]string{"application.yaml": `
elasticjob:
  regCenter: {sessionTimeoutMilliseconds: 4000}
  http: {address: "127.0.0.1:0"}
`})
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", proxy.Addr())
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", fmt.Sprintf("autoconfig-readyz-%d", time.Now().UnixNano()))
	var server *HTTPServer
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{everySecond("probed", "2")}), ownRegistry(), fx.Populate(&server))
	defer app.RequireStop()
	base := "http://" + server.Addr()

	if code, reasons := readiness(t, base); code != http.StatusOK || len(reasons) > 0 {
		t.Fatalf("/readyz after start: %d %v", code, reasons)
	}
	proxy.Blackhole()
	var code int
	var reasons []string
	testkit.Eventually(t, 30*time.Second, func() bool {
		code, reasons = readiness(t, base)
		return code == http.StatusServiceUnavailable
	}, "/readyz answers 503 without ZooKeeper")
	if len(reasons) == 0 || reasons[0] != "the registry session is not connected" {
		t.Fatalf("/readyz reasons %q", reasons)
	}
	if code, body := get(t, base+"/healthz"); code != http.StatusOK || body != "{\"status\":\"ok\"}\n" {
		t.Fatalf("/healthz without ZooKeeper: %d %q", code, body)
	}
	if m := scrape(t, base); m["elasticjob_registry_connected"] != 0 {
		t.Fatalf("elasticjob_registry_connected = %v without ZooKeeper", m["elasticjob_registry_connected"])
	}
	// Away for longer than the session timeout: the session is lost.
	testkit.Eventually(t, 30*time.Second, func() bool { return scrape(t, base)["elasticjob_registry_session_expiries_total"] == 1 }, "the session expiry counted")
	proxy.Restore()
	testkit.Eventually(t, 30*time.Second, func() bool {
		code, reasons = readiness(t, base)
		return code == http.StatusOK
	}, "/readyz answers 200 once the jobs registered in a new session (last: %d %q)", testkit.Later[int](func() int { return code }), testkit.Later[[]string](func() []string { return reasons }))
	if m := scrape(t, base); m["elasticjob_registry_connected"] != 1 {
		t.Fatalf("elasticjob_registry_connected = %v after the new session", m["elasticjob_registry_connected"])
	}
}

// Without elasticjob.http.address nothing listens; a service mounts HTTPHandlers on its own
// server. /readyz says why it is not ready before the application starts and after it stops.
func TestHandlersMountedOnTheServicesOwnServer(t *testing.T) {
	inTempDir(t, nil)
	var server *HTTPServer
	var handlers *HTTPHandlers
	app := fxtest.New(t, Module, fx.NopLogger, provideJobs([]starter.JobDefinition{everySecond("mounted", "1")}), ownRegistry(), fx.Populate(&server, &handlers))
	mux := http.NewServeMux()
	handlers.Mount(mux)
	own := httptest.NewServer(mux)
	defer own.Close()
	var patterns []string
	for _, h := range handlers.All() {
		patterns = append(patterns, h.Pattern)
	}
	if got := strings.Join(patterns, " "); got != "/healthz /metrics /readyz" {
		t.Fatalf("handlers %s", got)
	}
	if code, reasons := readiness(t, own.URL); code != http.StatusServiceUnavailable || strings.Join(reasons, ";") != "the registry center is not started" {
		t.Fatalf("/readyz before start: %d %q", code, reasons)
	}
	app.RequireStart()
	if server.Addr() != "" {
		t.Fatalf("a server listens on %s without elasticjob.http.address", server.Addr())
	}
	if code, reasons := readiness(t, own.URL); code != http.StatusOK {
		t.Fatalf("/readyz after start: %d %q", code, reasons)
	}
	resp, err := http.Get(own.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics content type %q", ct)
	}
	if m := scrape(t, own.URL); m["elasticjob_registry_connected"] != 1 || m[`elasticjob_leader{job="mounted"}`] != 1 {
		t.Fatalf("metrics on the embedded registry: connected %v, leader %v", m["elasticjob_registry_connected"], m[`elasticjob_leader{job="mounted"}`])
	}
	app.RequireStop()
	if code, _ := readiness(t, own.URL); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz after stop: %d", code)
	}
}

// The console and other handlers come through the group; the server mounts them. A console
// asked for and missing, or two handlers at one pattern, fail the application's build.
func TestHTTPHandlersGroup(t *testing.T) {
	contribute := func(pattern, body string) fx.Option {
		return fx.Provide(fx.Annotate(func() HTTPHandler {
			return HTTPHandler{Pattern: pattern, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) })}
		}, fx.ResultTags(`group:"elasticjob.http.handlers"`)))
	}
	inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  http: {address: \"localhost:0\", console: true}\n"})
	var server *HTTPServer
	app := startApp(t, Module, contribute("/", "the console"), ownRegistry(), fx.Populate(&server))
	if code, body := get(t, "http://"+server.Addr()+"/jobs"); code != http.StatusOK || body != "the console" {
		t.Fatalf("/jobs: %d %q", code, body)
	}
	if code, _ := get(t, "http://"+server.Addr()+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz: %d", code)
	}
	app.RequireStop()

	for _, tc := range []struct {
		opts []fx.Option
		want string
	}{
		{nil, "elasticjob: elasticjob.http.console is true, but no console is in the application: add the console module"},
		{[]fx.Option{contribute("/", "a"), contribute("/", "b")}, `elasticjob: two HTTP handlers for "/" in group elasticjob.http.handlers`},
	} {
		err := fx.New(append(tc.opts, Module, ownRegistry(), fx.NopLogger)...).Err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// ownRegistry gives the application a prometheus.Registerer of its own, as a service does to keep
// its metrics off the default registry.
func ownRegistry() fx.Option {
	return fx.Provide(fx.Annotate(prometheus.NewRegistry, fx.As(new(prometheus.Registerer))))
}
