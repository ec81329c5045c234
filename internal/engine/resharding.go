package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/sharding"
)

// shardIfNecessary is ElasticJob's lazy resharding at the start of a run. A follower waits for
// the leader to finish; the leader waits for running items, then rewrites the owners in one
// transaction. It returns the assignment after a resharding (the whole one when this instance
// computed it, this instance's part when it waited), nil when none was needed.
func (j *Job) shardIfNecessary() map[string][]int {
	if !j.exists(nodepath.ShardingNecessary(j.name)) || len(j.availableInstances()) == 0 {
		return nil
	}
	return j.reshard()
}

// reshard is shardIfNecessary once a resharding is asked for. Kept apart: its stack frame is
// large, and every fire's goroutine would grow its stack for it.
func (j *Job) reshard() map[string][]int {
	if !j.leaderUntilBlock() {
		if !j.waitCache(func() bool {
			// The leader may go while we wait, and its deletion event be missed in a reconnection:
			// without a leader nobody would ever reshard, so elect one.
			if !j.hasLeaderCached() && j.localAvailable() {
				j.electLogged()
			}
			return !j.isLeaderCached() && (j.exists(nodepath.ShardingNecessary(j.name)) || j.exists(nodepath.ShardingProcessing(j.name)))
		}) {
			return nil
		}
		return j.readOwnItems()
	}
	c := j.rt.center
	began := time.Now()
	if ok, err := c.Exists(nodepath.ShardingNecessary(j.name)); err == nil && !ok {
		// Done already (by this leader at an earlier fire): the cache lags behind its events,
		// as after a burst of thousands of first fires. Its owners may lag too: ask the registry.
		return j.readOwnItems()
	}
	cfg := j.config()
	if data, err := c.Get(nodepath.Config(j.name)); err == nil {
		if fresh, err := storedConfig(j.name, data); err == nil && j.reshardFits(fresh.ShardingTotalCount) == nil {
			cfg = &fresh // a refused configuration (onConfig) is not taken here either
		}
	}
	total := cfg.ShardingTotalCount
	if cfg.MonitorExecution {
		j.log.Debug("resharding: waiting for running items")
		// A running node whose instance is gone and that no crash handling queued (its owner
		// had moved, or the crash fell in a reconnection) would block every run of the job
		// forever (ElasticJob #1754, #49): release such nodes once a second while waiting.
		release := time.Now().Add(time.Second)
		if !j.waitCache(func() bool {
			if !j.anyRunning(total) {
				return false
			}
			if time.Now().After(release) {
				j.recoverStale()
				release = time.Now().Add(time.Second)
			}
			return true
		}) {
			return nil
		}
	}
	strategy, err := sharding.Lookup(cfg.JobShardingStrategyType)
	if err != nil {
		j.log.Error("resharding", "error", err)
		return nil
	}
	for attempt := 1; ; attempt++ {
		assignment, err := j.reshardOnce(total, strategy)
		if err == nil {
			j.observe(&Event{Kind: EventResharded, Duration: time.Since(began)})
			return assignment
		}
		if !errors.Is(err, reg.ErrBadVersion) || attempt == reshardAttempts || j.isShutdown() {
			j.log.Warn("resharding transaction failed", "error", err)
			j.observe(&Event{Kind: EventResharded, Duration: time.Since(began), Err: err})
			return nil
		}
		j.log.Info("resharding: asked for again while it ran (an instance joined or left); resharding again")
	}
}

// reshardAttempts bounds the reshardings one fire makes when membership keeps changing under
// them; the next fire goes on.
const reshardAttempts = 5

// reshardOnce computes and writes one assignment. The flag's version is read before the
// membership, and its deletion in the transaction requires that version: an instance that
// registers after the membership was read raises the flag again (raiseReshardingFlag), which
// fails the transaction (reg.ErrBadVersion) and the leader reshards again, including it.
// The membership is read from the registry: the cache may not have seen a joiner yet.
func (j *Job) reshardOnce(total int, strategy sharding.Strategy) (map[string][]int, error) {
	c := j.rt.center
	_, flag, err := c.GetVersion(nodepath.ShardingNecessary(j.name))
	if errors.Is(err, reg.ErrNoNode) {
		return j.readOwnItems(), nil // another leader's resharding (a leadership change) did it
	}
	if err != nil {
		return nil, err
	}
	if err := c.PersistEphemeral(nodepath.ShardingProcessing(j.name), ""); err != nil {
		return nil, err
	}
	j.notePrevOwners(total)
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
	available, err := j.availableNow()
	if err != nil {
		j.removeLogged(nodepath.ShardingProcessing(j.name))
		return nil, err
	}
	assignment := strategy.Shard(available, j.name, total)
	j.testPoint("resharding")
	var ops []reg.Op
	for _, id := range available {
		for _, i := range assignment[id] {
			ops = append(ops, reg.Op{Kind: reg.OpCreate, Path: nodepath.ItemInstance(j.name, i), Value: id})
		}
	}
	ops = append(ops,
		reg.Op{Kind: reg.OpDeleteVersion, Path: nodepath.ShardingNecessary(j.name), Version: flag},
		reg.Op{Kind: reg.OpDelete, Path: nodepath.ShardingProcessing(j.name)})
	if err := c.Txn(ops...); err != nil {
		j.removeLogged(nodepath.ShardingProcessing(j.name))
		return nil, err
	}
	j.log.Info("resharded", "total", total, "assignment", describe(available, assignment))
	return assignment, nil
}

