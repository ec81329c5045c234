package engine

import (
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/sharding"
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
// resharding when an item's owner is not a registered instance (or it has none), or (see
// leftOut) when an available instance was left out of the assignment. Cache reads
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
	owned := map[string]int{}
	for i := 0; i < cfg.ShardingTotalCount; i++ {
		owner, ok := j.cached(nodepath.ItemInstance(j.name, i))
		if !ok || !alive[owner] {
			j.log.Info("reconcile: an item has no live owner; asking for a resharding", "item", i)
			j.rt.async(j.setReshardingFlag)
			return
		}
		owned[owner]++
	}
	if idle, busy, ok := j.leftOut(cfg, owned); ok {
		j.log.Info("reconcile: an available instance owns no item while another owns more than its share; asking for a resharding",
			"idle", idle, "busy", busy, "items", owned[busy])
		j.rt.async(j.setReshardingFlag)
	}
}

// leftOut finds, with AVG_ALLOCATION (whose shares differ by one item at most), an available
// instance owning no item while another owns more than its share: a resharding that missed an
// instance, which owners being alive does not reveal.
func (j *Job) leftOut(cfg *jobapi.JobConfiguration, owned map[string]int) (idle, busy string, ok bool) {
	if t := cfg.JobShardingStrategyType; t != "" && t != sharding.AvgAllocation {
		return "", "", false
	}
	available := j.availableInstances()
	if len(available) == 0 {
		return "", "", false
	}
	share := (cfg.ShardingTotalCount + len(available) - 1) / len(available)
	for _, id := range available {
		if owned[id] == 0 && idle == "" {
			idle = id
		}
		if owned[id] > share && busy == "" {
			busy = id
		}
	}
	return idle, busy, idle != "" && busy != ""
}

func (j *Job) aliveInstances() map[string]bool {
	alive := map[string]bool{}
	for _, id := range j.cache.Children(nodepath.Instances(j.name)) {
		alive[id] = true
	}
	return alive
}
