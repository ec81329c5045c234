package starter

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/regof"
)

// RegistryCenterConfig is the regCenter configuration, with ElasticJob's meaning and defaults
// (zero values take them: 60 s session, 15 s connection, 1 s base sleep, 3 s max sleep, 3
// retries).
type RegistryCenterConfig struct {
	ServerLists       string // "host:port,host:port"
	Namespace         string
	Digest            string // "user:password"
	SessionTimeout    time.Duration
	ConnectionTimeout time.Duration
	// BaseSleepTime and MaxSleepTime pace the rounds of connection attempts while there is no
	// session to keep (none yet, or lost), as Curator's ExponentialBackoffRetry (ElasticJob's)
	// paces retries: base × a random factor in [1, 2^(n+1)) after n rounds, at most
	// MaxSleepTime, never under 1 s. MaxSleepTime × MaxRetries bounds the wait for the first
	// session.
	BaseSleepTime time.Duration
	MaxSleepTime  time.Duration
	MaxRetries    int
	// ShutdownGracePeriod is how long stopping (RegistryCenter.Close, a bootstrap's Shutdown)
	// waits for running items before it cancels their ctx; 0 takes the default, 10 s. Keep it
	// a few seconds inside the stop context's deadline (fx.StopTimeout, 15 s by default): the
	// last 2 s of that context are kept for removing this instance's nodes and closing the
	// session, and the grace period is cut short to keep them.
	ShutdownGracePeriod time.Duration
}

// RegistryCenter is a registry session plus the process-wide engine that runs every job on it:
// one session, one cron scheduler, one instance identity. Create one per process.
type RegistryCenter struct {
	center *reg.Center
	rt     *engine.Runtime
}

// RegistryOption adjusts the instance identity or the runtime.
type RegistryOption func(*registryOptions)

type registryOptions struct {
	engine engine.Options
}

// WithIP sets the server IP (servers/{ip}, and the ip of ip@-@pid) instead of the first
// non-loopback IPv4 address.
func WithIP(ip string) RegistryOption { return func(o *registryOptions) { o.engine.IP = ip } }

// WithInstanceID replaces the whole instance id ip@-@pid.
func WithInstanceID(id string) RegistryOption {
	return func(o *registryOptions) { o.engine.InstanceID = id }
}

// WithLogger sets the logger of the registry and the engine.
func WithLogger(l *slog.Logger) RegistryOption {
	return func(o *registryOptions) { o.engine.Logger = l }
}

// NewRegistryCenter connects to ZooKeeper (an empty ServerLists means the embedded in-process
// registry, for one process only) and starts the process's engine on that session.
func NewRegistryCenter(ctx context.Context, cfg RegistryCenterConfig, opts ...RegistryOption) (*RegistryCenter, error) {
	var o registryOptions
	for _, opt := range opts {
		opt(&o)
	}
	rc := reg.Config{
		ServerLists: cfg.ServerLists, Namespace: cfg.Namespace, Digest: cfg.Digest,
		SessionTimeout: cfg.SessionTimeout, ConnectionTimeout: cfg.ConnectionTimeout,
		BaseSleepTime: cfg.BaseSleepTime, MaxSleepTime: cfg.MaxSleepTime, MaxRetries: cfg.MaxRetries,
		Logger: o.engine.Logger,
	}
	var center *reg.Center
	var err error
	if cfg.ServerLists == "" {
		center, err = reg.NewEmbedded(rc)
	} else {
		center, err = reg.Connect(ctx, rc)
	}
	if err != nil {
		return nil, err
	}
	o.engine.ShutdownGracePeriod = cfg.ShutdownGracePeriod
	o.engine.SessionTimeout = cfg.SessionTimeout
	if o.engine.SessionTimeout <= 0 {
		o.engine.SessionTimeout = 60 * time.Second // ElasticJob's (Curator's) default
	}
	rt, err := engine.NewRuntime(center, o.engine)
	if err != nil {
		_ = center.Close()
		return nil, err
	}
	return &RegistryCenter{center: center, rt: rt}, nil
}

// LockOutsideNamespace takes a lock that belongs to no job at an absolute ZooKeeper path outside
// the namespace (ElasticJob's tools take every child of the namespace root for a job), with
// Curator's LeaderLatch protocol. It returns when held or when ctx ends; the lock is lost with
// the session; unlock releases it.
func (r *RegistryCenter) LockOutsideNamespace(ctx context.Context, zkPath string) (unlock func(), err error) {
	return r.center.LockOutsideNamespace(ctx, zkPath)
}

// InstanceID is this process's instance id.
func (r *RegistryCenter) InstanceID() string { return r.rt.InstanceID() }

// Connected says whether the registry session is connected now (not suspended, lost or closed).
func (r *RegistryCenter) Connected() bool { return r.center.Connected() }

// Registered says whether the job is registered on this instance now: not shut down, and its
// instance node created in the current registry session (after a session is lost, from when the
// engine has registered it again).
func (r *RegistryCenter) Registered(job string) bool {
	j, ok := r.rt.Job(job)
	return ok && j.Registered()
}

// Requests is how many requests this process has sent to the registry (ZooKeeper, or the
// embedded registry): every read, write and watch, a transaction as one; not the pings.
func (r *RegistryCenter) Requests() int64 { return r.center.Requests() }

// Close stops every job of the process together (firing stops at once, running items get the
// shutdown grace period, then their ctx is cancelled; see ScheduleJobBootstrap.Shutdown), removes
// this instance's nodes and ends the session, all within ctx.
func (r *RegistryCenter) Close(ctx context.Context) error {
	err := r.rt.Close(ctx)
	return errors.Join(err, r.center.Close())
}

func init() {
	regof.Set(func(v any) *reg.Center {
		if rc, ok := v.(*RegistryCenter); ok && rc != nil {
			return rc.center
		}
		return nil
	})
	regof.SetRuntime(func(v any) *engine.Runtime {
		if rc, ok := v.(*RegistryCenter); ok && rc != nil {
			return rc.rt
		}
		return nil
	})
}
