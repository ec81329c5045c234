package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/metrics"
)

// BenchmarkFireWithMetrics is BenchmarkFire with the metrics observer attached (registered,
// as a service has it): its cost over BenchmarkFire is what metrics add to a fire.
func BenchmarkFireWithMetrics(b *testing.B) {
	for _, monitor := range []bool{false, true} {
		b.Run(fmt.Sprintf("monitorExecution=%v", monitor), func(b *testing.B) {
			engine.BenchFire(b, monitor, registeredMetrics())
		})
	}
}

// BenchmarkFireMetricsRatio fires a job without observer and a job observed by metrics (each on
// a registry of its own) in alternating chunks of fires, which goes first taking turns, and
// reports the observed job's time per fire over the other's: a machine's load, which moves the
// two benchmarks above apart from one run to the next, falls on both alike here.
func BenchmarkFireMetricsRatio(b *testing.B) {
	const chunk = 20
	for _, monitor := range []bool{false, true} {
		b.Run(fmt.Sprintf("monitorExecution=%v", monitor), func(b *testing.B) {
			plain := engine.NewFireBench(b, monitor, nil)
			observed := engine.NewFireBench(b, monitor, registeredMetrics())
			var plainTime, observedTime time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			timed := func(f *engine.FireBench, n int, total *time.Duration) {
				start := time.Now()
				f.Fire(n)
				*total += time.Since(start)
			}
			for done := 0; done < b.N; done += chunk {
				n := min(chunk, b.N-done)
				if done/chunk%2 == 0 {
					timed(plain, n, &plainTime)
					timed(observed, n, &observedTime)
				} else {
					timed(observed, n, &observedTime)
					timed(plain, n, &plainTime)
				}
			}
			b.ReportMetric(float64(observedTime)/float64(plainTime), "metrics/plain")
		})
	}
}

func registeredMetrics() *metrics.Observer {
	obs := metrics.New(metrics.Process{})
	prometheus.NewRegistry().MustRegister(obs)
	return obs
}
