package javapeer

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/sharding"
)

// execute is ElasticJobExecutor.execute for one fire (fire is zero for a run asked for now).
func (p *Peer) execute(fire time.Time) {
	cfg, ok := p.config()
	if !ok || p.shutdown.Load() {
		return
	}
	items := p.localFailoverItems(cfg)
	failover := len(items) > 0
	if !failover {
		p.shardIfNecessary()
		items = p.localItems(cfg)
		items = slices.DeleteFunc(items, func(i int) bool {
			return (cfg.Failover && p.exists(nodepath.ItemFailover(p.name, i))) || p.exists(nodepath.ItemDisabled(p.name, i))
		})
	}
	if cfg.MonitorExecution {
		items = slices.DeleteFunc(items, func(i int) bool { return p.exists(nodepath.ItemRunning(p.name, i)) })
	}
	if len(items) > 0 {
		p.run(cfg, items, fire, failover)
	}
	for cfg.Misfire && len(items) > 0 && !p.exists(nodepath.ShardingNecessary(p.name)) && p.takeMisfire(items) {
		p.run(cfg, items, fire, failover)
	}
	if cfg.Failover {
		p.failoverIfNecessary()
	}
}

// run is registerJobBegin, the items, registerJobCompleted.
func (p *Peer) run(cfg jobapi.JobConfiguration, items []int, fire time.Time, failover bool) {
	p.running.Store(true)
	defer p.running.Store(false)
	if cfg.MonitorExecution {
		for _, i := range items {
			if cfg.Failover {
				_ = p.c.Persist(nodepath.ItemRunning(p.name, i), p.id)
			} else {
				_ = p.c.PersistEphemeral(nodepath.ItemRunning(p.name, i), p.id)
			}
		}
	}
	var wg sync.WaitGroup
	for _, i := range items {
		wg.Go(func() { p.o.RunItem(p.ctx, Run{Item: i, Fire: fire, Failover: failover}) })
	}
	wg.Wait()
	if p.crashed.Load() {
		return // crashed: everything stays where it was
	}
	for _, i := range items {
		if cfg.MonitorExecution {
			_ = p.c.Remove(nodepath.ItemRunning(p.name, i))
		}
		if cfg.Failover {
			_ = p.c.Remove(nodepath.ItemFailover(p.name, i))
			_ = p.c.Remove(nodepath.ItemFailovering(p.name, i))
		}
	}
}

// takeMisfire deletes the misfire nodes of items and says whether there were any.
func (p *Peer) takeMisfire(items []int) bool {
	found := false
	for _, i := range items {
		if p.exists(nodepath.ItemMisfire(p.name, i)) {
			found = true
			_ = p.c.Remove(nodepath.ItemMisfire(p.name, i))
		}
	}
	return found
}

// localItems: none when the local server is not available, else the items assigned to us.
func (p *Peer) localItems(cfg jobapi.JobConfiguration) []int {
	if !p.localAvailable() {
		return nil
	}
	var out []int
	for i := range cfg.ShardingTotalCount {
		if v, err := p.c.Get(nodepath.ItemInstance(p.name, i)); err == nil && v == p.id {
			out = append(out, i)
		}
	}
	return out
}

