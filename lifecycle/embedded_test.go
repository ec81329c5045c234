package lifecycle_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
)

// A single-process service on the embedded registry is operated on its own session: the
// statistics read it, a trigger with a parameter and a disabled item reach its job, and the
// Operator's Close leaves the service's session alone.
func TestOperatingAServiceOnTheEmbeddedRegistry(t *testing.T) {
	if _, err := lifecycle.New(nil); err == nil {
		t.Error("New(nil) gave an operator")
	}
	rc, err := starter.NewRegistryCenter(ctx(), starter.RegistryCenterConfig{}, starter.WithIP("10.0.0.1"),
		starter.WithLogger(slog.New(slog.DiscardHandler)))
	must(t, err)
	defer rc.Close(context.Background())
	var mu sync.Mutex
	var runs []starter.ShardingContext
	job := starter.NewJobConfiguration("embedded", 2)
	job.JobParameter = "configured"
	oneOff, err := starter.NewOneOffJobBootstrap(rc, starter.SimpleJobFunc(func(_ context.Context, sc starter.ShardingContext) error {
		mu.Lock()
		runs = append(runs, sc)
		mu.Unlock()
		return nil
	}), job)
	must(t, err)
	defer oneOff.Shutdown(context.Background())

	op, err := lifecycle.New(rc)
	must(t, err)
	ran := func(n int) []starter.ShardingContext {
		t.Helper()
		testkit.Eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(runs) >= n }, "%d runs", n)
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		return append([]starter.ShardingContext(nil), runs...)
	}
	must(t, op.TriggerWithParameter(ctx(), "embedded", "now"))
	got := ran(2)
	if len(got) != 2 || got[0].JobParameter != "now" || got[1].JobParameter != "now" {
		t.Fatalf("runs %+v", got)
	}
	must(t, op.DisableItem(ctx(), "embedded", 0))
	time.Sleep(100 * time.Millisecond) // the job's cache sees the disabled node
	must(t, op.Trigger(ctx(), "embedded"))
	got = ran(3)
	if len(got) != 3 || got[2].ShardingItem != 1 || got[2].JobParameter != "configured" {
		t.Fatalf("runs after disabling item 0: %+v", got[2:])
	}
	j, err := op.Job(ctx(), "embedded")
	must(t, err)
	if j.Status != lifecycle.JobOK || j.InstanceCount != 1 {
		t.Errorf("job %+v", j)
	}
	must(t, op.Close())
	if _, err := op.Jobs(ctx()); err != nil {
		t.Errorf("the service's session after the operator's Close: %v", err)
	}
}
