package engine

import (
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// flagMisfire: a cron fire found the previous run still going. With misfire on, the local items
// get a misfire node; the run in progress compensates once it ends (§4.4).
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
	session := j.rt.center.SessionID()
	j.mu.Lock()
	if j.misfiredSession != session {
		j.misfired, j.misfiredSession = time.Time{}, session
	}
	if fireTime.After(j.misfired) {
		j.misfired = fireTime
	}
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
// returns the fire time to compensate; ok is false when none is flagged here. A node flagged by
// an earlier owner of the item (which then crashed or left) is only deleted: which fire it
// missed is unknown, and the make-up of that owner's fires (makeup.go) serves them.
func (j *Job) takeMisfire(items []int) (time.Time, bool) {
	j.mu.Lock()
	missed := j.misfired
	if j.misfiredSession != j.rt.center.SessionID() {
		missed = time.Time{} // flagged in a lost session: the survivors made its fires up
	}
	j.misfired = time.Time{}
	j.mu.Unlock()
	var ops []reg.Op
	for _, i := range items {
		if !missed.IsZero() || j.exists(nodepath.ItemMisfire(j.name, i)) {
			ops = append(ops, reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemMisfire(j.name, i)})
		}
	}
	if len(ops) == 0 {
		return time.Time{}, false
	}
	if err := j.rt.center.Txn(ops...); err != nil {
		for _, op := range ops {
			j.removeLogged(op.Path)
		}
	}
	return missed, !missed.IsZero()
}

// takeMisfired takes a misfired fire flagged in the current session and not yet compensated,
// leaving the misfire nodes to the run it starts.
func (j *Job) takeMisfired() (time.Time, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	missed := j.misfired
	if missed.IsZero() || j.misfiredSession != j.rt.center.SessionID() || !j.cfg.Misfire {
		return time.Time{}, false
	}
	j.misfired = time.Time{}
	return missed, true
}