// localFailoverItems: the items whose failover node names us.
func (p *Peer) localFailoverItems(cfg jobapi.JobConfiguration) []int {
	if !cfg.Failover {
		return nil
	}
	var out []int
	for _, i := range p.items() {
		if v, err := p.c.Get(nodepath.ItemFailover(p.name, i)); err == nil && v == p.id {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

func (p *Peer) items() []int {
	kids, _ := p.c.Children(nodepath.Sharding(p.name))
	var out []int
	for _, k := range kids {
		if i, ok := nodepath.ParseItem(k); ok {
			out = append(out, i)
		}
	}
	return out
}

func (p *Peer) serverEnabled(ip string) bool {
	v, err := p.c.Get(nodepath.Server(p.name, ip))
	return err == nil && v == "ENABLED"
}

func (p *Peer) localAvailable() bool {
	return !p.shutdown.Load() && p.serverEnabled(p.o.IP) && p.exists(nodepath.Instance(p.name, p.id))
}

// availableInstances: the instances, in the registry's order, whose server is enabled.
func (p *Peer) availableInstances() []string {
	ids, _ := p.c.Children(nodepath.Instances(p.name))
	var out []string
	for _, id := range ids {
		data, err := p.c.Get(nodepath.Instance(p.name, id))
		if err != nil {
			continue
		}
		in, err := nodedata.UnmarshalInstance(data)
		if err == nil && p.serverEnabled(in.ServerIP) {
			out = append(out, id)
		}
	}
	return out
}

// shardIfNecessary is ShardingService.shardingIfNecessary: a follower waits for the leader; the
// leader waits for running items, then rewrites every item's owner in one transaction.
func (p *Peer) shardIfNecessary() {
	available := p.availableInstances()
	if !p.exists(nodepath.ShardingNecessary(p.name)) || len(available) == 0 {
		return
	}
	if !p.isLeaderUntilBlock() {
		for !p.isLeader() && (p.exists(nodepath.ShardingNecessary(p.name)) || p.exists(nodepath.ShardingProcessing(p.name))) {
			if !p.sleep(100 * time.Millisecond) {
				return
			}
		}
		return
	}
	cfg, ok := p.config()
	if !ok {
		return
	}
	total := cfg.ShardingTotalCount
	for cfg.MonitorExecution && p.anyRunning(total) {
		if !p.sleep(100 * time.Millisecond) {
			return
		}
	}
	if err := p.c.PersistEphemeral(nodepath.ShardingProcessing(p.name), ""); err != nil {
		return
	}
	for i := range total {
		_ = p.c.Remove(nodepath.ItemInstance(p.name, i))
		_, _ = p.c.CreateIfAbsent(nodepath.Item(p.name, i), "")
	}
	if kids, err := p.c.Children(nodepath.Sharding(p.name)); err == nil {
		for i := total; i < len(kids); i++ {
			_ = p.c.Remove(nodepath.Item(p.name, i))
		}
	}
	strategy, err := sharding.Lookup(cfg.JobShardingStrategyType)
	if err != nil {
		return
	}
	var ops []reg.Op
	for _, id := range available {
		for _, i := range strategy.Shard(available, p.name, total)[id] {
			ops = append(ops, reg.Op{Kind: reg.OpCreate, Path: nodepath.ItemInstance(p.name, i), Value: id})
		}
	}
	ops = append(ops,
		reg.Op{Kind: reg.OpDelete, Path: nodepath.ShardingNecessary(p.name)},
		reg.Op{Kind: reg.OpDelete, Path: nodepath.ShardingProcessing(p.name)})
	if err := p.c.Txn(ops...); err != nil {
		p.log.Warn("resharding", "error", err)
	}
}

func (p *Peer) anyRunning(total int) bool {
	for i := range total {
		if p.exists(nodepath.ItemRunning(p.name, i)) {
			return true
		}
	}
	return false
}

// onCrashed is JobCrashedJobListener (3.0.4): the failover items instance x was running are
// queued again; else its running items, if its server is enabled, are queued with empty data
// and their running nodes deleted. Then a claim is attempted.
func (p *Peer) onCrashed(x string) {
	cfg, ok := p.config()
	if !ok || !cfg.Failover {
		return
	}
	var taken []int
	for _, i := range p.items() {
		if v, err := p.c.Get(nodepath.ItemFailovering(p.name, i)); err == nil && v == x {
			taken = append(taken, i)
		}
	}
	if len(taken) > 0 {
		for _, i := range taken {
			p.setCrashedFailoverFlag(i, false)
			p.failoverIfNecessary()
		}
		return
	}
	ip, _, _ := strings.Cut(x, "@-@")
	for k := 0; k < 10 && !p.serverEnabled(ip); k++ {
		if !p.sleep(100 * time.Millisecond) {
			return
		}
	}
	if !p.serverEnabled(ip) {
		return
	}
	for i := range cfg.ShardingTotalCount {
		owner, err := p.c.Get(nodepath.ItemInstance(p.name, i))
		if err != nil || owner != x || !p.exists(nodepath.ItemRunning(p.name, i)) {
			continue
		}
		p.setCrashedFailoverFlag(i, true)
		p.failoverIfNecessary()
	}
}

// setCrashedFailoverFlag queues item i (empty data) unless a taker holds it; the queueing of a
// crashed owner's item also deletes its running node.
func (p *Peer) setCrashedFailoverFlag(i int, deleteRunning bool) {
	if p.exists(nodepath.ItemFailover(p.name, i)) {
		return
	}
	_, _ = p.c.CreateIfAbsent(nodepath.FailoverItem(p.name, i), "")
	if deleteRunning {
		_ = p.c.Remove(nodepath.ItemRunning(p.name, i))
	}
}

// failoverIfNecessary claims one queued item under the failover latch, when the job is not
// running here, and asks for a run now.
func (p *Peer) failoverIfNecessary() {
	if len(p.queued()) == 0 || p.running.Load() {
		return
	}
	unlock, err := p.c.Lock(p.ctx, nodepath.FailoverLatch(p.name))
	if err != nil {
		return
	}
	defer unlock()
	queued := p.queued()
	if p.shutdown.Load() || len(queued) == 0 || p.running.Load() {
		return
	}
	i := queued[0]
	if err := p.c.PersistEphemeral(nodepath.ItemFailover(p.name, i), p.id); err != nil {
		return
	}
	_ = p.c.Persist(nodepath.ItemFailovering(p.name, i), p.id)
	if err := p.c.Remove(nodepath.FailoverItem(p.name, i)); err != nil && !errors.Is(err, reg.ErrNoNode) {
		p.log.Warn("dequeueing failover item", "item", i, "error", err)
	}
	p.now()
}

// queued lists the queued failover items in the registry's (reverse) order.
func (p *Peer) queued() []int {
	kids, _ := p.c.Children(nodepath.FailoverItems(p.name))
	var out []int
	for _, k := range kids {
		if i, err := strconv.Atoi(k); err == nil {
			out = append(out, i)
		}
	}
	return out
}
