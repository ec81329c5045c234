// Package engine is ElasticJob-Lite's coordination engine: registration, leader election, lazy
// resharding, execution with running nodes, misfire, failover, manual trigger, live
// configuration changes, reconcile and session handling, over one registry session and one
// cron scheduler per process.
//
// Concurrency model: a Runtime owns the process-wide pieces. A Job is data: its cache events
// arrive on the registry's shared dispatcher, its fires on goroutines the scheduler starts per fire,
// and work that may block (locks, waits) runs on short-lived goroutines tracked by the Runtime.
// Nothing runs per job while it is idle.
//
// Where it departs from ElasticJob-Lite 3.0.4 (peers see the same nodes and data):
//   - no self-shutdown on session expiry: a new session re-registers and fires resume; only an
//     operator deleting the instance node shuts a job down on this instance;
//   - a reconnect with the same session leaves the instance node alone (no delete and create);
//   - fencing: a running item's ctx is cancelled when the connection has been suspended for a
//     third of the session timeout, when the session is lost, when its running node is deleted
//     or taken, when its ownership moves while it runs, and on shutdown;
//   - failover with 3.0.5's fix, crash queueing checked again under the failover latch, stale
//     running nodes of gone instances released whatever the number of live instances (#2429);
//   - a newly elected leader asks for a resharding (except with static sharding), so a leader
//     lost together with its instance node cannot leave the cluster unsharded;
//   - servers are matched by ip + "@-@", not by IP prefix;
//   - a time-zone change in the configuration reschedules, like a cron change;
//   - misfire nodes are written only when misfire is on;
//   - leader/failover/items/{i} carries the interrupted fire time (Unix ms; ElasticJob writes
//     empty data and never reads it) so that the taker's FireTime is the crashed fire's.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/quartz"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/schedule"
)

// Options configure a Runtime.
type Options struct {
	// IP is the server id under servers/; empty = the IP part of InstanceID, else LocalIP().
	IP string
	// InstanceID replaces ip@-@pid as a whole.
	InstanceID string
	// ParseCron turns a job's cron and time zone into a schedule; nil = the Quartz parser.
	ParseCron schedule.ParseFunc
	// ReconcileEvery is how often the reconcile pass walks the jobs; 0 = one minute (ElasticJob's
	// fixed delay). Each job still reconciles at most every reconcileIntervalMinutes.
	ReconcileEvery time.Duration
	// SessionTimeout is the registry session timeout. When set, running items are fenced once
	// the connection has been suspended for a third of it: the client notices a dead connection
	// two thirds of a timeout after the server last heard from it, so this is the earliest
	// moment the server may expire the session and peers take the items over. Unset, items are
	// fenced when the registry reports the session lost.
	SessionTimeout time.Duration
	// ShutdownGracePeriod is how long stopping waits for running items before it cancels their
	// ctx; 0 = DefaultShutdownGracePeriod. The stop context bounds it too (see Job.Shutdown).
	ShutdownGracePeriod time.Duration
	Logger              *slog.Logger
	// Observer receives what the engine does (see Observer); nil: nobody observes.
	Observer Observer
}

// Runtime is the process-wide engine: one registry session, one instance identity, one cron
// scheduler, one reconcile ticker, shared by every job.
type Runtime struct {
	center *reg.Center
	// txns groups the running-node transactions of jobs firing together into one multi.
	txns *reg.Batcher
	// pauses notices a frozen process, for the items' lease (see leaseCtx).
	pauses *pauseWatch
	ip, id string
	parse  schedule.ParseFunc
	log    *slog.Logger
	sched  *schedule.Scheduler
	obs    Observer // nil: no events are built
	grace  time.Duration

	ctx    context.Context // ends at Close: unblocks waits and fences what still runs
	cancel context.CancelFunc
	bg     sync.WaitGroup // short-lived goroutines (elections, claims, crash handling)

	leftBehind  atomic.Bool  // a job's stop left a run behind: Close does not wait for it
	paused      atomic.Bool  // Suspended or Lost: fires are skipped
	suspendedIn atomic.Int64 // the session a suspension in progress may get back; 0 otherwise
	stateGen    atomic.Int64 // counts state changes, so a slow re-registration does not unpause a newer suspension
	removeState func()

	mu             sync.Mutex
	jobs           map[string]*Job
	closed         bool
	reconcileEvery time.Duration
	fenceAfter     time.Duration // suspended this long: fence (0: only when lost)
	fenceTimer     *time.Timer
	reconcileStop  chan struct{}
	reconcileDone  chan struct{}
}

