package engine

import (
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
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

// reconcile is ReconcileService (§3.2): at most every reconcileIntervalMinutes, ask for a
// resharding when an item's owner is not a registered instance (or it has none). It also
// releases running items of instances that are gone (see recoverStale). Cache reads only,
// unless something is wrong.
func (j *Job) reconcile(now time.Time) {
	cfg := j.config()
	if j.isShutdown() {
		return
	}
	j.releaseStaleRunning(cfg)
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

// releaseStaleRunning looks for running nodes naming an instance that is gone (a crash whose
// handling was missed, e.g. its server was disabled, or every peer was down): they would block
// resharding forever. Only a node seen stale on two consecutive passes is acted on, so that the
// peers' own crash handling goes first. Cache reads only until something is found.
func (j *Job) releaseStaleRunning(cfg jobapi.JobConfiguration) {
	if !cfg.Failover || !cfg.MonitorExecution {
		return
	}
	alive := j.aliveInstances()
	stale := map[int]string{}
	again := false
	j.mu.Lock()
	for i := 0; i < cfg.ShardingTotalCount; i++ {
		if run, ok := j.cached(nodepath.ItemRunning(j.name, i)); ok && run != "" && !alive[run] {
			stale[i] = run
			if j.staleSeen[i] == run {
				again = true
			}
		}
	}
	j.staleSeen = stale
	j.mu.Unlock()
	if again {
		j.rt.async(j.recoverStale)
	}
}
