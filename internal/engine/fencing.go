package engine

import (
	"context"
	"time"
)

// activeItem is an item of the run in progress: its context is cancelled when the item is
// fenced, i.e. when this instance can no longer be sure it owns it.
type activeItem struct {
	ctx      leaseCtx // what the item runs with; its lease is this activeItem
	cancel   context.CancelFunc
	j        *Job
	item     int
	start    time.Time
	failover bool // a failover run
	fenced   bool
	owed     bool // fenced by a suspension of the session: run again if it comes back
}

// lapsed: the lease of an item started at a.start lapsed (see Runtime.leaseLapsed).
func (a *activeItem) lapsed() bool { return a.j.rt.leaseLapsed(a.start) }

// fence fences the item once its lease lapsed.
func (a *activeItem) fence() {
	a.j.mu.Lock()
	defer a.j.mu.Unlock()
	a.j.fenceLocked(a.item, a, "nothing heard from the registry for two thirds of the session timeout (was this process paused?)", true)
}

func (j *Job) fenceLocked(item int, a *activeItem, why string, owed bool) {
	if a.fenced {
		return
	}
	a.fenced, a.owed = true, owed
	a.cancel()
	j.log.Warn("fenced running item", "item", item, "reason", why)
}

// fenceAll cancels every item of the run in progress. owed: the session is suspended, not gone,
// so the items are run again if it comes back (a lost session's items are the survivors' to run).
func (j *Job) fenceAll(why string, owed bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, a := range j.active {
		j.fenceLocked(i, a, why, owed)
	}
}

// fenceIfNormal cancels the item when it runs here as its owner (not as a failover taker).
func (j *Job) fenceIfNormal(item int, why string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if a, ok := j.active[item]; ok && !a.failover {
		j.fenceLocked(item, a, why, false)
	}
}

// leaseCtx is an item's context that also ends, when asked, once this instance has heard nothing
// from the registry for two thirds of the session timeout, or was frozen that long. After a pause of the whole process
// (a long GC, SIGSTOP) the session may be gone and a survivor already running the item: a job
// that checks ctx.Err() before committing its work must see the end at once, before the engine
// has woken up and noticed. The survivors start no sooner than the whole session timeout after
// the server last heard from us, so the check errs on the safe side by a third of it.
type leaseCtx struct {
	context.Context
	lease lease
}

// lease is what a leaseCtx asks: an activeItem.
type lease interface {
	lapsed() bool
	fence() // fences the item, which cancels the embedded context
}

func (c *leaseCtx) Err() error {
	if err := c.Context.Err(); err != nil {
		return err
	}
	if c.lease.lapsed() {
		c.lease.fence()
	}
	return c.Context.Err()
}

// leaseLapsed says whether, for an item started at start, the registry has been silent for two
// thirds of the session timeout (go-zookeeper's own receive timeout; never on the embedded
// registry), or the process was frozen that long since start.
func (r *Runtime) leaseLapsed(start time.Time) bool {
	heard := r.center.Heard()
	if !heard.IsZero() && time.Since(heard) > r.center.SessionTimeout()*2/3 {
		return true
	}
	return r.pauses.pausedSince(start)
}