// NewRuntime builds the runtime on a registry center; the caller keeps ownership of center.
func NewRuntime(center *reg.Center, opts Options) (*Runtime, error) {
	if center == nil {
		return nil, errors.New("engine: nil registry center")
	}
	ip, id, err := identity(opts.IP, opts.InstanceID)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	parse := opts.ParseCron
	if parse == nil {
		parse = quartz.Parse
	}
	every := opts.ReconcileEvery
	if every <= 0 {
		every = time.Minute
	}
	grace := opts.ShutdownGracePeriod
	if grace < 0 {
		return nil, fmt.Errorf("engine: negative shutdown grace period %v", grace)
	}
	if grace == 0 {
		grace = DefaultShutdownGracePeriod
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runtime{
		grace:  grace,
		center: center, txns: center.NewBatcher(), ip: ip, id: id, parse: parse,
		log:   log.With("instance", id),
		sched: schedule.New(log),
		obs:   opts.Observer,
		ctx:   ctx, cancel: cancel,
		jobs:           make(map[string]*Job),
		reconcileEvery: every,
		fenceAfter:     opts.SessionTimeout / 3,
		reconcileStop:  make(chan struct{}),
		reconcileDone:  make(chan struct{}),
	}
	r.pauses = newPauseWatch(func() time.Duration { return center.SessionTimeout() * 2 / 3 })
	r.removeState = center.OnState(r.onState)
	go r.reconcileLoop()
	return r, nil
}

// InstanceID is this process's instance id.
func (r *Runtime) InstanceID() string { return r.id }

// IP is this process's server id.
func (r *Runtime) IP() string { return r.ip }

// Center is the registry center the runtime runs on.
func (r *Runtime) Center() *reg.Center { return r.center }

// Job returns a registered job by name.
func (r *Runtime) Job(name string) (*Job, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[name]
	return j, ok
}

// snapshot lists the jobs whose registration got as far as their cache.
func (r *Runtime) snapshot() []*Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Job, 0, len(r.jobs))
	for _, j := range r.jobs {
		select {
		case <-j.ready:
			if j.cache != nil {
				out = append(out, j)
			}
		default:
		}
	}
	return out
}

// async runs fn on a tracked short-lived goroutine, unless the runtime is closing.
func (r *Runtime) async(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.bg.Add(1)
	go func() {
		defer r.bg.Done()
		fn()
	}()
}

// sleep waits d or until the runtime closes; false when it closed.
func (r *Runtime) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// Close shuts every job down (see Job.Shutdown) together: every job stops firing at once, then
// their running items share one grace period. It stops the scheduler and the reconcile ticker.
// Nothing it does outlasts ctx: what is still running or unanswered then is left behind, logged.
// The registry center stays open: its owner closes it.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	jobs := make([]*Job, 0, len(r.jobs))
	for _, j := range r.jobs {
		jobs = append(jobs, j)
	}
	r.mu.Unlock()
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for k, j := range jobs {
		j.stop() // no job fires once Close has begun, whatever the others wait for
		wg.Go(func() { errs[k] = j.Shutdown(ctx) })
	}
	wg.Wait()
	r.mu.Lock()
	r.closed = true
	if r.fenceTimer != nil {
		r.fenceTimer.Stop()
	}
	r.mu.Unlock()
	r.removeState()
	close(r.reconcileStop)
	<-r.reconcileDone
	r.pauses.close()
	if !r.leftBehind.Load() {
		// Every run is over: what the scheduler still runs are fires on their way out.
		if err := r.sched.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
	} else {
		// Runs left behind (logged by their job): stop firing without waiting for them.
		ended, cancel := context.WithCancel(ctx)
		cancel()
		_ = r.sched.Stop(ended)
	}
	r.cancel()
	if r.leftBehind.Load() {
		return errors.Join(errs...) // runs left behind, some on the tracked goroutines (triggers, failover): not awaited
	}
	if !waitBounded(ctx, r.bg.Wait) {
		r.log.Warn("stopping: background work (elections, crash handling) still waiting for the registry at the stop deadline; left behind")
	}
	return errors.Join(errs...)
}

