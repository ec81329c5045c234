package lifecycle

import (
	"context"
	"fmt"
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// The sharding statistics and operations: ElasticJob's ShardingStatisticsAPI and
// ShardingOperateAPI.

// Sharding is the job's items as the registry holds them (the children of sharding/), sorted
// by item; ErrNotFound when the job has no configuration.
func (o *Operator) Sharding(ctx context.Context, job string) ([]ShardingInfo, error) {
	if _, err := o.mustConfig(ctx, job); err != nil {
		return nil, err
	}
	names, err := o.children(ctx, nodepath.Sharding(job))
	if err != nil {
		return nil, err
	}
	infos := []ShardingInfo{}
	owners := map[string]ownerNode{} // items share few owners: each instance node read once
	for _, name := range names {
		item, ok := nodepath.ParseItem(name)
		if !ok {
			continue // not an item: foreign data
		}
		info, err := o.item(ctx, job, item, owners)
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b ShardingInfo) int { return a.Item - b.Item })
	return infos, nil
}

// ownerNode is an item owner's instance node as read: its data, and whether it exists.
type ownerNode struct {
	data  string
	alive bool
}

// item is one item's information; owners holds the instance nodes read so far in this call.
func (o *Operator) item(ctx context.Context, job string, item int, owners map[string]ownerNode) (ShardingInfo, error) {
	info := ShardingInfo{Item: item}
	record, _, err := o.get(ctx, nodepath.Item(job, item))
	if err != nil {
		return info, err
	}
	if started := engine.StartedFire(record); !started.IsZero() {
		info.LastFireStarted = &started
	}
	owner, _, err := o.get(ctx, nodepath.ItemInstance(job, item))
	if err != nil {
		return info, err
	}
	var node ownerNode
	if owner != "" {
		var read bool
		if node, read = owners[owner]; !read {
			if node.data, node.alive, err = o.get(ctx, nodepath.Instance(job, owner)); err != nil {
				return info, err
			}
			owners[owner] = node
		}
	}
	data, alive := node.data, node.alive
	disabled, err := o.exists(ctx, nodepath.ItemDisabled(job, item))
	if err != nil {
		return info, err
	}
	running, err := o.exists(ctx, nodepath.ItemRunning(job, item))
	if err != nil {
		return info, err
	}
	switch {
	case disabled:
		info.Status = ItemDisabled
	case running:
		info.Status = ItemRunning
	case !alive:
		info.Status = ItemShardingFlag
	default:
		info.Status = ItemPending
	}
	if info.Failover, err = o.exists(ctx, nodepath.ItemFailover(job, item)); err != nil {
		return info, err
	}
	if alive {
		if in, err := nodedata.UnmarshalInstance(data); err == nil {
			info.ServerIP, info.InstanceID = in.ServerIP, in.JobInstanceID
		}
	}
	return info, nil
}

// DisableItem stops the item from running (sharding/{item}/disabled) until EnableItem; its
// owner skips it at every fire. ErrNotFound for a job without configuration or an item outside
// 0..shardingTotalCount-1.
func (o *Operator) DisableItem(ctx context.Context, job string, item int) error {
	if err := o.checkItem(ctx, job, item); err != nil {
		return err
	}
	if err := o.persist(ctx, nodepath.ItemDisabled(job, item), ""); err != nil {
		return err
	}
	o.audit("disable-item", job, "", "item", item)
	return nil
}

// EnableItem lets a disabled item run again.
func (o *Operator) EnableItem(ctx context.Context, job string, item int) error {
	if err := o.checkItem(ctx, job, item); err != nil {
		return err
	}
	if err := o.remove(ctx, nodepath.ItemDisabled(job, item)); err != nil {
		return err
	}
	o.audit("enable-item", job, "", "item", item)
	return nil
}

func (o *Operator) checkItem(ctx context.Context, job string, item int) error {
	cfg, err := o.mustConfig(ctx, job)
	if err != nil {
		return err
	}
	if item < 0 || item >= cfg.ShardingTotalCount {
		return fmt.Errorf("lifecycle: job %q has items 0 to %d: item %d: %w", job, cfg.ShardingTotalCount-1, item, ErrNotFound)
	}
	return nil
}
