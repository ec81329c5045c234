package engine

import (
	"testing"
	"time"
)

// BenchFire is BenchmarkFire's body, for package engine_test's benchmarks with observers that
// import the engine themselves (metrics).
func BenchFire(b *testing.B, monitor bool, obs Observer) { benchFire(b, monitor, obs) }

// FireBench is one job of 2 items ready to fire (see benchJobs), its events going to obs.
type FireBench struct {
	job  *Job
	next time.Time
}

func NewFireBench(b *testing.B, monitor bool, obs Observer) *FireBench {
	jobs, _ := benchJobs(b, 1, monitor, obs)
	return &FireBench{job: jobs[0], next: time.Now().Truncate(time.Second)}
}

// Fire fires the job n times, each fire a second after the previous one.
func (f *FireBench) Fire(n int) {
	for range n {
		f.next = f.next.Add(time.Second)
		f.job.fire(kindCron, f.next)
	}
}

// BurstBench is n jobs of 2 items ready to fire together (see BenchmarkFireTogether), their
// events going to obs.
type BurstBench struct {
	jobs    []*Job
	started chan struct{}
	next    time.Time
}

func NewBurstBench(b *testing.B, n int, monitor bool, obs Observer) *BurstBench {
	jobs, started := benchJobs(b, n, monitor, obs)
	return &BurstBench{jobs: jobs, started: started, next: time.Now().Truncate(time.Second)}
}

// Burst fires every job at the same instant and returns the time until the last item started.
func (f *BurstBench) Burst() time.Duration {
	f.next = f.next.Add(time.Second)
	return fireTogether(f.jobs, f.started, f.next)
}
