package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// The items of one run run concurrently, at most 2 × GOMAXPROCS at a time (CPU), or one at a
// time with SINGLE_THREAD.
func TestItemPool(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	a := cl.start("10.0.0.1", 100)
	for _, tc := range []struct {
		pool string
		want int
	}{{"", 4}, {"SINGLE_THREAD", 1}} {
		name := "pool" + tc.pool
		cfg := jobapi.NewJobConfiguration(name, 4)
		cfg.Cron = never
		cfg.JobExecutorServiceHandlerType = tc.pool
		var mu sync.Mutex
		cur, peak, done := 0, 0, 0
		j, err := a.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob",
			Runner: runnerFunc(func(ctx context.Context, sc jobapi.ShardingContext) error {
				mu.Lock()
				cur++
				peak = max(peak, cur)
				mu.Unlock()
				time.Sleep(100 * time.Millisecond) // overlap, if the pool allows it
				mu.Lock()
				cur--
				done++
				mu.Unlock()
				return nil
			})})
		must(t, err)
		must(t, j.TriggerAll())
		testkit.Eventually(t, 5*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return done == 4 }, "%s: four items run", name)
		if want := min(tc.want, poolSize(&cfg)); peak != want {
			t.Errorf("%s: %d items at a time, want %d", name, peak, want)
		}
	}
}
