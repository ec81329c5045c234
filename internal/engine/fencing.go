package engine

import "context"

// activeItem is an item of the run in progress: its context is cancelled when the item is
// fenced, i.e. when this instance can no longer be sure it owns it.
type activeItem struct {
	ctx      context.Context
	cancel   context.CancelFunc
	failover bool // a failover run
	fenced   bool
	owed     bool // fenced by a suspension of the session: run again if it comes back
}

func (j *Job) fenceLocked(item int, a *activeItem, why string, owed bool) {
	if a.fenced {
		return
	}
	a.fenced, a.owed = true, owed
	a.cancel()
	j.log.Warn("fenced running item", "item", item, "reason", why)
}

// fenceAll cancels every item of the run in progress: the session is suspended or gone.
func (j *Job) fenceAll(why string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, a := range j.active {
		j.fenceLocked(i, a, why, true)
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
