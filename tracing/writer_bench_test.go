package tracing

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// benchRuns are the events of n one-item runs of 100 jobs, as the engine posts them.
func benchRuns(n int) []Event {
	evs := make([]Event, 0, 5*n)
	now := time.Now()
	for k := range n {
		job := fmt.Sprintf("job%d", k%100)
		evs = append(evs, run(job, starter.SourceNormal, 0, []int{0}, nil)...)
		for i := range evs[len(evs)-5:] {
			evs[len(evs)-5+i].Time = now
		}
	}
	return evs
}

// BenchmarkWriter: events written per second by one observer's writer (b.N events, posted at
// once, timed to the last row).
func BenchmarkWriter(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			ds := be.open(b)
			s, err := Open(context.Background(), ds)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			evs := benchRuns(b.N/5 + 1)[:b.N]
			o, err := NewObserver(s, Options{QueueSize: b.N, Logger: quietLog})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for _, e := range evs {
				o.Observe(e)
			}
			if err := o.Close(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if o.Written() != uint64(b.N) {
				b.Fatalf("written %d of %d", o.Written(), b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkObserve: the fire path's cost of one event (queue never full), through each job's
// observer as the engine holds it (ForJob, asked once per job).
func BenchmarkObserve(b *testing.B) {
	o, err := newObserver(Options{QueueSize: b.N + 1, Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	evs := benchRuns(b.N/5 + 1)
	jobs := map[string]starter.Observer{}
	to := make([]starter.Observer, len(evs)) // each event's job observer, looked up before the clock starts
	for i, e := range evs {
		if jobs[e.Job] == nil {
			jobs[e.Job] = o.ForJob(e.Job)
		}
		to[i] = jobs[e.Job]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		to[i].Observe(evs[i])
	}
}
