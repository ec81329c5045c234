package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/sharding"
)

type runKind int

const (
	kindCron     runKind = iota // a scheduled fire
	kindTrigger                 // trigger/{self} or a one-off execute
	kindFailover                // claim queued failover items and run them
)

// fire is one fire of the job on this instance. Runs never overlap: a cron fire that finds a
// run in progress flags a misfire, a trigger is dropped (as ElasticJob does), a failover fire
// is left to the run in progress, which claims failover items when it ends.
func (j *Job) fire(kind runKind, fireTime time.Time) {
	if j.rt.paused.Load() {
		return
	}
	if !j.begin() {
		if kind == kindCron {
			j.flagMisfire(fireTime)
		}
		return
	}
	defer j.end()
	j.retryClear()
	if kind != kindFailover {
		if err := j.runOnce(fireTime); err != nil {
			j.stopped(err)
			return
		}
	}
	for !j.rt.paused.Load() && !j.isShutdown() && j.config().Failover {
		c, ok := j.claimFailover()
		if !ok {
			return
		}
		ran, err := j.runFailover(c)
		if err != nil {
			j.stopped(err)
			return
		}
		if !ran {
			return
		}
	}
}

// stopped reports a run that the error handler stopped (THROW): in ElasticJob the exception
// reaches Quartz, which logs it.
func (j *Job) stopped(err error) {
	j.log.Error("run stopped by the error handler", "error", err)
}

func (j *Job) begin() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running || j.shutdown {
		return false
	}
	j.running = true
	return true
}

func (j *Job) end() {
	j.mu.Lock()
	j.running = false
	j.mu.Unlock()
}

// runOnce is ElasticJob's execute for a cron or trigger fire (§4.2), reading the cache. It
// returns the error that stopped the run, when the error handler stopped it.
func (j *Job) runOnce(fireTime time.Time) error {
	cfg := j.config()
	if err := j.checkClock(cfg); err != nil {
		return err
	}
	assignment := j.shardIfNecessary()
	if j.isShutdown() || j.rt.paused.Load() {
		return nil
	}
	cfg = j.config()
	var items []int
	if assignment != nil {
		items = slices.Clone(assignment[j.rt.id])
		if !j.localAvailable() {
			items = nil
		}
	} else {
		items = j.localItems(cfg.ShardingTotalCount)
	}
	// Items running elsewhere (ElasticJob's removeRunningIfMonitorExecution) are found by the
	// running-node transaction in execute: the cache does not hold running nodes.
	items = slices.DeleteFunc(items, func(i int) bool {
		return (cfg.Failover && j.exists(nodepath.ItemFailover(j.name, i))) ||
			j.exists(nodepath.ItemDisabled(j.name, i))
	})
	slices.Sort(items)
	fires := make(map[int]time.Time, len(items))
	for _, i := range items {
		fires[i] = fireTime
	}
	scs, ok := j.contexts(cfg, items, fires)
	if !ok {
		return nil
	}
	all := j.runContexts(cfg, scs, fireTime)
	if err := j.before(all); err != nil {
		return err
	}
	if len(items) > 0 {
		ran, err := j.execute(cfg, scs, false)
		if err != nil {
			return err
		}
		for ran && cfg.Misfire && !j.isShutdown() && !j.exists(nodepath.ShardingNecessary(j.name)) {
			missed, ok := j.takeMisfire(items)
			if !ok {
				break
			}
			for k := range scs {
				if !missed.IsZero() {
					scs[k].FireTime = missed
				}
			}
			if ran, err = j.execute(cfg, scs, false); err != nil {
				return err
			}
			cfg = j.config()
		}
	}
	j.after(all)
	return nil
}

