package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/memzk"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// The engine's own work per fire, on the embedded registry so that the figures are the engine's
// CPU and allocations, not the network's: the part of ejbench's row 2 (fire latency) that the
// engine adds to the scheduler's.
//
//	go test -run '^$' -bench Fire -benchmem ./internal/engine/

// BenchmarkFire is one cron fire of one job of 2 items, from the fire to the end of the run.
func BenchmarkFire(b *testing.B) {
	for _, monitor := range []bool{false, true} {
		b.Run(fmt.Sprintf("monitorExecution=%v", monitor), func(b *testing.B) { benchFire(b, monitor, nil) })
	}
}

// benchFire fires one job of 2 items b.N times, its events going to obs (nil: unobserved).
// BenchmarkFireWithMetrics (package engine_test) runs it with the metrics observer.
func benchFire(b *testing.B, monitor bool, obs Observer) {
	jobs, _ := benchJobs(b, 1, monitor, obs)
	fire := time.Now().Truncate(time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		fire = fire.Add(time.Second)
		jobs[0].fire(kindCron, fire)
	}
}

// BenchmarkFireTogether fires 100 jobs of 2 items at the same instant, each on its own goroutine
// as the scheduler starts them, and waits for their 200 items to start: the time per fire, and the
// latest item's start after the fires began (as row 2's p99 sees it).
func BenchmarkFireTogether(b *testing.B) {
	const n = 100
	for _, monitor := range []bool{false, true} {
		b.Run(fmt.Sprintf("monitorExecution=%v", monitor), func(b *testing.B) {
			jobs, started := benchJobs(b, n, monitor, nil)
			fire := time.Now().Truncate(time.Second)
			var last time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				fire = fire.Add(time.Second)
				last += fireTogether(jobs, started, fire)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/fire")
			b.ReportMetric(float64(last.Microseconds())/float64(b.N), "µs-to-last-start")
		})
	}
}

// fireTogether fires every job at fire, each on its own goroutine as robfig starts them, and
// returns the time until the last of their 2 items each has started.
func fireTogether(jobs []*Job, started chan struct{}, fire time.Time) time.Duration {
	begin := time.Now()
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { j.fire(kindCron, fire) })
	}
	for range 2 * len(jobs) {
		<-started
	}
	last := time.Since(begin)
	wg.Wait()
	return last
}

// benchJobs registers n unscheduled jobs of 2 items on one instance of an embedded registry,
// sharded, whose items signal started when they run; obs observes them (nil: nobody).
func benchJobs(b *testing.B, n int, monitor bool, obs Observer) ([]*Job, chan struct{}) {
	b.Helper()
	srv := memzk.NewServer()
	b.Cleanup(srv.Close)
	c, err := reg.NewEmbeddedOn(srv, reg.Config{Namespace: "bench", SessionTimeout: 10 * time.Second, Logger: testLog})
	if err != nil {
		b.Fatal(err)
	}
	rt, err := NewRuntime(c, Options{InstanceID: InstanceID("10.0.0.1", 1), Logger: testLog, Observer: obs})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rt.Close(ctx)
		c.Close()
	})
	started := make(chan struct{}, 2*n)
	runner := runnerFunc(func(context.Context, jobapi.ShardingContext) error {
		select {
		case started <- struct{}{}:
		default:
		}
		return nil
	})
	jobs := make([]*Job, n)
	for k := range jobs {
		cfg := jobapi.NewJobConfiguration(fmt.Sprintf("job%d", k), 2)
		cfg.Cron = "* * * * * ?"
		cfg.MonitorExecution = monitor
		j, err := rt.Register(Spec{Config: cfg, ClassName: "com.example.BenchJob", Runner: runner})
		if err != nil {
			b.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); ; {
			j.shardIfNecessary()
			if len(j.localItems(2)) == 2 && !j.exists(nodepath.ShardingNecessary(j.name)) {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("job %s not sharded", j.name)
			}
			time.Sleep(time.Millisecond)
		}
		jobs[k] = j
	}
	// Drain what sharding may have started, so that each round counts its own starts.
	for len(started) > 0 {
		<-started
	}
	return jobs, started
}
