package distributeonce

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
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

// fail names the job and the pass in an error.
func (b *barrier) fail(j *engine.Job, err error) error {
	return fmt.Errorf("job %s: distribute-once %s: %w", j.Name(), b.phase, err)
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
	fail := func(err error) error { return b.fail(j, err) }
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
	return b.await(ctx, j, b.item(j.Name(), items[0]), w)
}

// await waits until the barrier is released (ours, one of our item nodes, is gone), a missing
// item's instance is gone, the timeout passes or ctx ends.
func (b *barrier) await(ctx context.Context, j *engine.Job, ours string, w chan struct{}) error {
	released := func() bool {
		ok, err := j.Center().Exists(ours)
		return err == nil && !ok
	}
	if err := b.giveUpOnOrphan(j); err != nil { // gone before this wait began
		return err
	}
	timer := time.NewTimer(b.timeout)
	defer timer.Stop()
	for {
		select {
		case <-w: // a deletion in the barrier, or of an instance node
			if released() {
				return nil
			}
			if err := b.giveUpOnOrphan(j); err != nil {
				return err
			}
		case <-timer.C:
			if released() { // released, but this instance's cache missed the deletion
				return nil
			}
			return b.giveUp(j, fmt.Errorf("timeout after %v waiting for all items to %s", b.timeout, b.verb))
		case <-ctx.Done():
			return b.fail(j, ctx.Err())
		}
	}
}

// giveUpOnOrphan gives up when a missing item's instance is gone; nil when none is.
func (b *barrier) giveUpOnOrphan(j *engine.Job) error {
	if item, owner, ok := b.orphan(j); ok {
		return b.giveUp(j, fmt.Errorf("giving up: item %d belongs to %s, which is gone", item, owner))
	}
	return nil
}

// giveUp clears the barrier for the next fire, as ElasticJob does on a timeout.
func (b *barrier) giveUp(j *engine.Job, reason error) error {
	if err := j.Center().Remove(b.root(j.Name())); err != nil {
		reason = fmt.Errorf("%w; clearing %s: %w", reason, b.root(j.Name()), err)
	}
	return b.fail(j, reason)
}

// tryLast: when every item has reached the barrier, take its lock, check again, call the
// wrapped listener if the check still holds and delete the barrier in any case. true when it
// took the lock (the barrier is released, by us or by whoever held the lock before).
func (l *Listener) tryLast(ctx context.Context, b *barrier, j *engine.Job, scs jobapi.ShardingContexts) (bool, error) {
	fail := func(err error) error { return b.fail(j, err) }
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
	kids, err := j.Center().Children(b.root(j.Name()))
	if err != nil || len(kids) == 0 {
		return false, err
	}
	total, err := totalCount(j)
	if err != nil {
		return false, err
	}
	if b.atLeast {
		return len(kids) >= total, nil
	}
	return len(kids) == total, nil
}

// orphan finds an item missing from the barrier whose owner (sharding/{i}/instance) has no
// instance node any more: it will not reach the barrier this fire. ok is false when there is
// none, or when the registry cannot tell.
func (b *barrier) orphan(j *engine.Job) (item int, owner string, ok bool) {
	c := j.Center()
	kids, err := c.Children(b.root(j.Name()))
	if err != nil || len(kids) == 0 {
		return 0, "", false
	}
	total, err := totalCount(j)
	if err != nil {
		return 0, "", false
	}
	for i := range total {
		if slices.Contains(kids, strconv.Itoa(i)) {
			continue
		}
		owner, err := c.Get(nodepath.ItemInstance(j.Name(), i))
		if err != nil || owner == "" {
			continue
		}
		if alive, err := c.Exists(nodepath.Instance(j.Name(), owner)); err == nil && !alive {
			return i, owner, true
		}
	}
	return 0, "", false
}

// totalCount reads shardingTotalCount from the registry, as ElasticJob does here.
func totalCount(j *engine.Job) (int, error) {
	path := nodepath.Config(j.Name())
	data, err := j.Center().Get(path)
	if err != nil {
		return 0, err
	}
	cfg, err := nodedata.UnmarshalJobConfig(data)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return cfg.ShardingTotalCount, nil
}
