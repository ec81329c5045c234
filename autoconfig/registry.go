package autoconfig

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Registry is the process's registry center as configured by elasticjob.regCenter. It
// connects in its OnStart hook, not when fx builds it, so that building the application
// (fx.New, fx.ValidateApp) never waits for ZooKeeper; Center is valid from then on — in the
// OnStart hooks of components that depend on *Registry, and in everything that runs later.
type Registry struct {
	cfg       starter.RegistryCenterConfig
	log       *slog.Logger
	observers []starter.Observer

	// registering is true while the jobs register at start-up (for /readyz).
	registering atomic.Bool

	mu sync.Mutex
	rc *starter.RegistryCenter
}

// Center is the connected registry center, or nil before OnStart and after OnStop.
func (r *Registry) Center() *starter.RegistryCenter {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rc
}

// start connects: to ZooKeeper within ctx (the start timeout), or to the embedded registry.
func (r *Registry) start(ctx context.Context) error {
	if r.cfg.ServerLists == "" {
		r.log.Warn("elasticjob: regCenter.serverLists is not set: using the embedded in-process registry, which coordinates the jobs of this process only")
	}
	opts := []starter.RegistryOption{starter.WithLogger(r.log)}
	for _, o := range r.observers {
		opts = append(opts, starter.WithObserver(o))
	}
	rc, err := starter.NewRegistryCenter(ctx, r.cfg, opts...)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.rc = rc
	r.mu.Unlock()
	return nil
}

// stop closes the session: every job of the process is stopped (the jobs' own OnStop hook
// has already shut them down), this instance's ephemeral nodes go with the session.
func (r *Registry) stop(ctx context.Context) error {
	r.mu.Lock()
	rc := r.rc
	r.rc = nil
	r.mu.Unlock()
	if rc == nil {
		return nil
	}
	return rc.Close(ctx)
}
