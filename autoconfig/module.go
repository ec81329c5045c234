package autoconfig

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Module wires ElasticJob from configuration: it binds *Properties (YAML files and the
// environment over the jobs declared in code), provides the *Registry and *OneOffJobs (runs
// the jobs without cron on demand), and registers and schedules every job, with its
// per-instance and distribute-once listeners, from one OnStart hook that runs after the OnStart
// hooks of every job's dependencies. That hook registers for a bounded time (half the start
// timeout left, at most 5 s); jobs not registered by then register in the background, each
// scheduled once registered, and /readyz answers 503 until all are. OnStop stops firing, gives running items the shutdown grace
// period (regCenter.shutdownGracePeriodMilliseconds, within fx's stop timeout) before it
// cancels them, and removes this instance's nodes. With elasticjob.dump.port set, it also serves
// ElasticJob's dump service (see DumpProperties) from after the jobs start until before they
// stop. A service is
//
//	fx.New(autoconfig.Module, jobs.Module).Run()
//
// It also gives the service its HTTP side: Prometheus metrics of what the engine does, /healthz
// and /readyz, all in *HTTPHandlers, served by *HTTPServer on elasticjob.http.address or
// mounted by the service on its own server.
//
// Every configuration problem fails fx.New, all of them in one error. Building the
// application never connects to ZooKeeper: that happens in OnStart.
var Module = fx.Module("elasticjob",
	fx.Provide(provide, provideRegistry, newHTTPHandlers, newHTTPServer),
	fx.Invoke(func(*HTTPServer) {}), // listens before the jobs register: its hook comes first
	fx.Invoke(schedule),
	fx.Invoke(serveDump),
)

// Params is what Module takes from the application: the jobs and listeners declared in code
// (ejgen's generated modules provide them) and, optionally, a logger.
type Params struct {
	fx.In
	Jobs      []starter.JobDefinition      `group:"elasticjob.jobs"`
	Listeners []starter.ListenerDefinition `group:"elasticjob.listeners"`
	Logger    *slog.Logger                 `optional:"true"`
}

// Result is what Module provides from the configuration.
type Result struct {
	fx.Out
	Properties *Properties
	OneOffJobs *OneOffJobs
}

func provide(p Params) (Result, error) {
	log := logger(p.Logger)
	props, err := load(p.Jobs)
	if err = errors.Join(err, checkListeners(p.Listeners, props)); err != nil {
		return Result{}, err
	}
	for _, w := range props.warnings {
		log.Warn("elasticjob: " + w)
	}
	return Result{Properties: props, OneOffJobs: newOneOffJobs(props)}, nil
}

// RegistryParams is what the registry takes: the configuration, the observers of the engine
// (tracing.Module provides its observer in the group; observers may depend on *Properties,
// which is why the registry has a provider of its own) and the metrics' registry.
type RegistryParams struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *Properties
	Logger     *slog.Logger `optional:"true"`
	// Observers receive the engine's events.
	Observers []starter.Observer `group:"elasticjob.observers"`
	// Registerer, when the application provides one, gets the metrics instead of Prometheus's
	// default registry; /metrics serves Gatherer, else the Registerer when it is a
	// *prometheus.Registry (else the default registry's metrics).
	Registerer prometheus.Registerer `optional:"true"`
	Gatherer   prometheus.Gatherer   `optional:"true"`
}

// RegistryResult is the registry and the HTTP handlers that report on it.
type RegistryResult struct {
	fx.Out
	Registry *Registry
	// Handlers are /metrics, /healthz and /readyz, for the service's HTTP server or the
	// service's own (see HTTPHandlers).
	Handlers []HTTPHandler `group:"elasticjob.http.handlers,flatten"`
}

// tracer is what package tracing's observer has: the sign that tracing.Module is in the
// application (autoconfig does not import tracing, which builds on it), and its count of the
// events it dropped, for the metrics.
type tracer interface {
	Traces(job string) bool
	Dropped() uint64
}

// tracingOf is the application's tracing observer, nil without one.
func tracingOf(obs []starter.Observer) tracer {
	for _, o := range obs {
		if t, ok := o.(tracer); ok {
			return t
		}
	}
	return nil
}

