package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
	"github.com/elasticjob-go/elasticjob/tracing"
)

// Module serves the console from the service itself when elasticjob.http.console is true:
//
//	fx.New(autoconfig.Module, console.Module, jobs.Module).Run()
//
// It contributes the console at "/" to the group elasticjob.http.handlers, which the service's
// HTTP server (elasticjob.http.address) mounts, with the accounts of elasticjob.http.auth. The
// console operates the registry on the service's own session. With tracing.Module and
// elasticjob.tracing, it shows the history and every instance's runs from the tracing
// database; without, the runs of this instance, which a Recorder among the engine's observers
// keeps (bounded, in memory).
var Module = fx.Module("elasticjob.console",
	fx.Provide(provideRecorder, provideHandler),
	fx.Invoke(announce),
)

// RecorderResult puts the module's Recorder among the engine's observers when the console
// needs it: the console is on and there is no tracing database.
type RecorderResult struct {
	fx.Out
	Observers []starter.Observer `group:"elasticjob.observers,flatten"`
	Recorder  *Recorder          // nil when not needed
}

type recorderParams struct {
	fx.In
	Properties *autoconfig.Properties
}

func provideRecorder(p recorderParams) RecorderResult {
	if !p.Properties.HTTP.Console || p.Properties.Tracing.Type != "" {
		return RecorderResult{}
	}
	r := NewRecorder()
	return RecorderResult{Observers: []starter.Observer{r}, Recorder: r}
}

// Params is what the console is built from.
type Params struct {
	fx.In
	Properties *autoconfig.Properties
	Registry   *autoconfig.Registry
	Recorder   *Recorder
	// Tracing is tracing.Module's observer (nil when tracing is off or the module is absent).
	Tracing *tracing.Observer `optional:"true"`
	Logger  *slog.Logger      `optional:"true"`
}

// Result contributes the console at "/" when elasticjob.http.console is true, nothing otherwise.
type Result struct {
	fx.Out
	Handlers []autoconfig.HTTPHandler `group:"elasticjob.http.handlers,flatten"`
}

func provideHandler(p Params) Result {
	if !p.Properties.HTTP.Console {
		return Result{}
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	a := p.Properties.HTTP.Auth
	h := &serviceConsole{
		registry: p.Registry,
		tracing:  p.Tracing,
		opts: Options{
			Auth:      Auth{Username: a.Username, Password: a.Password, GuestUsername: a.GuestUsername, GuestPassword: a.GuestPassword},
			Namespace: p.Properties.RegCenter.Namespace,
			DumpPort:  p.Properties.Dump.Port,
			Logger:    log,
		},
	}
	if p.Recorder != nil {
		h.opts.Runs = p.Recorder
	}
	return Result{Handlers: []autoconfig.HTTPHandler{{Pattern: "/", Handler: h}}}
}

type announceParams struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *autoconfig.Properties
	Server     *autoconfig.HTTPServer
	Logger     *slog.Logger `optional:"true"`
}

// announce logs the console's URL once the service's HTTP server listens (its hook comes
// first: the server is built before this invoke runs).
func announce(p announceParams) {
	if !p.Properties.HTTP.Console {
		return
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	p.Lifecycle.Append(fx.Hook{OnStart: func(context.Context) error {
		if addr := p.Server.Addr(); addr != "" {
			log.Info("elasticjob: web console at http://" + addr + "/")
		}
		return nil
	}})
}

// serviceConsole is the console on the service's own registry session, built at the first
// request: the session exists only once the registry has started.
type serviceConsole struct {
	registry *autoconfig.Registry
	tracing  *tracing.Observer
	opts     Options

	mu      sync.Mutex
	console *Console
}

func (s *serviceConsole) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := s.get()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	c.ServeHTTP(w, r)
}

func (s *serviceConsole) get() (*Console, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.console != nil {
		return s.console, nil
	}
	rc := s.registry.Center()
	if rc == nil {
		return nil, errors.New("elasticjob console: the registry is not connected yet")
	}
	op, err := lifecycle.New(rc, lifecycle.WithLogger(s.opts.Logger), lifecycle.WithActor("console"))
	if err != nil {
		return nil, err
	}
	opts := s.opts
	opts.Operator = op
	if store := s.tracing.Store(); store != nil {
		opts.History = store // history, and every instance's runs
	}
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	s.console = c
	return c, nil
}
