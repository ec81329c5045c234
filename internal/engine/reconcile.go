package engine

import (
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// reconcileLoop is the one process-wide ticker that walks the jobs (ElasticJob runs a thread per
// job with a fixed one-minute delay).
func (r *Runtime) reconcileLoop() {
	defer close(r.reconcileDone)
	t := time.NewTicker(r.reconcileEvery)
	defer t.Stop()
	for {
		select {
		case <-r.reconcileStop:
			return
		case now := <-t.C:
			if r.paused.Load() {
				continue
			}
			for _, j := range r.snapshot() {
				j.reconcile(now)
			}
		}
	}
}

// reconcile is ElasticJob's ReconcileService: at most every reconcileIntervalMinutes, ask for a
// resharding when an item's owner is not a registered instance (or it has none). Cache reads
// only. Running nodes left by instances that are gone are found where they get in the way: by
// the transaction marking an item running (runningElsewhere) and by the leader waiting to
// reshard.
func (j *Job) reconcile(now time.Time) {
	cfg := j.config()
	if j.isShutdown() {
		return
	}
	if cfg.ReconcileIntervalMinutes <= 0 {
		return
	}
	j.mu.Lock()
	due := now.Sub(j.lastReconcile) >= time.Duration(cfg.ReconcileIntervalMinutes)*time.Minute
	if due {
		j.lastReconcile = now
	}
	j.mu.Unlock()
	if !due {
		return
	}
	alive := j.aliveInstances()
	if j.exists(nodepath.ShardingNecessary(j.name)) || j.staticLocked() {
		return
	}
	for i := 0; i < cfg.ShardingTotalCount; i++ {
		if owner, ok := j.cached(nodepath.ItemInstance(j.name, i)); !ok || !alive[owner] {
			j.log.Info("reconcile: an item has no live owner; asking for a resharding", "item", i)
			j.rt.async(j.setReshardingFlag)
			return
		}
	}
}

func (j *Job) aliveInstances() map[string]bool {
	alive := map[string]bool{}
	for _, id := range j.cache.Children(nodepath.Instances(j.name)) {
		alive[id] = true
	}
	return alive
}
