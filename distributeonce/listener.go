package distributeonce

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// Default timeouts, used when a timeout given to New is ≤ 0.
const (
	// DefaultStartedTimeout bounds the wait for every item of a fire to start: instances fire
	// within a second of each other, so a longer wait means an item will not run this fire.
	DefaultStartedTimeout = 10 * time.Second
	// DefaultCompletedTimeout bounds the wait for every item of a fire to complete: it must
	// exceed the job's longest run; set it per listener for longer jobs.
	DefaultCompletedTimeout = time.Minute
)

// Listener wraps a listener so that its BeforeJobExecuted runs once per fire across the
// cluster, when the last item has started, and its AfterJobExecuted once, when the last item
// has completed. Give it to one job (starter.WithListeners, or
// starter.WithDistributeOnceListener which builds it): the engine binds it to that job.
type Listener struct {
	started   *barrier
	completed *barrier

	mu  sync.Mutex
	job *engine.Job
}

var _ engine.BoundListener = (*Listener)(nil)

// New wraps l (not nil); startedTimeout and completedTimeout ≤ 0 take the defaults.
func New(l jobapi.Listener, startedTimeout, completedTimeout time.Duration) *Listener {
	if startedTimeout <= 0 {
		startedTimeout = DefaultStartedTimeout
	}
	if completedTimeout <= 0 {
		completedTimeout = DefaultCompletedTimeout
	}
	return &Listener{
		started: &barrier{
			phase: "before", verb: "start", timeout: startedTimeout,
			root: nodepath.GuaranteeStarted, item: nodepath.GuaranteeStartedItem, latch: nodepath.GuaranteeStartedLatch,
			call: l.BeforeJobExecuted, waiters: map[chan struct{}]struct{}{},
		},
		completed: &barrier{
			phase: "after", verb: "complete", timeout: completedTimeout, atLeast: true,
			root: nodepath.GuaranteeCompleted, item: nodepath.GuaranteeCompletedItem, latch: nodepath.GuaranteeCompletedLatch,
			call: l.AfterJobExecuted, waiters: map[chan struct{}]struct{}{},
		},
	}
}

// Timeouts are the timeouts in effect.
func (l *Listener) Timeouts() (started, completed time.Duration) {
	return l.started.timeout, l.completed.timeout
}

// Bind attaches the listener to its job; a listener serves one job only.
func (l *Listener) Bind(j *engine.Job) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.job != nil {
		return fmt.Errorf("distribute-once listener already serves job %q", l.job.Name())
	}
	l.job = j
	return nil
}

// JobEvent wakes the waiters of a barrier when its node, or one below it, is deleted, and
// every waiter when an instance node is deleted (its items may never reach the barrier).
func (l *Listener) JobEvent(ev reg.Event) {
	if ev.Type != reg.EventDeleted {
		return
	}
	job, rest := nodepath.Split(ev.Path)
	if dir, _, ok := strings.Cut(rest, "/"); ok && dir == "instances" {
		l.started.wake()
		l.completed.wake()
		return
	}
	for _, b := range []*barrier{l.started, l.completed} {
		root := b.root(job)
		if ev.Path == root || strings.HasPrefix(ev.Path, root+"/") {
			b.wake()
		}
	}
}

// BeforeJobExecuted calls the wrapped listener's BeforeJobExecuted on the last instance to
// start an item of the fire.
func (l *Listener) BeforeJobExecuted(ctx context.Context, scs jobapi.ShardingContexts) error {
	return l.pass(ctx, l.started, scs)
}

// AfterJobExecuted calls the wrapped listener's AfterJobExecuted on the last instance to
// complete an item of the fire.
func (l *Listener) AfterJobExecuted(ctx context.Context, scs jobapi.ShardingContexts) error {
	return l.pass(ctx, l.completed, scs)
}

func (l *Listener) bound() *engine.Job {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.job
}

// errNotBound: the listener was called without going through a job's registration.
var errNotBound = errors.New("distribute-once listener is not bound to a job (give it to a job through starter.WithListeners)")
