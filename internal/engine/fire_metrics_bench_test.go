package engine_test

import (
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/metrics"
)

// BenchmarkFireWithMetrics is BenchmarkFire with the metrics observer attached (registered,
// as a service has it): its cost over BenchmarkFire is what metrics add to a fire.
func BenchmarkFireWithMetrics(b *testing.B) {
	for _, monitor := range []bool{false, true} {
		b.Run(fmt.Sprintf("monitorExecution=%v", monitor), func(b *testing.B) {
			obs := metrics.New(metrics.Process{})
			prometheus.NewRegistry().MustRegister(obs)
			engine.BenchFire(b, monitor, obs)
		})
	}
}