func provideRegistry(p RegistryParams) (RegistryResult, error) {
	props := p.Properties
	tr := tracingOf(p.Observers)
	if props.Tracing.Type != "" && tr == nil {
		return RegistryResult{}, errors.New("elasticjob.tracing.type is RDB but the application does not include tracing.Module " +
			"(github.com/elasticjob-go/elasticjob/tracing): fx.New(autoconfig.Module, tracing.Module, …)")
	}
	reg := &Registry{cfg: props.RegCenter.registryConfig(), log: logger(p.Logger)}
	m := newServiceMetrics(p.Registerer, p.Gatherer, reg, tr)
	reg.observers = append(slices.Clone(p.Observers), m.observer)
	p.Lifecycle.Append(fx.Hook{OnStart: m.start, OnStop: m.stop})
	p.Lifecycle.Append(fx.Hook{OnStart: reg.start, OnStop: reg.stop})
	h := &health{registry: reg, jobs: slices.Sorted(maps.Keys(props.Jobs))}
	handlers := h.handlers()
	if mh, ok := m.handler(); ok {
		handlers = append(handlers, mh)
	}
	return RegistryResult{Registry: reg, Handlers: handlers}, nil
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}

// checkListeners reports listener definitions without a listener and listeners of jobs that
// do not exist: a listener is never skipped silently.
func checkListeners(ls []starter.ListenerDefinition, props *Properties) error {
	var errs []error
	for _, l := range ls {
		kind := "listener"
		if l.DistributeOnce {
			kind = "distribute-once listener"
		}
		switch {
		case l.Listener == nil:
			errs = append(errs, fmt.Errorf("job %q: %s definition without a listener", l.Job, kind))
		case props != nil:
			if _, ok := props.Jobs[l.Job]; !ok {
				errs = append(errs, fmt.Errorf("job %q: %s %T: no such job is declared in code or configuration", l.Job, kind, l.Listener))
			}
		}
	}
	return errors.Join(errs...)
}

// scheduleParams is what the registering invoke needs. It takes the job definitions itself:
// fx builds them (and so everything they depend on, whose OnStart hooks are appended then)
// before it calls the invoke, whose hook therefore runs after all of theirs.
type scheduleParams struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *Properties
	Registry   *Registry
	OneOffJobs *OneOffJobs
	Jobs       []starter.JobDefinition      `group:"elasticjob.jobs"`
	Listeners  []starter.ListenerDefinition `group:"elasticjob.listeners"`
	Shutdowner fx.Shutdowner
	Logger     *slog.Logger `optional:"true"`
}

func schedule(p scheduleParams) {
	s := &scheduler{registry: p.Registry, oneOff: p.OneOffJobs, runs: plan(p.Properties, p.Jobs, p.Listeners),
		shutdowner: p.Shutdowner, log: logger(p.Logger)}
	p.Lifecycle.Append(fx.Hook{OnStart: s.start, OnStop: s.stop})
}

// jobRun is one job ready to register.
type jobRun struct {
	cfg  starter.JobConfiguration
	job  any
	opts []starter.BootstrapOption
}

// plan turns the validated configuration into the jobs to register, in name order.
func plan(props *Properties, defs []starter.JobDefinition, ls []starter.ListenerDefinition) []jobRun {
	byJob := map[string][]starter.ListenerDefinition{}
	for _, l := range ls {
		byJob[l.Job] = append(byJob[l.Job], l)
	}
	var runs []jobRun
	for _, name := range slices.Sorted(maps.Keys(props.Jobs)) {
		jp := props.Jobs[name]
		r := jobRun{cfg: jp.Configuration(name)}
		if jp.ElasticJobType != "" {
			r.job = starter.JobType(jp.ElasticJobType)
		} else {
			def, _ := implementation(defs, jp.ElasticJobClass)
			r.job = def.Job
			r.opts = append(r.opts, starter.WithJobClassName(def.Class))
		}
		if jp.JobClassName != "" {
			r.opts = append(r.opts, starter.WithJobClassName(jp.JobClassName))
		}
		listeners := byJob[name]
		slices.SortStableFunc(listeners, func(a, b starter.ListenerDefinition) int { return cmp.Compare(a.Order, b.Order) })
		for _, l := range listeners {
			if l.DistributeOnce {
				r.opts = append(r.opts, starter.WithDistributeOnceListener(l.Listener, l.StartedTimeout, l.CompletedTimeout))
			} else {
				r.opts = append(r.opts, starter.WithListeners(l.Listener))
			}
		}
		runs = append(runs, r)
	}
	return runs
}