// runFailover runs one claimed failover item (§4.6) with the FireTime of the fire the crashed
// instance was serving, then releases the claim. err is what stopped the run (THROW).
func (j *Job) runFailover(c claim) (ran bool, err error) {
	cfg := j.config()
	scs, ok := j.contexts(cfg, []int{c.item}, map[int]time.Time{c.item: c.fireTime})
	if !ok {
		j.releaseClaim(c)
		return false, nil
	}
	all := j.runContexts(cfg, scs, c.fireTime)
	if err := j.before(all); err != nil {
		j.releaseClaim(c)
		return false, err
	}
	ran, err = j.execute(cfg, scs, true)
	if err == nil {
		j.after(all)
	}
	if !ran {
		j.releaseClaim(c)
	}
	return ran, err
}

// contexts builds one ShardingContext per item; a malformed shardingItemParameters goes to the
// error handler and the run is skipped, as in ElasticJob.
func (j *Job) contexts(cfg jobapi.JobConfiguration, items []int, fires map[int]time.Time) ([]jobapi.ShardingContext, bool) {
	params, err := sharding.ParseItemParameters(cfg.ShardingItemParameters)
	if err != nil {
		_ = j.handleError(fmt.Errorf("job %q: %w", j.name, err)) // the run is skipped anyway
		return nil, false
	}
	taskID := sharding.TaskID(j.name, items, j.rt.id)
	scs := make([]jobapi.ShardingContext, len(items))
	for k, i := range items {
		scs[k] = jobapi.ShardingContext{
			JobName: j.name, TaskID: taskID, ShardingTotalCount: cfg.ShardingTotalCount,
			JobParameter: cfg.JobParameter, ShardingItem: i, ShardingParameter: params[i],
			FireTime: fires[i],
		}
	}
	return scs, true
}

// runContexts is what listeners see of a run, also when it has no items.
func (j *Job) runContexts(cfg jobapi.JobConfiguration, scs []jobapi.ShardingContext, fireTime time.Time) jobapi.ShardingContexts {
	out := jobapi.ShardingContexts{
		JobName: j.name, TaskID: sharding.TaskID(j.name, nil, j.rt.id), JobParameter: cfg.JobParameter,
		ShardingTotalCount:     cfg.ShardingTotalCount,
		ShardingItemParameters: make(map[int]string, len(scs)),
		FireTime:               fireTime,
	}
	for k, sc := range scs {
		if k == 0 {
			out.TaskID = sc.TaskID
		}
		out.ShardingItemParameters[sc.ShardingItem] = sc.ShardingParameter
	}
	return out
}

// before calls the listeners' BeforeJobExecuted; a failure the error handler stops on (THROW)
// stops the run before its items.
func (j *Job) before(all jobapi.ShardingContexts) error {
	for _, l := range j.spec.Listeners {
		if err := l.BeforeJobExecuted(j.rt.ctx, all); err != nil {
			if stop := j.handleError(fmt.Errorf("job %q: listener before run: %w", j.name, err)); stop != nil {
				return stop
			}
		}
	}
	return nil
}

func (j *Job) after(all jobapi.ShardingContexts) {
	for _, l := range j.spec.Listeners {
		if err := l.AfterJobExecuted(j.rt.ctx, all); err != nil {
			_ = j.handleError(fmt.Errorf("job %q: listener after run: %w", j.name, err)) // nothing left to stop
		}
	}
}

// execute marks the items running (one transaction), runs them concurrently and bounded, and
// clears them (one transaction). ran is false when the items could not be marked; err is the
// item error the error handler stopped the run on (THROW).
func (j *Job) execute(cfg jobapi.JobConfiguration, scs []jobapi.ShardingContext, failover bool) (ran bool, err error) {
	items := make([]int, len(scs))
	for k, sc := range scs {
		items[k] = sc.ShardingItem
	}
	marked := cfg.MonitorExecution
	if marked {
		err := j.markRunning(cfg, items)
		if errors.Is(err, reg.ErrNodeExists) && !failover {
			// Some items run elsewhere: leave them out, as ElasticJob does, and mark the rest.
			held := j.runningElsewhere(items)
			scs = slices.DeleteFunc(slices.Clone(scs), func(sc jobapi.ShardingContext) bool { return held[sc.ShardingItem] })
			items = slices.DeleteFunc(items, func(i int) bool { return held[i] })
			if len(items) == 0 {
				return false, nil
			}
			err = j.markRunning(cfg, items)
		}
		if err != nil {
			if errors.Is(err, reg.ErrNodeExists) {
				// Taken meanwhile by another run: ElasticJob's misfireIfRunning.
				if !failover && cfg.Misfire {
					j.setMisfire(items, scs[0].FireTime)
				}
			} else {
				j.log.Warn("marking items running", "items", items, "error", err)
			}
			return false, nil
		}
	}
	fenced, stop := j.runItems(cfg, scs, failover)
	j.clear(items, fenced, marked, failover)
	return true, stop
}

