package starter

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// quiet keeps the engine's log out of the test output.
var quiet = WithLogger(slog.New(slog.DiscardHandler))

type countingJob struct {
	mu   sync.Mutex
	runs []ShardingContext
}

func (c *countingJob) Execute(_ context.Context, sc ShardingContext) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.runs = append(c.runs, sc)
	return nil
}

func (c *countingJob) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.runs)
}

// The plain-Go bootstrap: a scheduled job and a one-off job on one registry center.
func TestScheduleAndOneOffBootstraps(t *testing.T) {
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("starter-boot-%d", time.Now().UnixNano())
	ctx := context.Background()
	rc, err := NewRegistryCenter(ctx, RegistryCenterConfig{ServerLists: servers, Namespace: ns, SessionTimeout: 2 * time.Second},
		WithInstanceID("10.0.0.1@-@100"), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close(ctx)
	if rc.InstanceID() != "10.0.0.1@-@100" {
		t.Fatalf("instance id %q", rc.InstanceID())
	}

	cfg := NewJobConfiguration("bootJob", 2)
	if _, err := NewScheduleJobBootstrap(rc, &countingJob{}, cfg); err == nil || err.Error() != `starter: job "bootJob": a scheduled job needs a cron` {
		t.Fatalf("error %v", err)
	}
	cfg.Cron = "* * * * * ?"
	job := &countingJob{}
	b, err := NewScheduleJobBootstrap(rc, job, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.Schedule()
	testkit.Eventually(t, 10*time.Second, func() bool { return job.count() >= 2 }, "two items run")
	job.mu.Lock()
	sc := job.runs[0]
	job.mu.Unlock()
	if sc.JobName != "bootJob" || sc.ShardingTotalCount != 2 || sc.FireTime.Nanosecond() != 0 || sc.TaskID != "bootJob@-@0,1@-@READY@-@10.0.0.1@-@100" {
		t.Fatalf("sharding context %+v", sc)
	}

	check, err := reg.Connect(ctx, reg.Config{ServerLists: servers, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	if cls, _ := check.Get("/bootJob"); cls != "github.com/elasticjob-go/elasticjob/starter.countingJob" {
		t.Fatalf("/bootJob holds %q", cls)
	}
	if got, _ := check.Get("/bootJob/config"); got != nodedata.MarshalJobConfig(cfg) {
		t.Fatalf("config node %q", got)
	}

	oneCfg := NewJobConfiguration("onceJob", 3)
	if _, err := NewOneOffJobBootstrap(rc, &countingJob{}, cfg); err == nil || err.Error() != `starter: job "bootJob": a one-off job must not have a cron, got "* * * * * ?"` {
		t.Fatalf("error %v", err)
	}
	once := &countingJob{}
	ob, err := NewOneOffJobBootstrap(rc, once, oneCfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ob.Execute(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() bool { return once.count() == 3 }, "the one-off job's three items run")
	time.Sleep(300 * time.Millisecond)
	if n := once.count(); n != 3 {
		t.Fatalf("one-off job ran %d items, want 3", n)
	}

	if err := b.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := check.Exists("/bootJob/instances/10.0.0.1@-@100"); ok {
		t.Fatal("instance node left after shutdown")
	}
}

// An empty serverLists is the embedded registry: the same bootstrap runs on it.
func TestBootstrapOnTheEmbeddedRegistry(t *testing.T) {
	ctx := context.Background()
	rc, err := NewRegistryCenter(ctx, RegistryCenterConfig{Namespace: "embedded"}, WithIP("10.0.0.5"), quiet)
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewJobConfiguration("embeddedJob", 2)
	cfg.Cron = "* * * * * ?"
	job := &countingJob{}
	b, err := NewScheduleJobBootstrap(rc, job, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.Schedule()
	testkit.Eventually(t, 10*time.Second, func() bool { return job.count() >= 2 }, "two items run")
	if err := rc.Close(ctx); err != nil {
		t.Fatal(err)
	}
	job.mu.Lock()
	defer job.mu.Unlock()
	if want := fmt.Sprintf("embeddedJob@-@0,1@-@READY@-@10.0.0.5@-@%d", os.Getpid()); job.runs[0].TaskID != want {
		t.Fatalf("TaskID %q, want %q", job.runs[0].TaskID, want)
	}
}

// A dataflow job through the bootstrap: streaming keeps fetching until no data; the class name
// is the wrapped type's; anything else is refused.
func TestDataflowJobThroughTheBootstrap(t *testing.T) {
	ctx := context.Background()
	rc, err := NewRegistryCenter(ctx, RegistryCenterConfig{Namespace: "dataflow"}, WithIP("10.0.0.6"), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close(ctx)
	cfg := NewJobConfiguration("flowJob", 1)
	cfg.Props = map[string]string{"streaming.process": "TRUE"}
	job := &syncBatches{batches: batches{pending: [][]string{{"a", "b"}, {"c"}}}}
	b, err := NewOneOffJobBootstrap(rc, Dataflow[string](job), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := className(Dataflow[string](job)); got != "github.com/elasticjob-go/elasticjob/starter.syncBatches" {
		t.Fatalf("class name %q", got)
	}
	if err := b.Execute(); err != nil {
		t.Fatal(err)
	}
	// A streaming run stops early when a resharding becomes pending — and the registration of
	// this very instance may still set the flag while the first run streams. What is left is
	// processed by the next run, as in ElasticJob, so trigger again until all data is processed.
	testkit.Eventually(t, 10*time.Second, func() bool {
		if len(job.done()) == 3 {
			return true
		}
		if err := b.Execute(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		return len(job.done()) == 3
	}, "three records processed")
	if got := job.done(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("processed %q, want each record once, in order", got)
	}
	if _, err := NewOneOffJobBootstrap(rc, 42, NewJobConfiguration("badJob", 1)); err == nil || err.Error() != `starter: job "badJob": int is neither a SimpleJob nor a dataflow job (starter.Dataflow)` {
		t.Fatalf("error %v", err)
	}
}

type syncBatches struct {
	mu sync.Mutex
	batches
}

func (s *syncBatches) FetchData(ctx context.Context, sc ShardingContext) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches.FetchData(ctx, sc)
}

func (s *syncBatches) ProcessData(ctx context.Context, sc ShardingContext, data []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches.ProcessData(ctx, sc, data)
}

func (s *syncBatches) done() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.processed...)
}
