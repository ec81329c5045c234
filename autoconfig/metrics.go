package autoconfig

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/elasticjob-go/elasticjob/metrics"
)

// serviceMetrics is the metrics observer of the service and where it is registered: on the
// prometheus.Registerer of the fx graph, else the default registry, from OnStart to OnStop (so
// that applications built one after another in a process register in turn).
type serviceMetrics struct {
	observer   *metrics.Observer
	registerer prometheus.Registerer
	gatherer   prometheus.Gatherer
}

func newServiceMetrics(r prometheus.Registerer, g prometheus.Gatherer, registry *Registry, tr tracer) *serviceMetrics {
	if r == nil {
		r = prometheus.DefaultRegisterer
		if g == nil {
			g = prometheus.DefaultGatherer
		}
	}
	if g == nil {
		if rg, ok := r.(prometheus.Gatherer); ok {
			g = rg // a *prometheus.Registry given as the Registerer serves its own metrics
		}
	}
	var dropped func() uint64
	if tr != nil {
		dropped = tr.Dropped
	}
	obs := metrics.New(metrics.Process{
		TracingDropped: dropped,
		Connected: func() bool {
			rc := registry.Center()
			return rc != nil && rc.Connected()
		},
		Requests: func() int64 {
			if rc := registry.Center(); rc != nil {
				return rc.Requests()
			}
			return 0
		},
	})
	return &serviceMetrics{observer: obs, registerer: r, gatherer: g}
}

func (m *serviceMetrics) start(context.Context) error {
	if err := m.registerer.Register(m.observer); err != nil {
		return fmt.Errorf("elasticjob: registering the metrics: %w (another elasticjob application in this process? give each its own prometheus.Registerer)", err)
	}
	return nil
}

func (m *serviceMetrics) stop(context.Context) error {
	m.registerer.Unregister(m.observer)
	return nil
}

// handler serves the metrics of the gatherer in the Prometheus exposition formats; without a
// gatherer (a Registerer that is not one, and none given) there is nothing to serve.
func (m *serviceMetrics) handler() (HTTPHandler, bool) {
	if m.gatherer == nil {
		return HTTPHandler{}, false
	}
	return HTTPHandler{Pattern: "/metrics", Handler: promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})}, true
}
