package starter

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/distributeonce"
	"github.com/elasticjob-go/elasticjob/internal/engine"
)

// BootstrapOption adds listeners, an error handler or a job class name to a bootstrap.
type BootstrapOption func(*engine.Spec)

// WithListeners adds per-instance listeners, called before and after every run.
func WithListeners(ls ...Listener) BootstrapOption {
	return func(s *engine.Spec) { s.Listeners = append(s.Listeners, ls...) }
}

// WithDistributeOnceListener adds a listener run once per fire across the cluster (ElasticJob's
// AbstractDistributeOnceElasticJobListener; see package distributeonce, best effort): its
// BeforeJobExecuted when the fire's last item starts, its AfterJobExecuted when the last item
// completes. A timeout ≤ 0 takes the default (distributeonce.DefaultStartedTimeout, 10 s, and
// distributeonce.DefaultCompletedTimeout, 1 min); a timeout goes to the job's error handler.
func WithDistributeOnceListener(l Listener, startedTimeout, completedTimeout time.Duration) BootstrapOption {
	return func(s *engine.Spec) {
		s.Listeners = append(s.Listeners, distributeonce.New(l, startedTimeout, completedTimeout))
	}
}

// WithErrorHandler receives item, listener and environment errors instead of the error log. A
// non-nil return stops the run, as ElasticJob's THROW handler does: no further item starts, and
// the run's misfire compensation, failover claims and after-listeners are skipped.
func WithErrorHandler(fn func(jobName string, err error) error) BootstrapOption {
	return func(s *engine.Spec) { s.ErrorHandler = fn }
}

// WithJobClassName sets the data of /{job} (ElasticJob's job class name); by default it is the
// Go type's package path and name, e.g. "example.com/shop/jobs.OrderSync".
func WithJobClassName(name string) BootstrapOption {
	return func(s *engine.Spec) { s.ClassName = name }
}

// ScheduleJobBootstrap is a cron job on this instance.
type ScheduleJobBootstrap struct{ job *engine.Job }

// NewScheduleJobBootstrap registers a cron job (configuration, election, server and instance
// nodes) as ElasticJob's ScheduleJobBootstrap constructor does; Schedule starts firing.
// job is a SimpleJob, a dataflow job wrapped by Dataflow, or a JobType (Script, HTTP).
func NewScheduleJobBootstrap(rc *RegistryCenter, job any, cfg JobConfiguration, opts ...BootstrapOption) (*ScheduleJobBootstrap, error) {
	if cfg.Cron == "" {
		return nil, fmt.Errorf("starter: job %q: a scheduled job needs a cron", cfg.JobName)
	}
	j, err := register(rc, job, cfg, opts)
	if err != nil {
		return nil, err
	}
	return &ScheduleJobBootstrap{job: j}, nil
}

// Schedule starts cron firing.
func (b *ScheduleJobBootstrap) Schedule() { b.job.Schedule() }

// Shutdown stops the job on this instance: firing and the listeners' waits stop at once; running
// items get the shutdown grace period (RegistryCenterConfig.ShutdownGracePeriod, cut short to end
// 2 s before ctx's deadline), then their ctx is cancelled and they get a second to return; an
// item still running then is named in the log and left behind. The instance node, the leader
// node if held and the running nodes of items left behind are removed in one transaction
// within ctx, so peers see a stop, not a crash.
func (b *ScheduleJobBootstrap) Shutdown(ctx context.Context) error { return b.job.Shutdown(ctx) }

// OneOffJobBootstrap is a job without cron, run on demand across the cluster.
type OneOffJobBootstrap struct{ job *engine.Job }

// NewOneOffJobBootstrap registers a job without cron; the instance takes part in sharding.
// job is a SimpleJob, a dataflow job wrapped by Dataflow, or a JobType (Script, HTTP).
func NewOneOffJobBootstrap(rc *RegistryCenter, job any, cfg JobConfiguration, opts ...BootstrapOption) (*OneOffJobBootstrap, error) {
	if cfg.Cron != "" {
		return nil, fmt.Errorf("starter: job %q: a one-off job must not have a cron, got %q", cfg.JobName, cfg.Cron)
	}
	j, err := register(rc, job, cfg, opts)
	if err != nil {
		return nil, err
	}
	return &OneOffJobBootstrap{job: j}, nil
}

// Execute runs the job once on every current instance (each runs its own items), through
// trigger/ nodes as ElasticJob does.
func (b *OneOffJobBootstrap) Execute() error { return b.job.TriggerAll() }

// Shutdown stops the job on this instance.
func (b *OneOffJobBootstrap) Shutdown(ctx context.Context) error { return b.job.Shutdown(ctx) }

func register(rc *RegistryCenter, job any, cfg JobConfiguration, opts []BootstrapOption) (*engine.Job, error) {
	spec, err := jobSpec(job, cfg) // kinds.go: every job kind, the pool type, the error handler
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(&spec)
	}
	return rc.rt.Register(spec)
}

// className names a job implementation the way /{job} records it: package path and type name
// (of the wrapped job for a dataflow job), or the function name for a SimpleJobFunc.
func className(v any) string {
	if v == nil {
		return ""
	}
	if f, ok := v.(SimpleJobFunc); ok {
		if fn := runtime.FuncForPC(reflect.ValueOf(f).Pointer()); fn != nil {
			return strings.TrimSuffix(fn.Name(), "-fm")
		}
	}
	rv := reflect.ValueOf(v)
	if _, ok := v.(DataflowJobValue); ok && rv.Kind() == reflect.Struct && rv.NumField() > 0 {
		rv = rv.Field(0).Elem() // dataflowJob[T].job: the user's type
	}
	t := rv.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}
