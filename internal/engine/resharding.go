package engine

import (
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/sharding"
)

// shardIfNecessary is ElasticJob's lazy resharding at the start of a run. A follower waits for
// the leader to finish; the leader waits for running items, then rewrites the owners in one
// transaction. It returns the assignment when this instance computed it.
func (j *Job) shardIfNecessary() map[string][]int {
	if !j.exists(nodepath.ShardingNecessary(j.name)) || len(j.availableInstances()) == 0 {
		return nil
	}
	if !j.leaderUntilBlock() {
		j.waitCache(func() bool {
			return !j.isLeaderCached() && (j.exists(nodepath.ShardingNecessary(j.name)) || j.exists(nodepath.ShardingProcessing(j.name)))
		})
		return nil
	}
	cfg := j.config()
	c := j.rt.center
	if data, err := c.Get(nodepath.Config(j.name)); err == nil {
		if fresh, err := unmarshalConfig(data); err == nil && fresh.ShardingTotalCount > 0 {
			cfg = fresh
		}
	}
	total := cfg.ShardingTotalCount
	if cfg.MonitorExecution {
		j.log.Debug("resharding: waiting for running items")
		if !j.waitCache(func() bool { return j.anyRunning(total) }) {
			return nil
		}
	}
	strategy, err := sharding.Lookup(cfg.JobShardingStrategyType)
	if err != nil {
		j.log.Error("resharding", "error", err)
		return nil
	}
	if err := c.PersistEphemeral(nodepath.ShardingProcessing(j.name), ""); err != nil {
		j.log.Warn("resharding", "error", err)
		return nil
	}
	for i := 0; i < total; i++ {
		if err := c.Remove(nodepath.ItemInstance(j.name, i)); err != nil {
			j.log.Warn("resharding", "error", err)
		}
		if _, err := c.CreateIfAbsent(nodepath.Item(j.name, i), ""); err != nil {
			j.log.Warn("resharding", "error", err)
		}
	}
	for _, i := range j.itemsInRegistry() {
		if i >= total {
			j.removeLogged(nodepath.Item(j.name, i))
		}
	}
	available := j.availableInstances()
	assignment := strategy.Shard(available, j.name, total)
	var ops []reg.Op
	for _, id := range available {
		for _, i := range assignment[id] {
			ops = append(ops, reg.Op{Kind: reg.OpCreate, Path: nodepath.ItemInstance(j.name, i), Value: id})
		}
	}
	ops = append(ops,
		reg.Op{Kind: reg.OpDelete, Path: nodepath.ShardingNecessary(j.name)},
		reg.Op{Kind: reg.OpDelete, Path: nodepath.ShardingProcessing(j.name)})
	if err := c.Txn(ops...); err != nil {
		j.log.Warn("resharding transaction failed", "error", err)
		j.removeLogged(nodepath.ShardingProcessing(j.name))
		return nil
	}
	j.log.Info("resharded", "total", total, "assignment", describe(available, assignment))
	return assignment
}

func (j *Job) anyRunning(total int) bool {
	for i := 0; i < total; i++ {
		if j.exists(nodepath.ItemRunning(j.name, i)) {
			return true
		}
	}
	return false
}

func describe(order []string, a map[string][]int) string {
	var b strings.Builder
	for _, id := range order {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(id)
		b.WriteString("=")
		for k, i := range a[id] {
			if k > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Itoa(i))
		}
	}
	return b.String()
}
