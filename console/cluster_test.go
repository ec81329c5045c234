package console

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
)

// The tests' cluster: real ZooKeeper, jobs registered by two in-process instances on two
// server IPs (each its own session and engine), and a console on its own lifecycle session
// behind an httptest server.

var nsSeq atomic.Int64

// execution is one item run a test job saw.
type execution struct {
	job, ip   string
	item      int
	parameter string
}

// runLog collects the test jobs' executions.
type runLog struct {
	mu   sync.Mutex
	runs []execution
}

func (l *runLog) add(e execution) { l.mu.Lock(); l.runs = append(l.runs, e); l.mu.Unlock() }

func (l *runLog) all() []execution {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.runs)
}

// count is the number of executions that match.
func (l *runLog) count(match func(execution) bool) int {
	n := 0
	for _, e := range l.all() {
		if match(e) {
			n++
		}
	}
	return n
}

// testJob records each item it runs; while gate is set, an item waits for it (or for its
// context) before it ends, so that a test sees a run in progress.
type testJob struct {
	name, ip string
	log      *runLog
	gate     atomic.Pointer[gate]
	failItem int                   // an item that fails (-1: none)
	slow     map[int]time.Duration // items that take this long
	gateOnly atomic.Int32          // 1 + the one item the gate holds (0: every item)
}

func (j *testJob) Execute(ctx context.Context, sc starter.ShardingContext) error {
	j.log.add(execution{job: j.name, ip: j.ip, item: sc.ShardingItem, parameter: sc.JobParameter})
	if g := j.gate.Load(); g != nil && (j.gateOnly.Load() == 0 || int(j.gateOnly.Load()) == sc.ShardingItem+1) {
		select {
		case <-g.ch:
		case <-ctx.Done():
		}
	}
	if d := j.slow[sc.ShardingItem]; d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}
	if sc.ShardingItem == j.failItem {
		return fmt.Errorf("item %d failed on purpose", sc.ShardingItem)
	}
	return nil
}

// gate holds items until it is released (once, by the test or its cleanup).
type gate struct {
	ch   chan struct{}
	once sync.Once
}

func newGate() *gate     { return &gate{ch: make(chan struct{})} }
func (g *gate) release() { g.once.Do(func() { close(g.ch) }) }

type instance struct {
	ip   string
	rc   *starter.RegistryCenter
	jobs map[string]*testJob
}

type cluster struct {
	t         testing.TB
	cfg       starter.RegistryCenterConfig
	instances []*instance
	log       *runLog
	recorder  *Recorder
	op        *lifecycle.Operator
	console   *Console
	srv       *httptest.Server
	logs      *testkit.Buffer
}

// jobSpec is a job of the test cluster.
type jobSpec struct {
	name     string
	items    int
	cron     string
	failItem int
	slow     map[int]time.Duration
}

// daily fires at 03:00: never during a test, so runs come from triggers only.
const daily = "0 0 3 * * ?"

// newCluster starts the instances (IPs 10.0.0.1, 10.0.0.2...) with the jobs and a console
// with auth. The first instance reports its runs to the console's Recorder.
func newCluster(t testing.TB, servers int, jobs []jobSpec, auth Auth) *cluster {
	t.Helper()
	return newClusterRecording(t, servers, jobs, auth, false)
}