// waitBounded runs wait until it returns or ctx ends; false when ctx ended first (wait goes on
// on its own goroutine).
func waitBounded(ctx context.Context, wait func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait()
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// onState reacts to the registry session; it runs on the registry's state dispatcher, so
// anything that talks to the registry goes to a goroutine.
func (r *Runtime) onState(s reg.State) {
	gen := r.stateGen.Add(1)
	if kindsOf(r.obs).Has(EventSession) {
		r.obs.Observe(Event{Kind: EventSession, State: s.String(), Time: time.Now()})
	}
	switch s {
	case reg.StateSuspended:
		r.suspendedIn.Store(r.center.SessionID())
		r.paused.Store(true)
		r.fenceIfStillSuspended(gen)
	case reg.StateLost:
		r.suspendedIn.Store(0)
		r.paused.Store(true)
		for _, j := range r.snapshot() {
			j.fenceAll("registry session lost", false)
		}
	case reg.StateReconnected:
		// Same session: ephemeral nodes and claims are intact; only a re-registration that a
		// suspension interrupted is finished.
		r.suspendedIn.Store(0)
		r.paused.Store(false)
		r.reregister(gen, false)
		for _, j := range r.snapshot() {
			if j.inDebt() {
				r.async(func() { j.fire(kindMakeUp, time.Time{}) })
			}
		}
	case reg.StateNewSession:
		r.suspendedIn.Store(0)
		r.paused.Store(true)
		for _, j := range r.snapshot() {
			j.fenceAll("registry session replaced", false)
		}
		r.reregister(gen, true)
	}
}

// fenceIfStillSuspended fences every running item when the connection stays suspended for
// fenceAfter (see Options.SessionTimeout), or a third of the session timeout the server granted
// when that is shorter.
func (r *Runtime) fenceIfStillSuspended(gen int64) {
	if r.fenceAfter <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if r.fenceTimer != nil {
		r.fenceTimer.Stop()
	}
	after := r.fenceAfter
	if granted := r.center.SessionTimeout() / 3; granted > 0 && granted < after {
		after = granted // the server granted less than was asked, and expires the session sooner
	}
	r.fenceTimer = time.AfterFunc(after, func() {
		if r.stateGen.Load() != gen {
			return // reconnected (or lost, which fences) meanwhile
		}
		for _, j := range r.snapshot() {
			j.fenceAll("registry connection suspended for a third of the session timeout", true)
		}
	})
}

// reregister restores, on a goroutine, the nodes of every job not registered in the current
// session, retrying while the state stays the same; then fires resume.
func (r *Runtime) reregister(gen int64, unpause bool) {
	var jobs []*Job
	for _, j := range r.snapshot() {
		if j.needsRegistration() {
			jobs = append(jobs, j)
		}
	}
	if len(jobs) == 0 {
		if unpause {
			r.paused.Store(false)
		}
		return
	}
	r.async(func() {
		for _, j := range jobs {
			for err := j.reregister(); err != nil; err = j.reregister() {
				j.log.Error("re-registering after a new session; retrying in 1s", "error", err)
				if !r.sleep(time.Second) || r.stateGen.Load() != gen {
					return
				}
			}
			j.observe(&Event{Kind: EventRegistered})
		}
		if unpause && r.stateGen.Load() == gen {
			r.paused.Store(false)
		}
		r.log.Info("re-registered after a new registry session", "jobs", len(jobs))
	})
}

func (r *Runtime) addJob(j *Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("engine: runtime closed")
	}
	if _, ok := r.jobs[j.name]; ok {
		return fmt.Errorf("engine: job %q is already registered in this process", j.name)
	}
	r.jobs[j.name] = j
	return nil
}

func (r *Runtime) dropJob(j *Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.jobs[j.name] == j {
		delete(r.jobs, j.name)
	}
}
