package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// Schedule starts cron firing (a job without cron is only fired by triggers).
func (j *Job) Schedule() {
	j.mu.Lock()
	j.scheduled = true
	j.mu.Unlock()
	j.reschedule()
	j.rt.sched.Start()
}

// reschedule replaces the cron entry with the current schedule.
func (j *Job) reschedule() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.hasEntry {
		j.rt.sched.Remove(j.entry)
		j.hasEntry = false
	}
	if !j.scheduled || j.shutdown || j.sched == nil {
		return
	}
	j.entry = j.rt.sched.Add(j.sched, func(ft time.Time) { j.fire(kindCron, ft) })
	j.hasEntry = true
}

// TriggerAll asks every current instance to run the job once, as OneOffJobBootstrap.execute and
// the console's trigger do: trigger/ is recreated with one child per instance.
func (j *Job) TriggerAll() error {
	_, err := WriteTriggers(j.rt.center, j.name, "")
	return err
}

// WriteTriggers is ElasticJob's trigger, for this instance's jobs and the operations API alike:
// trigger/ is recreated with one node per instance online, holding data (empty, or a one-off
// parameter: nodedata.MarshalTrigger). It returns how many instances were asked.
func WriteTriggers(c *reg.Center, job, data string) (int, error) {
	ids, err := c.Children(nodepath.Instances(job))
	if err != nil {
		return 0, err
	}
	if err := c.Remove(nodepath.Triggers(job)); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := c.Persist(nodepath.Trigger(job, id), data); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// DefaultShutdownGracePeriod is how long stopping waits for running items before it cancels
// their ctx, when Options.ShutdownGracePeriod is not set: well inside fx's default stop timeout
// (15 s), leaving room for the cancelled items to return and for the nodes' removal.
const DefaultShutdownGracePeriod = 10 * time.Second

const (
	// stopReserve is the part of the stop context kept for removing this instance's nodes (one
	// transaction) and for closing the session after it: the grace period ends this much before
	// the stop context's deadline.
	stopReserve = 2 * time.Second
	// cancelledReturn is how long items whose ctx was cancelled get to return before they are
	// left behind.
	cancelledReturn = time.Second
	// closeReserve is the end of stopReserve kept for closing the session: the removal of the
	// nodes gives up that long before the stop context's deadline.
	closeReserve = 1500 * time.Millisecond
)

// Shutdown stops the job on this instance. Firing stops at once, and so do the job's listener
// waits (distribute-once barriers) and latch waits. Running items get the grace period
// (Options.ShutdownGracePeriod), ending stopReserve before ctx's deadline at the latest; then
// their ctx is cancelled and they get a second to return; an item still running after that is
// named in the log and left behind. Last, the instance node, the leader node if held and the
// running nodes of the items left behind are removed in one transaction, bounded by ctx: peers
// see a stop, not a crash, and fail nothing over.
func (j *Job) Shutdown(ctx context.Context) error {
	j.stop()
	if !j.stopping.CompareAndSwap(false, true) {
		return nil
	}
	interrupted, err := j.awaitIdle(ctx)
	if rerr := j.removeOwnNodes(ctx, interrupted); rerr != nil {
		err = errors.Join(err, rerr)
	}
	j.cache.Close()
	j.rt.dropJob(j)
	j.setLeading(false)
	j.observe(&Event{Kind: EventUnregistered})
	return err
}

// stop marks the job shut down, removes its cron entry and ends its ctx; false when it already was.
func (j *Job) stop() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.shutdown {
		return false
	}
	j.shutdown = true
	j.cancel()
	if j.hasEntry {
		j.rt.sched.Remove(j.entry)
		j.hasEntry = false
	}
	return true
}

// awaitIdle gives the run in progress the grace period, then cancels its items and gives them
// cancelledReturn to return. It returns the items it cancelled (whose running nodes may remain)
// and, when the run was not over, an error naming the items left behind.
func (j *Job) awaitIdle(ctx context.Context) (interrupted []int, err error) {
	if j.idle() {
		return nil, nil
	}
	last := time.Now().Add(j.rt.grace + cancelledReturn) // when a stop context has no deadline
	if d, ok := ctx.Deadline(); ok {
		last = d.Add(-stopReserve)
	}
	grace := earlier(time.Now().Add(j.rt.grace), last)
	running := j.activeItems() // with those still running at the grace period's end: interrupted
	if len(running) > 0 {
		j.log.Info("stopping: waiting for the running items", "items", running,
			"gracePeriod", j.rt.grace, "waitingUntil", grace.Format(time.RFC3339Nano))
	} else {
		j.log.Info("stopping: waiting for the run in progress (its listeners, or the registry)",
			"gracePeriod", j.rt.grace, "waitingUntil", grace.Format(time.RFC3339Nano))
	}
	if j.waitIdle(ctx, grace) {
		return nil, nil
	}
	items := j.activeItems()
	j.log.Warn("stopping: the grace period is over; cancelling the running items", "items", items)
	j.fenceAll("stopping: the grace period is over", false)
	interrupted = slices.Compact(slices.Sorted(slices.Values(append(running, items...))))
	if j.waitIdle(ctx, earlier(time.Now().Add(cancelledReturn), last)) {
		return interrupted, nil
	}
	j.rt.leftBehind.Store(true)
	left := j.activeItems()
	if len(left) > 0 {
		j.log.Error("stopping: items ignore their cancelled ctx; left behind, their running nodes removed", "items", left)
	} else {
		j.log.Warn("stopping: the run's items are over but the run is still waiting for the registry; left behind")
	}
	return interrupted, fmt.Errorf("engine: job %q: run still in progress at shutdown (items left behind: %v)", j.name, left)
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// idle: no run in progress.
func (j *Job) idle() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return !j.running
}