// newClusterRecording is newCluster whose Recorder, with recordAll, sees every instance's runs
// (as the tracing database does).
func newClusterRecording(t testing.TB, servers int, jobs []jobSpec, auth Auth, recordAll bool, observers ...starter.Observer) *cluster {
	t.Helper()
	c := &cluster{t: t, log: &runLog{}, recorder: NewRecorder(), logs: &testkit.Buffer{}}
	c.cfg = starter.RegistryCenterConfig{
		ServerLists: zktest.Servers(t),
		Namespace:   fmt.Sprintf("console-test-%d-%d", time.Now().UnixNano(), nsSeq.Add(1)),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range servers {
		in := &instance{ip: fmt.Sprintf("10.0.0.%d", i+1), jobs: map[string]*testJob{}}
		opts := []starter.RegistryOption{starter.WithIP(in.ip), starter.WithLogger(quiet())}
		if i == 0 || recordAll {
			opts = append(opts, starter.WithObserver(c.recorder))
		}
		for _, o := range observers {
			opts = append(opts, starter.WithObserver(o))
		}
		rc, err := starter.NewRegistryCenter(ctx, c.cfg, opts...)
		if err != nil {
			t.Fatal(err)
		}
		in.rc = rc
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for _, j := range in.jobs {
				if g := j.gate.Swap(nil); g != nil {
					g.release()
				}
			}
			if err := rc.Close(ctx); err != nil {
				t.Errorf("closing instance %s: %v", in.ip, err)
			}
		})
		for _, spec := range jobs {
			cfg := starter.NewJobConfiguration(spec.name, spec.items)
			cfg.Cron = spec.cron
			cfg.Description = "test job " + spec.name
			cfg.Overwrite = true
			job := &testJob{name: spec.name, ip: in.ip, log: c.log, failItem: spec.failItem, slow: spec.slow}
			b, err := starter.NewScheduleJobBootstrap(rc, job, cfg)
			if err != nil {
				t.Fatal(err)
			}
			b.Schedule()
			in.jobs[spec.name] = job
		}
		c.instances = append(c.instances, in)
	}
	op, err := lifecycle.Open(ctx, c.cfg, lifecycle.WithLogger(quiet()), lifecycle.WithActor("console-test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	c.op = op
	c.console, err = New(Options{Operator: op, Runs: c.recorder, Auth: auth, Namespace: c.cfg.Namespace,
		Logger: slog.New(slog.NewTextHandler(c.logs, nil)), Refresh: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c.srv = httptest.NewServer(c.console)
	t.Cleanup(c.srv.Close)
	return c
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// settle triggers the job until every item has run once (the first fire shards the items).
func (c *cluster) settle(job string, items int) {
	c.t.Helper()
	ctx := context.Background()
	testkit.Eventually(c.t, 30*time.Second, func() bool {
		info, err := c.op.Job(ctx, job)
		if err == nil && info.Status == lifecycle.JobOK {
			return true
		}
		c.op.Trigger(ctx, job)
		time.Sleep(300 * time.Millisecond)
		return false
	}, "job %s settles as OK", job)
	testkit.Eventually(c.t, 30*time.Second, func() bool {
		for i := range items {
			if c.log.count(func(e execution) bool { return e.job == job && e.item == i }) == 0 {
				return false
			}
		}
		return true
	}, "every item of %s runs once: %v", job, testkit.Later[[]execution](c.log.all))
}

// client is an HTTP client of the console as one user; it does not follow redirects, so that
// tests see the action's answer.
type client struct {
	t          testing.TB
	base       string
	user, pass string
}

func (c *cluster) client(user, pass string) *client {
	return &client{t: c.t, base: c.srv.URL, user: user, pass: pass}
}

func (cl *client) do(method, path string, form url.Values, header http.Header) (*http.Response, string) {
	cl.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, cl.base+path, body)
	if err != nil {
		cl.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if cl.user != "" {
		req.SetBasicAuth(cl.user, cl.pass)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		cl.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (cl *client) get(path string) (int, string) {
	cl.t.Helper()
	resp, body := cl.do(http.MethodGet, path, nil, nil)
	return resp.StatusCode, body
}

// post sends an action form the way the page's form does (with the page's token, same origin).
func (cl *client) post(path string, form url.Values, token string) *http.Response {
	cl.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if token != "" {
		form.Set("csrf", token)
	}
	resp, _ := cl.do(http.MethodPost, path, form, http.Header{"Sec-Fetch-Site": {"same-origin"}})
	return resp
}
