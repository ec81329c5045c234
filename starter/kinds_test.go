package starter

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// embeddedRC is a registry center on the embedded registry, closed at the end of the test.
func embeddedRC(t *testing.T, ns string) *RegistryCenter {
	t.Helper()
	rc, err := NewRegistryCenter(context.Background(), RegistryCenterConfig{Namespace: ns}, WithIP("10.0.0.7"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rc.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return rc
}

func scheduleKind(t *testing.T, rc *RegistryCenter, job any, cfg JobConfiguration) {
	t.Helper()
	b, err := NewScheduleJobBootstrap(rc, job, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.Schedule()
}

func everySecond(name string, items int) JobConfiguration {
	cfg := NewJobConfiguration(name, items)
	cfg.Cron = "* * * * * ?"
	return cfg
}

// streamingBatches hands out numbered batches until it has served max of them.
type streamingBatches struct {
	mu        sync.Mutex
	served    int
	max       int
	processed []int
}

func (s *streamingBatches) FetchData(context.Context, ShardingContext) ([]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.served == s.max {
		return nil, nil
	}
	s.served++
	return []int{s.served}, nil
}

func (s *streamingBatches) ProcessData(_ context.Context, _ ShardingContext, data []int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.processed = append(s.processed, data...)
	return nil
}

func (s *streamingBatches) got() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.processed)
}

// A streaming dataflow job (props streaming.process in any case) keeps fetching within one
// run until a fetch comes back empty.
func TestDataflowKindStreams(t *testing.T) {
	rc := embeddedRC(t, "kinds-dataflow")
	job := &streamingBatches{max: 3}
	cfg := everySecond("flow", 1)
	cfg.Props = map[string]string{"streaming.process": "TRUE"}
	scheduleKind(t, rc, Dataflow[int](job), cfg)
	testkit.Eventually(t, 10*time.Second, func() bool { return len(job.got()) == 3 }, "three batches processed")
	if got := job.got(); !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("processed %v", got)
	}
	if cls, _ := rc.center.Get("/flow"); cls != "github.com/elasticjob-go/elasticjob/starter.streamingBatches" {
		t.Fatalf("/flow holds %q", cls)
	}
}

// A SCRIPT job runs script.command.line once per item with the item's context as the last
// argument; /{job} records SCRIPT.
func TestScriptKindRuns(t *testing.T) {
	rc := embeddedRC(t, "kinds-script")
	dir := t.TempDir()
	script := filepath.Join(dir, "item.sh")
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" >> "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := everySecond("scripted", 2)
	cfg.Props = map[string]string{"script.command.line": script}
	scheduleKind(t, rc, Script, cfg)
	read := func() string { b, _ := os.ReadFile(out); return string(b) }
	testkit.Eventually(t, 10*time.Second, func() bool { return strings.Count(read(), "\n") >= 2 }, "two script runs")
	for _, item := range []string{`"shardingItem":0`, `"shardingItem":1`} {
		if !strings.Contains(read(), item) {
			t.Fatalf("script output %q lacks %s", read(), item)
		}
	}
	if cls, _ := rc.center.Get("/scripted"); cls != "SCRIPT" {
		t.Fatalf("/scripted holds %q", cls)
	}
}

// An HTTP job sends one request per item with the context in the shardingContext header.
func TestHTTPKindRuns(t *testing.T) {
	var mu sync.Mutex
	var headers []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		headers = append(headers, r.Method+" "+r.Header.Get("shardingContext"))
	}))
	defer srv.Close()
	rc := embeddedRC(t, "kinds-http")
	cfg := everySecond("called", 1)
	cfg.Props = map[string]string{"http.uri": srv.URL, "http.method": "GET"}
	scheduleKind(t, rc, HTTP, cfg)
	testkit.Eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(headers) > 0 }, "one request")
	mu.Lock()
	first := headers[0]
	mu.Unlock()
	if want := `GET {"jobName":"called","taskId":"called@-@0@-@READY@-@10.0.0.7@-@`; !strings.HasPrefix(first, want) {
		t.Fatalf("request %q, want prefix %q", first, want)
	}
	if cls, _ := rc.center.Get("/called"); cls != "HTTP" {
		t.Fatalf("/called holds %q", cls)
	}
}

// The error handler's type and props, the pool type and the job type are checked when the
// bootstrap is built, each error naming the job.
func TestKindStartupErrors(t *testing.T) {
	rc := embeddedRC(t, "kinds-errors")
	simple := &countingJob{}
	cases := []struct {
		name string
		job  any
		edit func(*JobConfiguration)
		want string
	}{
		{"email", simple, func(c *JobConfiguration) { c.JobErrorHandlerType = "EMAIL" },
			`starter: job "x": jobErrorHandlerType EMAIL: email.host: required`},
		{"unknownHandler", simple, func(c *JobConfiguration) { c.JobErrorHandlerType = "PAGER" },
			`starter: job "x": jobErrorHandlerType: "PAGER" is not allowed: want one of LOG, THROW, IGNORE, EMAIL, WECHAT, DINGTALK`},
		{"pool", simple, func(c *JobConfiguration) { c.JobExecutorServiceHandlerType = "FIXED" },
			`starter: job "x": jobExecutorServiceHandlerType: "FIXED" is not allowed: want one of CPU, SINGLE_THREAD`},
		{"scriptLine", Script, func(*JobConfiguration) {},
			`starter: job "x": SCRIPT job: script.command.line: required`},
		{"jobType", JobType("FTP"), func(*JobConfiguration) {},
			`starter: job "x": job type "FTP": want SCRIPT or HTTP`},
		{"notAJob", "echo", func(*JobConfiguration) {},
			`starter: job "x": string is neither a SimpleJob nor a dataflow job (starter.Dataflow)`},
		{"nil", nil, func(*JobConfiguration) {},
			`starter: job "x": nil job`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := everySecond("x", 1)
			c.edit(&cfg)
			_, err := NewScheduleJobBootstrap(rc, c.job, cfg)
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant  %s", err, c.want)
			}
		})
	}
	if ok, _ := rc.center.Exists("/x"); ok {
		t.Fatal("a rejected job left /x behind")
	}
}

// jobErrorHandlerType THROW stops a run at its first failing item: with one item at a time,
// item 1 never runs after item 0 fails, fire after fire.
func TestThrowErrorHandlerStopsTheRun(t *testing.T) {
	rc := embeddedRC(t, "kinds-throw")
	var mu sync.Mutex
	ran := map[int]int{}
	job := SimpleJobFunc(func(_ context.Context, sc ShardingContext) error {
		mu.Lock()
		defer mu.Unlock()
		ran[sc.ShardingItem]++
		if sc.ShardingItem == 0 {
			return errors.New("boom")
		}
		return nil
	})
	cfg := everySecond("thrower", 2)
	cfg.JobErrorHandlerType = "THROW"
	cfg.JobExecutorServiceHandlerType = "SINGLE_THREAD"
	scheduleKind(t, rc, job, cfg)
	testkit.Eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return ran[0] >= 2 }, "two runs of item 0")
	mu.Lock()
	defer mu.Unlock()
	if ran[1] != 0 {
		t.Fatalf("item 1 ran %d times after item 0 failed under THROW", ran[1])
	}
}
