package starter

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// endless hands out a batch on every fetch: a streaming run only ends when something stops it.
type endless struct {
	mu        sync.Mutex
	processed int
}

func (e *endless) FetchData(ctx context.Context, sc ShardingContext) ([]int, error) {
	return []int{1}, nil
}

func (e *endless) ProcessData(ctx context.Context, sc ShardingContext, data []int) error {
	time.Sleep(20 * time.Millisecond)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.processed++
	return nil
}

func (e *endless) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.processed
}

// runEnds records the end of every run.
type runEnds struct{ ended chan struct{} }

func (r runEnds) BeforeJobExecuted(context.Context, ShardingContexts) error { return nil }
func (r runEnds) AfterJobExecuted(context.Context, ShardingContexts) error {
	r.ended <- struct{}{}
	return nil
}

// On a real ZooKeeper: a streaming dataflow run keeps fetching while data comes, and stops at
// the next batch once a resharding becomes pending — here because a second instance joins.
func TestStreamingDataflowStopsWhenReshardingBecomesPending(t *testing.T) {
	servers := zktest.Servers(t)
	ns := "streaming-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	connect := func(ip string) *RegistryCenter {
		rc, err := NewRegistryCenter(context.Background(), RegistryCenterConfig{ServerLists: servers, Namespace: ns},
			WithIP(ip), WithInstanceID(ip+"@-@1"), quiet)
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
	cfg := NewJobConfiguration("stream", 1)
	cfg.Props = map[string]string{"streaming.process": "true"}

	job := &endless{}
	ends := runEnds{ended: make(chan struct{}, 8)}
	first, err := NewOneOffJobBootstrap(connect("10.0.0.1"), Dataflow[int](job), cfg, WithListeners(ends))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Execute(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() bool { return job.count() >= 10 }, "ten batches streamed")
	select {
	case <-ends.ended:
		t.Fatalf("the run ended after %d batches with data still coming and no resharding pending", job.count())
	default:
	}

	joined := time.Now()
	if _, err := NewOneOffJobBootstrap(connect("10.0.0.2"), Dataflow[int](&endless{}), cfg); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ends.ended:
		t.Logf("the run stopped %v after the second instance joined, after %d batches", time.Since(joined).Round(time.Millisecond), job.count())
	case <-time.After(10 * time.Second):
		t.Fatalf("still streaming 10s after a resharding became pending (%d batches)", job.count())
	}
	stopped := job.count()
	time.Sleep(200 * time.Millisecond)
	if n := job.count(); n != stopped {
		t.Fatalf("%d batches processed after the run ended", n-stopped)
	}
}
