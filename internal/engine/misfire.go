package engine

import (
	"slices"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// flagMisfire: a cron fire found the previous run still going. With misfire on, the local items
// get a misfire node; the run in progress compensates once it ends.
func (j *Job) flagMisfire(fireTime time.Time) {
	cfg := j.config()
	if !cfg.Misfire || j.rt.paused.Load() {
		return
	}
	j.setMisfire(j.localItems(cfg.ShardingTotalCount), fireTime)
}

// setMisfire flags items misfired at fireTime. The fire is noted even without items (a run
// waiting for a resharding owns none yet): its compensation serves the items the run ends up
// with, which the fire would otherwise miss.
func (j *Job) setMisfire(items []int, fireTime time.Time) {
	session := j.session()
	j.mu.Lock()
	if j.misfiredSession != session {
		j.misfired, j.misfiredSession = missed{}, session
	}
	j.misfired.add(fireTime)
	j.mu.Unlock()
	for _, i := range items {
		if j.exists(nodepath.ItemMisfire(j.name, i)) {
			continue
		}
		if _, err := j.rt.center.CreateIfAbsent(nodepath.ItemMisfire(j.name, i), ""); err != nil {
			j.log.Warn("flagging misfire", "item", i, "error", err)
		}
	}
	j.log.Debug("misfire: previous run still in progress", "items", items, "fireTime", fireTime)
}

// takeMisfire deletes the misfire nodes of items (those flagged here or seen in the cache) and
// returns the fires to compensate, oldest first (see missed.runs); none when none is flagged
// here. A node flagged by an earlier owner of the item (which then crashed or left) is only
// deleted: which fire it missed is unknown, and the make-up of that owner's fires (makeup.go)
// serves them.
func (j *Job) takeMisfire(items []int) []time.Time {
	fires := j.takeMisfired()
	var ops []reg.Op
	for _, i := range items {
		if !fires.none() || j.exists(nodepath.ItemMisfire(j.name, i)) {
			ops = append(ops, reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemMisfire(j.name, i)})
		}
	}
	if len(ops) > 0 {
		if err := j.rt.center.Txn(ops...); err != nil {
			for _, op := range ops {
				j.removeLogged(op.Path)
			}
		}
	}
	j.mu.Lock()
	sched := j.sched
	j.mu.Unlock()
	return fires.runs(sched, time.Now())
}

// misfirePending: a fire was flagged misfired here, or an item has a misfire node; when not,
// the run has nothing to compensate (see compensateMisfires).
func (j *Job) misfirePending(items []int) bool {
	j.mu.Lock()
	flagged := !j.misfired.none()
	j.mu.Unlock()
	return flagged || slices.ContainsFunc(items, func(i int) bool { return j.exists(nodepath.ItemMisfire(j.name, i)) })
}

// takeMisfired takes the fires flagged misfired in the current session and not yet compensated,
// leaving the misfire nodes to the run that serves them.
func (j *Job) takeMisfired() missed {
	j.mu.Lock()
	defer j.mu.Unlock()
	fires := j.misfired
	j.misfired = missed{}
	if !j.inSessionLocked(j.misfiredSession) || !j.cfg.Misfire {
		return missed{} // flagged in a lost session: the survivors made its fires up
	}
	return fires
}
