package autoconfig

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/starter"
)

// scheduler registers the jobs and starts them in OnStart, and shuts them down in OnStop.
//
// OnStart registers for a bounded time only (foregroundBound), since registration grows with
// the number of jobs and fx's start timeout does not. When every job registers within it, the
// start is as it has always been: the jobs start firing once all are registered. A
// registration error within it ends the registration (no further job starts registering, those
// in flight finish) and fails the start with every error. Otherwise OnStart returns and the rest
// registers in the background, each job starting to fire as soon as it is registered. That is
// safe because registration is per job: a job's registration writes and reads its own subtree
// (/{job}) only, so a job that fires while others register sees what it would see in a
// cluster where those jobs run on other instances. A registration that fails in the
// background is logged and shuts the application down with exit code 1 (fx.Shutdowner):
// the outcome of a failed start, later, as a Spring Boot application that fails to schedule a
// job does not keep running without it.
type scheduler struct {
	registry   *Registry
	oneOff     *OneOffJobs
	runs       []jobRun
	shutdowner fx.Shutdowner
	log        *slog.Logger

	rc     *starter.RegistryCenter // the registry's center, from OnStart on
	cancel context.CancelFunc      // no job starts registering after it
	done   chan struct{}           // closed once every registration has returned

	mu         sync.Mutex
	background bool        // OnStart has returned: a job starts as soon as it registers
	ended      bool        // every registration has returned
	failed     bool        // a background registration failed: the shutdown is asked for
	errs       []error     // per run, in name order
	held       []bootstrap // registered while OnStart waits, started when it returns
	stops      []func(context.Context) error
}

// bootstrap is one registered job.
type bootstrap struct {
	name      string
	scheduled *starter.ScheduleJobBootstrap
	oneOff    *starter.OneOffJobBootstrap
}

// start starts cron firing, or makes the one-off job executable.
func (b bootstrap) start(o *OneOffJobs) {
	if b.scheduled != nil {
		b.scheduled.Schedule()
		return
	}
	o.add(b.name, b.oneOff)
}

func (b bootstrap) shutdown(ctx context.Context) error {
	if b.scheduled != nil {
		return b.scheduled.Shutdown(ctx)
	}
	return b.oneOff.Shutdown(ctx)
}

// registerConcurrency bounds the registrations in flight: each is a few dozen ZooKeeper round
// trips on its own job's subtree, so thousands of jobs register in seconds rather than minutes.
const registerConcurrency = 32

// maxForeground caps the time OnStart spends registering.
const maxForeground = 5 * time.Second

// foregroundBound is how long OnStart registers before it leaves the rest to the background:
// half the time left before the start deadline (fx.StartTimeout, 15 s by default), at most
// maxForeground. Half leaves the other half to the OnStart hooks that come after this one (the
// dump service's, the service's own) on a loaded machine; the cap keeps a generous start
// timeout from holding a deploy up on work that grows with the number of jobs, while a service
// of a few hundred jobs still registers them all within OnStart.
func foregroundBound(ctx context.Context) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return maxForeground
	}
	return min(time.Until(deadline)/2, maxForeground)
}

// start registers the jobs (registerConcurrency at a time) until they are all registered or
// foregroundBound has passed, or one fails; see scheduler. On an error the registry's OnStop,
// which fx runs when a start fails, stops whatever was registered.
func (s *scheduler) start(ctx context.Context) error {
	s.rc = s.registry.Center() // not nil: the registry's OnStart has run
	s.errs = make([]error, len(s.runs))
	s.registry.registering.Store(true)
	regCtx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go s.registerAll(regCtx)

	bound := time.NewTimer(foregroundBound(ctx))
	defer bound.Stop()
	select {
	case <-s.done:
	case <-bound.C:
	case <-ctx.Done():
	}
	s.mu.Lock()
	failed := slices.ContainsFunc(s.errs, func(err error) bool { return err != nil })
	if !s.ended && !failed {
		s.background = true
	}
	background, held := s.background, s.held
	s.held = nil
	s.mu.Unlock()
	if failed {
		s.awaitRegistrations()
		return errors.Join(s.errs...)
	}
	for _, b := range held {
		b.start(s.oneOff)
	}
	if background {
		s.log.Info("elasticjob: the other jobs register in the background; /readyz answers 200 once all are registered",
			"registered", len(held), "jobs", len(s.runs))
	}
	return nil
}

// registerAll registers every job, registerConcurrency at a time, until ctx ends.
func (s *scheduler) registerAll(ctx context.Context) {
	defer close(s.done)
	sem := make(chan struct{}, registerConcurrency)
	var wg sync.WaitGroup
	for i, r := range s.runs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			s.register(ctx, i, r)
		})
	}
	wg.Wait()
	s.registry.registering.Store(false)
	s.mu.Lock()
	s.ended = true
	announce := s.background && !s.failed && ctx.Err() == nil
	s.mu.Unlock()
	if announce {
		s.log.Info("elasticjob: every job is registered", "jobs", len(s.runs))
	}
}

// register registers the job of runs[i]; in the background, it starts the job, or shuts the
// application down on an error.
func (s *scheduler) register(ctx context.Context, i int, r jobRun) {
	rc := s.rc
	b := bootstrap{name: r.cfg.JobName}
	var err error
	if r.cfg.Cron == "" {
		b.oneOff, err = starter.NewOneOffJobBootstrap(rc, r.job, r.cfg, r.opts...)
	} else {
		b.scheduled, err = starter.NewScheduleJobBootstrap(rc, r.job, r.cfg, r.opts...)
	}
	s.mu.Lock()
	if err != nil {
		s.errs[i] = err
		background, first := s.background, s.background && !s.failed
		s.failed = s.failed || background
		s.mu.Unlock()
		if background {
			s.fail(r.cfg.JobName, err, first)
		} else {
			s.cancel() // the start fails: no further job starts registering
		}
		return
	}
	s.stops = append(s.stops, b.shutdown)
	start := s.background && ctx.Err() == nil
	if !s.background {
		s.held = append(s.held, b)
	}
	s.mu.Unlock()
	if start {
		b.start(s.oneOff)
	}
}

// fail reports a background registration error; the first one ends the registration and shuts
// the application down.
func (s *scheduler) fail(job string, err error, first bool) {
	s.log.Error("elasticjob: a job failed to register after the start: shutting the application down", "job", job, "error", err)
	if !first {
		return
	}
	s.cancel()
	if err := s.shutdowner.Shutdown(fx.ExitCode(1)); err != nil {
		s.log.Error("elasticjob: asking fx to shut the application down", "error", err)
	}
}

// awaitRegistrations ends the registration and waits for the registrations in flight, not
// bounded by a ctx: the registry's OnStop, which fx runs next (after a failed start too), must
// not close the session under a registration (the engine does not stop a job whose
// registration has not returned). Each is a few round trips, bounded by the session timeout;
// fx's timeouts still bound the start and the stop as their caller sees them.
func (s *scheduler) awaitRegistrations() {
	s.cancel()
	<-s.done
}

// stop ends the registration (in-flight registrations return first), then shuts every
// registered job down together (see starter.ScheduleJobBootstrap.Shutdown): firing stops at
// once, running items share one grace period, the instance nodes are removed. The registry's
// own OnStop, which runs next, ends the session.
func (s *scheduler) stop(ctx context.Context) error {
	s.awaitRegistrations()
	s.oneOff.clear()
	s.mu.Lock()
	stops := s.stops
	s.stops = nil
	s.mu.Unlock()
	errs := make([]error, len(stops))
	var wg sync.WaitGroup
	for i, stop := range stops {
		wg.Go(func() { errs[i] = stop(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
