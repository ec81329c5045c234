package engine

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// An error handler that returns the error (ElasticJob's THROW) stops the run: the items not
// started yet are skipped and the after-listeners are not called. One that returns nil (LOG)
// lets the run go on.
func TestErrorHandlerThatThrowsStopsTheRun(t *testing.T) {
	for _, throw := range []bool{true, false} {
		name := map[bool]string{true: "throw", false: "log"}[throw]
		t.Run(name, func(t *testing.T) {
			cl := newEmbeddedCluster(t, 2*time.Second)
			cfg := jobapi.NewJobConfiguration("throwJob", 3)
			cfg.Cron = never
			cfg.JobExecutorServiceHandlerType = "SINGLE_THREAD" // items run one after another, in order
			var mu sync.Mutex
			var ran, handled []string
			runner := runnerFunc(func(_ context.Context, sc jobapi.ShardingContext) error {
				mu.Lock()
				defer mu.Unlock()
				ran = append(ran, itoa(sc.ShardingItem))
				if sc.ShardingItem == 0 {
					return errors.New("boom")
				}
				return nil
			})
			lis := &listener{}
			a := cl.start("10.0.0.1", 100)
			j, err := a.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: runner,
				Listeners: []jobapi.Listener{lis},
				ErrorHandler: func(job string, err error) error {
					mu.Lock()
					handled = append(handled, err.Error())
					mu.Unlock()
					if throw {
						return err
					}
					return nil
				}})
			must(t, err)
			j.Schedule()
			must(t, j.TriggerAll())
			testkit.Eventually(t, 5*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(handled) == 1 }, "the failure handled")
			time.Sleep(300 * time.Millisecond) // what would still run has had time to
			mu.Lock()
			defer mu.Unlock()
			wantRan, wantPhases := []string{"0", "1", "2"}, []string{"before", "after"}
			if throw {
				wantRan, wantPhases = []string{"0"}, []string{"before"}
			}
			if !slices.Equal(ran, wantRan) {
				t.Errorf("items run %v, want %v", ran, wantRan)
			}
			var phases []string
			for _, c := range lis.calls() {
				phases = append(phases, c.phase)
			}
			if !slices.Equal(phases, wantPhases) {
				t.Errorf("listener calls %v, want %v", phases, wantPhases)
			}
			if want := `job "throwJob" item 0: boom`; len(handled) != 1 || handled[0] != want {
				t.Errorf("handled %q, want [%s]", handled, want)
			}
			assertNothingStuck(t, a.center, "throwJob", 3)
		})
	}
}
