package distributeonce

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// barrier is one of the two passes: guarantee/started before the run, guarantee/completed
// after it.
type barrier struct {
	phase, verb string // "before", "start" / "after", "complete": for the errors
	timeout     time.Duration
	atLeast     bool // completed: ≥ shardingTotalCount children is enough; started needs ==
	root        func(job string) string
	item        func(job string, item int) string
	latch       func(job string) string
	call        func(context.Context, jobapi.ShardingContexts) error

	mu      sync.Mutex
	waiters map[chan struct{}]struct{}
}

// arm registers a waiter, woken by every deletion in the barrier's subtree.
func (b *barrier) arm() chan struct{} {
	w := make(chan struct{}, 1)
	b.mu.Lock()
	b.waiters[w] = struct{}{}
	b.mu.Unlock()
	return w
}

func (b *barrier) disarm(w chan struct{}) {
	b.mu.Lock()
	delete(b.waiters, w)
	b.mu.Unlock()
}

func (b *barrier) wake() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for w := range b.waiters {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// pass is one barrier for one run on this instance.
func (l *Listener) pass(ctx context.Context, b *barrier, scs jobapi.ShardingContexts) error {
	if len(scs.ShardingItemParameters) == 0 {
		return nil
	}
	j := l.bound()
	if j == nil {
		return errNotBound
	}
	fail := func(err error) error {
		return fmt.Errorf("job %s: distribute-once %s: %w", j.Name(), b.phase, err)
	}
	// Armed before our nodes exist: the release cannot come before we listen for it.
	w := b.arm()
	defer b.disarm(w)
	items := slices.Sorted(maps.Keys(scs.ShardingItemParameters))
	c := j.Center()
	for _, i := range items {
		if _, err := c.CreateIfAbsent(b.item(j.Name(), i), ""); err != nil {
			return fail(err)
		}
	}
	last, err := l.tryLast(ctx, b, j, scs)
	if err != nil {
		return err
	}
	if last {
		return nil
	}
	ours := b.item(j.Name(), items[0])
	released := func() bool {
		ok, err := c.Exists(ours)
		return err == nil && !ok
	}
	timer := time.NewTimer(b.timeout)
	defer timer.Stop()
	for {
		select {
		case <-w:
			if released() {
				return nil
			}
		case <-timer.C:
			if released() { // released, but this instance's cache missed the deletion
				return nil
			}
			if err := c.Remove(b.root(j.Name())); err != nil {
				return fail(fmt.Errorf("timeout after %v waiting for all items to %s; clearing %s: %w", b.timeout, b.verb, b.root(j.Name()), err))
			}
			return fail(fmt.Errorf("timeout after %v waiting for all items to %s", b.timeout, b.verb))
		case <-ctx.Done():
			return fail(ctx.Err())
		}
	}
}

// tryLast: when every item has reached the barrier, take its lock, check again, call the
// wrapped listener if the check still holds and delete the barrier in any case. true when it
// took the lock (the barrier is released, by us or by whoever held the lock before).
func (l *Listener) tryLast(ctx context.Context, b *barrier, j *engine.Job, scs jobapi.ShardingContexts) (bool, error) {
	fail := func(err error) error {
		return fmt.Errorf("job %s: distribute-once %s: %w", j.Name(), b.phase, err)
	}
	all, err := b.all(j)
	if err != nil {
		return false, fail(err)
	}
	if !all {
		return false, nil
	}
	lockCtx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	unlock, err := j.Center().Lock(lockCtx, b.latch(j.Name()))
	if err != nil {
		return false, fail(err)
	}
	defer unlock()
	all, err = b.all(j)
	var callErr error
	if err == nil && all {
		callErr = b.call(ctx, scs)
	}
	if rmErr := j.Center().Remove(b.root(j.Name())); rmErr != nil {
		err = errors.Join(err, rmErr)
	}
	if err != nil {
		return true, errors.Join(callErr, fail(err))
	}
	return true, callErr
}

// all says whether the barrier holds every item: as many children as shardingTotalCount
// (read from the registry), or at least as many for completed.
func (b *barrier) all(j *engine.Job) (bool, error) {
	c := j.Center()
	kids, err := c.Children(b.root(j.Name()))
	if err != nil || len(kids) == 0 {
		return false, err
	}
	data, err := c.Get(nodepath.Config(j.Name()))
	if err != nil {
		return false, err
	}
	cfg, err := nodedata.UnmarshalJobConfig(data)
	if err != nil {
		return false, fmt.Errorf("%s: %w", nodepath.Config(j.Name()), err)
	}
	if b.atLeast {
		return len(kids) >= cfg.ShardingTotalCount, nil
	}
	return len(kids) == cfg.ShardingTotalCount, nil
}