// markRunning creates the items' running nodes in one transaction: persistent with failover
// (they outlive a crash, for the survivors to find), ephemeral otherwise.
func (j *Job) markRunning(cfg jobapi.JobConfiguration, items []int) error {
	kind := reg.OpCreateEphemeral
	if cfg.Failover {
		kind = reg.OpCreate
	}
	ops := make([]reg.Op, len(items))
	for k, i := range items {
		ops[k] = reg.Op{Kind: kind, Path: nodepath.ItemRunning(j.name, i), Value: j.rt.id}
	}
	return j.rt.center.Txn(ops...)
}

// runningElsewhere reads which items have a running node, after the transaction marking them
// failed: the only reads of running nodes a fire makes, and only in this conflict. A node that
// names an instance which is gone (a crash whose handling was missed) is handed to recoverStale.
func (j *Job) runningElsewhere(items []int) map[int]bool {
	held := map[int]bool{}
	alive := j.aliveInstances()
	stale := false
	for _, i := range items {
		owner, err := j.rt.center.Get(nodepath.ItemRunning(j.name, i))
		if errors.Is(err, reg.ErrNoNode) {
			continue
		}
		held[i] = true // unreadable counts as held: the retry decides
		if err == nil && !alive[owner] {
			stale = true
		}
	}
	if stale {
		j.rt.async(j.recoverStale)
	}
	return held
}

// runItems runs the items, at most poolSize at a time, each with a context that fencing can
// cancel. It returns the items that were fenced, and the first error the error handler stopped
// the run on: items not started by then are skipped.
func (j *Job) runItems(cfg jobapi.JobConfiguration, scs []jobapi.ShardingContext, failover bool) (map[int]bool, error) {
	runCtx, cancelRun := context.WithCancel(j.rt.ctx)
	defer cancelRun()
	acts := make([]*activeItem, len(scs))
	j.mu.Lock()
	for k, sc := range scs {
		ctx, cancel := context.WithCancel(runCtx)
		acts[k] = &activeItem{ctx: ctx, cancel: cancel, failover: failover}
		j.active[sc.ShardingItem] = acts[k]
	}
	j.mu.Unlock()
	// Fencing may have been due before the items were registered (session lost meanwhile).
	if j.rt.paused.Load() {
		j.fenceAll("registry session suspended before the run started")
	}
	sem := make(chan struct{}, poolSize(cfg))
	var wg sync.WaitGroup
	var stopOnce sync.Once
	var stop error
	stopped := make(chan struct{})
	for k, sc := range scs {
		sem <- struct{}{}
		select {
		case <-stopped:
			<-sem
			continue
		default:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := j.runItem(acts[k].ctx, sc); err != nil {
				stopOnce.Do(func() { stop = err; close(stopped) })
			}
		}()
	}
	wg.Wait()
	fenced := map[int]bool{}
	j.mu.Lock()
	for k, sc := range scs {
		if acts[k].fenced {
			fenced[sc.ShardingItem] = true
		}
		acts[k].cancel()
		if j.active[sc.ShardingItem] == acts[k] {
			delete(j.active, sc.ShardingItem)
		}
	}
	j.mu.Unlock()
	return fenced, stop
}