// waitIdle waits until no run is in progress (true), until, or ctx's end.
func (j *Job) waitIdle(ctx context.Context, until time.Time) bool {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	deadline := time.NewTimer(time.Until(until))
	defer deadline.Stop()
	for !j.idle() {
		select {
		case <-t.C:
		case <-deadline.C:
			return j.idle()
		case <-ctx.Done():
			return j.idle()
		}
	}
	return true
}

// activeItems lists the items of the run in progress that have not returned.
func (j *Job) activeItems() []int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Sorted(maps.Keys(j.active))
}

// removeOwnNodes removes, in one transaction, the nodes of this instance: the instance node
// created in this session (and its recorders/ node), the leader node if held and the running
// nodes of the interrupted items that still name us (an item left behind, or one whose run
// could not clear it). Bounded by ctx: an unanswering registry leaves them to the end of the
// session, and the log says so.
func (j *Job) removeOwnNodes(ctx context.Context, interrupted []int) error {
	if d, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-closeReserve))
		defer cancel()
	}
	done := make(chan error, 1)
	go func() { done <- j.removeOwnNodesNow(interrupted) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		j.log.Error("stopping: the registry did not answer in time; this instance's nodes stay until its session ends")
		return fmt.Errorf("engine: job %q: removing this instance's nodes: %w", j.name, ctx.Err())
	}
}

func (j *Job) removeOwnNodesNow(interrupted []int) error {
	c := j.rt.center
	var ops []reg.Op
	ours := func(path string) {
		if v, err := c.Get(path); err == nil && v == j.rt.id {
			ops = append(ops, reg.Op{Kind: reg.OpDelete, Path: path})
		}
	}
	for _, i := range interrupted {
		ours(nodepath.ItemRunning(j.name, i))
	}
	ours(nodepath.LeaderElectionInstance(j.name))
	if j.registeredNow() {
		ops = append(ops,
			reg.Op{Kind: reg.OpDelete, Path: nodepath.Instance(j.name, j.rt.id)},
			reg.Op{Kind: reg.OpDelete, Path: nodepath.Recorder(j.name, j.rt.id)})
	}
	if len(ops) == 0 {
		return nil
	}
	// The leaver asks for the resharding itself, in the same transaction: the survivors' next
	// fire reshards, instead of the one after their leader has seen the node go. Created, or
	// written again when it exists (a resharding in progress then reads the membership again).
	flag, ask := j.reshardingFlagOp()
	if ask {
		ops = append(ops, flag)
	}
	err := j.rt.txns.Txn(ops...)
	if err == nil || !(errors.Is(err, reg.ErrNoNode) || errors.Is(err, reg.ErrNodeExists)) {
		return err
	}
	// Some node went meanwhile (an operator, the run clearing its item, a resharding deleting the
	// flag) or the flag came: one by one.
	var errs []error
	for _, op := range ops {
		if op.Path == flag.Path {
			continue
		}
		if err := c.Remove(op.Path); err != nil {
			errs = append(errs, err)
		}
	}
	if ask {
		if err := j.raiseReshardingFlag(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// reshardingFlagOp is the operation that asks for a resharding when this instance leaves; ask is
// false when static sharding keeps the assignment.
func (j *Job) reshardingFlagOp() (op reg.Op, ask bool) {
	path := nodepath.ShardingNecessary(j.name)
	if j.staticLocked() {
		return reg.Op{Path: path}, false
	}
	if ok, err := j.rt.center.Exists(path); err == nil && ok {
		return reg.Op{Kind: reg.OpUpdate, Path: path}, true
	}
	return reg.Op{Kind: reg.OpCreate, Path: path}, true
}

// shutdownByOperator handles the deletion of our instance node by someone else: ElasticJob's
// remote shutdown. A deletion caused by the session (lost, replaced) is not one.
func (j *Job) shutdownByOperator() {
	if !j.registeredNow() || j.rt.paused.Load() {
		return
	}
	if ok, err := j.rt.center.Exists(nodepath.Instance(j.name, j.rt.id)); err != nil || ok {
		return
	}
	j.log.Info("instance node deleted by an operator: shutting the job down on this instance")
	ctx, cancel := context.WithTimeout(j.rt.ctx, time.Minute)
	defer cancel()
	if err := j.Shutdown(ctx); err != nil {
		j.log.Warn("shutdown", "error", err)
	}
	j.removeRemnants()
}

// removeRemnants finishes the removal of a job deleted from the registry while it ran: what
// this or another instance wrote during the deletion (an election, a resharding flag, their
// parents) is removed once the job has no configuration and no instance left.
func (j *Job) removeRemnants() {
	c := j.rt.center
	if gone, err := j.removedFromRegistry(); err != nil || !gone {
		return // not removed: an operator's shutdown of this instance only
	}
	if ids, err := c.Children(nodepath.Instances(j.name)); err != nil || len(ids) > 0 {
		return // another instance still runs it; the last one cleans up
	}
	if ok, err := c.Exists(nodepath.Job(j.name)); err != nil || !ok {
		return
	}
	j.log.Info("job removed from the registry while it ran: removing what remains of it", "path", c.Abs(nodepath.Job(j.name)))
	j.removeLogged(nodepath.Job(j.name))
}
