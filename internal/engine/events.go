package engine

import (
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// onEvent receives the job's cache events, serially, on the registry's dispatcher. It only
// updates memory and decides; registry writes and anything that may wait go to rt.async.
func (j *Job) onEvent(ev reg.Event) {
	<-j.ready
	if j.isShutdown() {
		return
	}
	for _, b := range j.bound {
		b.JobEvent(ev)
	}
	_, rest := nodepath.Split(ev.Path)
	parts := strings.Split(rest, "/")
	switch {
	case rest == "config":
		if ev.Type != reg.EventDeleted {
			j.onConfig(ev.Path, ev.Data)
		}
	case len(parts) == 2 && parts[0] == "instances":
		j.onInstance(ev, parts[1])
	case len(parts) == 2 && parts[0] == "servers":
		j.onServer(ev, parts[1])
	case len(parts) == 2 && parts[0] == "recorders" && ev.Type == reg.EventCreated:
		j.mu.Lock()
		j.recorders[parts[1]] = true // kept after its deletion: a crash is handled after it
		j.mu.Unlock()
	case rest == "leader/election/instance" && ev.Type == reg.EventDeleted:
		j.setLeading(false)
		j.rt.async(func() {
			if j.localAvailable() {
				j.electLogged()
			}
		})
	case len(parts) == 2 && parts[0] == "trigger" && parts[1] == j.rt.id && ev.Type != reg.EventDeleted:
		data := ev.Data
		j.rt.async(func() { j.onTrigger(data) })
	case len(parts) == 4 && rest == "leader/failover/items/"+parts[3] && ev.Type == reg.EventCreated:
		if item, ok := nodepath.ParseItem(parts[3]); ok {
			j.mu.Lock()
			j.queuedFire[item] = parseQueuedRun(ev.Data)
			j.mu.Unlock()
		}
		if j.config().Failover {
			j.rt.async(func() { j.fire(kindFailover, time.Time{}) })
		}
	case len(parts) == 3 && parts[0] == "sharding":
		item, ok := nodepath.ParseItem(parts[1])
		if !ok {
			return
		}
		if parts[2] != "instance" {
			return
		}
		j.mu.Lock()
		j.ownersChanged++
		if ev.Type != reg.EventCreated && ev.OldData != "" {
			j.prevOwner[item] = ev.OldData
		}
		j.mu.Unlock()
		if ev.Type != reg.EventDeleted && ev.Data != j.rt.id {
			j.fenceIfNormal(item, "item "+parts[1]+" now belongs to "+ev.Data)
		}
		if ev.Type != reg.EventDeleted && ev.Data == j.rt.id && ev.OldData != j.rt.id {
			j.rt.async(func() { j.takeOverGiven(item) })
		}
	}
}

// onConfig applies a configuration written by anyone (an operator, the console, a peer at
// start-up with overwrite=true), keeping the last good one when the new data does not
// validate: a bad write must not stop a running job.
func (j *Job) onConfig(path, data string) {
	cfg, err := storedConfig(j.name, data)
	if err != nil {
		j.warnOnce(path, data, "configuration in the registry is invalid; keeping the last good one until it is fixed", "error", err.Error())
		return
	}
	if err := j.reshardFits(cfg.ShardingTotalCount); err != nil {
		j.warnOnce(path, data, "configuration refused; keeping the last good one", "error", err)
		return
	}
	j.mu.Lock()
	old := j.cfg
	j.mu.Unlock()
	if cfg.Cron != old.Cron || cfg.TimeZone != old.TimeZone {
		sched, err := j.parseSchedule(&cfg)
		if err != nil {
			j.warnOnce(path, data, "configuration has an invalid cron; keeping the last good one", "error", err)
			return
		}
		j.mu.Lock()
		// Fires of the old cron are not made up under the new one, nor the new one's before now.
		j.cfg, j.sched, j.schedFrom = &cfg, sched, time.Now()
		j.mu.Unlock()
		j.reschedule()
		j.log.Info("rescheduled", "cron", cfg.Cron, "timeZone", cfg.TimeZone)
	} else {
		j.mu.Lock()
		j.cfg = &cfg
		j.mu.Unlock()
	}
	if cfg.ShardingTotalCount != old.ShardingTotalCount {
		j.rt.async(j.setReshardingFlag)
	}
	if old.MonitorExecution && !cfg.MonitorExecution {
		n := max(old.ShardingTotalCount, cfg.ShardingTotalCount)
		j.rt.async(func() {
			for i := 0; i < n; i++ {
				j.removeLogged(nodepath.ItemRunning(j.name, i))
			}
		})
	}
	if old.Failover && !cfg.Failover {
		j.rt.async(func() {
			for _, i := range j.itemsInRegistry() {
				j.removeLogged(nodepath.ItemFailover(j.name, i))
			}
		})
	}
}

func (j *Job) onInstance(ev reg.Event, id string) {
	if ev.Type == reg.EventChanged {
		return
	}
	if !j.staticLocked() {
		j.rt.async(j.setReshardingFlag)
	}
	if ev.Type != reg.EventDeleted {
		return
	}
	if id == j.rt.id {
		j.rt.async(j.shutdownByOperator)
		return
	}
	if cfg := j.config(); cfg.Failover {
		old, seen := ev.OldData, time.Now()
		j.rt.async(func() {
			j.onCrashed(id, old, seen)
			j.fire(kindFailover, time.Time{})
		})
	}
}

func (j *Job) onServer(ev reg.Event, ip string) {
	if !j.staticLocked() {
		j.rt.async(j.setReshardingFlag)
	}
	if ip != j.rt.ip {
		return
	}
	if ev.Type != reg.EventDeleted && ev.Data == "DISABLED" {
		if j.isLeaderCached() {
			j.rt.async(func() {
				j.log.Info("server disabled: giving up leadership")
				j.removeLogged(nodepath.LeaderElectionInstance(j.name))
			})
		}
		return
	}
	if !j.hasLeaderCached() {
		j.rt.async(j.electLogged)
	}
}

// staticLocked: static sharding with sharding info present ignores membership changes.
func (j *Job) staticLocked() bool {
	return j.config().StaticSharding && len(j.cache.Children(nodepath.Sharding(j.name))) > 0
}

// onTrigger handles trigger/{self}: delete it, then run once now unless a run is in progress.
// Its data may carry a one-off job parameter for this run (nodedata.UnmarshalTrigger); ElasticJob
// writes none, and unreadable data runs the trigger with the configured parameter.
func (j *Job) onTrigger(data string) {
	j.removeLogged(nodepath.Trigger(j.name, j.rt.id))
	parameter, ok, err := nodedata.UnmarshalTrigger(data)
	if err != nil {
		j.log.Warn("trigger: running with the configured job parameter", "error", err)
	}
	if !ok {
		j.fire(kindTrigger, time.Now())
		return
	}
	j.log.Info("trigger: running once with a one-off job parameter")
	j.fireWith(kindTrigger, time.Now(), &parameter)
}