// runItem runs one item; a failure goes to the error handler, whose verdict it returns.
func (j *Job) runItem(ctx context.Context, sc jobapi.ShardingContext) (stop error) {
	defer func() {
		if p := recover(); p != nil {
			stop = j.handleError(fmt.Errorf("job %q item %d: panic: %v", j.name, sc.ShardingItem, p))
		}
	}()
	if err := j.spec.Runner.RunItem(ctx, sc); err != nil {
		return j.handleError(fmt.Errorf("job %q item %d: %w", j.name, sc.ShardingItem, err))
	}
	return nil
}

// clear deletes the running nodes (and a failover run's failover and failovering nodes) in one
// transaction. Fenced items are not ours any more: their nodes are left to whoever took them,
// except a running node that still names us.
func (j *Job) clear(items []int, fenced map[int]bool, marked, failover bool) {
	var ops []reg.Op
	for _, i := range items {
		if fenced[i] {
			continue
		}
		if marked {
			ops = append(ops, reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemRunning(j.name, i)})
		}
		if failover {
			ops = append(ops,
				reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemFailover(j.name, i)},
				reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemFailovering(j.name, i)})
		}
	}
	c := j.rt.center
	if len(ops) > 0 {
		if err := c.Txn(ops...); err != nil {
			// Some node went meanwhile (monitorExecution turned off, failover turned off…):
			// delete the rest one by one.
			for _, op := range ops {
				if err := c.Remove(op.Path); err != nil {
					// The registry is unreachable: retried before the next run.
					j.log.Warn("clearing item state; will retry", "path", op.Path, "error", err)
					j.mu.Lock()
					j.pendingClear = append(j.pendingClear, op.Path)
					j.mu.Unlock()
				}
			}
		}
	}
	for i := range fenced {
		if !marked || j.rt.paused.Load() {
			continue
		}
		path := nodepath.ItemRunning(j.name, i)
		if v, err := c.Get(path); err == nil && v == j.rt.id {
			j.removeLogged(path)
		}
	}
}

// retryClear deletes the item state nodes a previous run could not clear, when they still name
// this instance (someone may have taken the item since).
func (j *Job) retryClear() {
	j.mu.Lock()
	paths := j.pendingClear
	j.pendingClear = nil
	j.mu.Unlock()
	for _, p := range paths {
		v, err := j.rt.center.Get(p)
		switch {
		case errors.Is(err, reg.ErrNoNode) || (err == nil && v != j.rt.id):
		case err != nil || j.rt.center.Remove(p) != nil:
			j.mu.Lock()
			j.pendingClear = append(j.pendingClear, p)
			j.mu.Unlock()
		}
	}
}

// poolSize is ElasticJob's item pool: 2 × cores, or 1 for SINGLE_THREAD.
func poolSize(cfg jobapi.JobConfiguration) int {
	if cfg.JobExecutorServiceHandlerType == "SINGLE_THREAD" {
		return 1
	}
	return 2 * runtime.GOMAXPROCS(0)
}

// checkClock is maxTimeDiffSeconds: compare the registry's clock with ours; a difference over
// the limit goes to the error handler and the run goes on.
func (j *Job) checkClock(cfg jobapi.JobConfiguration) error {
	if cfg.MaxTimeDiffSeconds < 0 {
		return nil
	}
	t, err := j.rt.center.RegistryTime(nodepath.SystemTime(j.name))
	if err != nil {
		j.log.Warn("reading the registry time", "error", err)
		return nil
	}
	diff := time.Since(t)
	if diff < 0 {
		diff = -diff
	}
	if diff > time.Duration(cfg.MaxTimeDiffSeconds)*time.Second {
		return j.handleError(fmt.Errorf("time different between job server and register center exceed '%d' seconds, max time different is '%d' seconds (job %q, difference %v)",
			int(diff/time.Second), cfg.MaxTimeDiffSeconds, j.name, diff.Round(time.Millisecond)))
	}
	return nil
}