// testHook, when set (by tests), is called at named points, to force an interleaving:
// "resharding", between a resharding's reading of the membership and its transaction;
// "flag", when the leader has asked for a resharding (setReshardingFlag);
// "elect", in an election holding the latch, before it looks for a leader.
var testHook atomic.Pointer[func(point, job string)]

func (j *Job) testPoint(point string) {
	if hook := testHook.Load(); hook != nil {
		(*hook)(point, j.name)
	}
}

// availableNow lists, in the registry's child order, the instances whose server is enabled, read
// from the registry. Instance nodes without a readable serverIp are reported and skipped.
func (j *Job) availableNow() ([]string, error) {
	c := j.rt.center
	ids, err := c.Children(nodepath.Instances(j.name))
	if err != nil {
		return nil, err
	}
	enabled := map[string]bool{}
	var out []string
	for _, id := range ids {
		path := nodepath.Instance(j.name, id)
		data, err := c.Get(path)
		if errors.Is(err, reg.ErrNoNode) {
			continue // gone meanwhile
		}
		if err != nil {
			return nil, err
		}
		ip, perr := instanceServerIP(data)
		if perr != nil || ip == "" {
			j.warnOnce(path, data, "instance node without a readable serverIp; skipped", "error", perr)
			continue
		}
		on, seen := enabled[ip]
		if !seen {
			v, err := c.Get(nodepath.Server(j.name, ip))
			if err != nil && !errors.Is(err, reg.ErrNoNode) {
				return nil, err
			}
			on = j.serverValueEnabled(nodepath.Server(j.name, ip), v)
			enabled[ip] = on
		}
		if on {
			out = append(out, id)
		}
	}
	return out, nil
}

// reshardFits says whether a resharding of total items fits one ZooKeeper transaction (the
// server refuses a request over its jute.maxbuffer, and each failed attempt costs it the whole
// request): an error naming the size and the limit when it does not. The owners' ids are taken
// as long as the longest registered one.
func (j *Job) reshardFits(total int) error {
	id := j.rt.id
	for _, other := range j.cache.Children(nodepath.Instances(j.name)) {
		if len(other) > len(id) {
			id = other
		}
	}
	return j.reshardFitsWith(total, id)
}

// reshardFitsWith is reshardFits with id as the longest owner id.
func (j *Job) reshardFitsWith(total int, id string) error {
	ops := make([]reg.Op, 0, total+2)
	for i := 0; i < total; i++ {
		ops = append(ops, reg.Op{Kind: reg.OpCreate, Path: nodepath.ItemInstance(j.name, i), Value: id})
	}
	ops = append(ops,
		reg.Op{Kind: reg.OpDeleteVersion, Path: nodepath.ShardingNecessary(j.name)},
		reg.Op{Kind: reg.OpDelete, Path: nodepath.ShardingProcessing(j.name)})
	if n := j.rt.center.TxnBytes(ops...); n > reg.MaxRequestBytes {
		return fmt.Errorf("shardingTotalCount %d needs a %d-byte resharding transaction, over ZooKeeper's %d-byte request limit (jute.maxbuffer)",
			total, n, reg.MaxRequestBytes)
	}
	return nil
}

// notePrevOwners remembers each item's owner before this leader reshards (as the cache has
// it), for takeOver: the deletions' own events reach the cache after the leader's run has
// begun with the new assignment.
func (j *Job) notePrevOwners(total int) {
	for i := 0; i < total; i++ {
		if owner, ok := j.cached(nodepath.ItemInstance(j.name, i)); ok && owner != "" {
			j.mu.Lock()
			j.prevOwner[i] = owner
			j.mu.Unlock()
		}
	}
}

// readOwnItems reads this instance's items from the registry after the leader's resharding:
// the cache may have applied the deletion of leader/sharding/necessary before the creation of
// the new sharding/{i}/instance nodes (separate watch events), and a run on that view would
// find no items. Reads after observing the deletion see the whole transaction.
func (j *Job) readOwnItems() map[string][]int {
	var mine []int
	for i := 0; i < j.config().ShardingTotalCount; i++ {
		path := nodepath.ItemInstance(j.name, i)
		owner, err := j.rt.center.Get(path)
		if err != nil && !errors.Is(err, reg.ErrNoNode) {
			owner, _ = j.cached(path) // unreachable registry: the cache is the best we have
		}
		if owner == j.rt.id {
			mine = append(mine, i)
		}
	}
	return map[string][]int{j.rt.id: mine}
}

// anyRunning asks the registry whether an item has a running node (they are not cached);
// an unreachable registry counts as running: the wait goes on.
func (j *Job) anyRunning(total int) bool {
	for i := 0; i < total; i++ {
		if ok, err := j.rt.center.Exists(nodepath.ItemRunning(j.name, i)); ok || err != nil {
			return true
		}
	}
	return false
}

// describe writes an assignment as "id=0-3,7 id2=4-6": items in ranges, and at most
// describeMax bytes (then "… and N more instances"), so that a log line stays a summary.
func describe(order []string, a map[string][]int) string {
	var b strings.Builder
	for k, id := range order {
		if b.Len() > describeMax {
			fmt.Fprintf(&b, " … and %d more instances", len(order)-k)
			break
		}
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(id)
		b.WriteString("=")
		items := a[id]
		for i := 0; i < len(items); {
			end := i
			for end+1 < len(items) && items[end+1] == items[end]+1 {
				end++
			}
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.Itoa(items[i]))
			if end > i {
				b.WriteString("-")
				b.WriteString(strconv.Itoa(items[end]))
			}
			i = end + 1
			if b.Len() > describeMax && i < len(items) {
				fmt.Fprintf(&b, ",… (%d items)", len(items))
				break
			}
		}
	}
	return b.String()
}

const describeMax = 2000
