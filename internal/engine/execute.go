package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/sharding"
)

type runKind int

const (
	kindCron     runKind = iota // a scheduled fire
	kindTrigger                 // trigger/{self} or a one-off execute
	kindFailover                // claim queued failover items and run them
	kindMakeUp                  // settle what a suspension left (see makeup.go), then as kindFailover
)

// fire is one fire of the job on this instance. Runs never overlap: a cron fire that finds a
// run in progress flags a misfire, a trigger is dropped (as ElasticJob does), a failover fire
// is left to the run in progress, which claims failover items when it ends. A cron fire while
// the session is suspended is owed to the session.
func (j *Job) fire(kind runKind, fireTime time.Time) { j.fireWith(kind, fireTime, nil) }

// fireWith is fire with, for a trigger, a one-off job parameter (nil: the configured one).
func (j *Job) fireWith(kind runKind, fireTime time.Time, parameter *string) {
	if j.rt.paused.Load() {
		// Owed to the suspended session; a lost session's fires are the survivors' to make up.
		if s := j.rt.suspendedIn.Load(); s != 0 && kind == kindCron && makesUp(j.config()) {
			j.owe(s, fireTime)
		}
		return
	}
	if !j.begin() {
		if kind == kindCron {
			j.flagMisfire(fireTime)
			if j.wants(EventMisfired) {
				j.mu.Lock()
				items := slices.Clone(j.lastItems)
				j.mu.Unlock()
				j.observe(&Event{Kind: EventMisfired, Items: items, FireTime: fireTime})
			}
		}
		return
	}
	defer j.end()
	j.setCronRun(kind == kindCron)
	j.retryClear()
	if kind == kindCron || kind == kindTrigger {
		if err := j.runOnce(fireTime, false, parameter); err != nil {
			j.stopped(err)
			return
		}
	}
	// What a suspension or a misfire left is settled once per fire: when the registry is still
	// unreachable, the runs owe it again, to the next fire.
	if !j.rt.paused.Load() {
		for _, fire := range j.settleDebt() {
			if err := j.runOnce(fire, true, nil); err != nil {
				j.stopped(err)
				return
			}
		}
	}
	for !j.rt.paused.Load() && !j.isShutdown() {
		if !j.config().Failover {
			return
		}
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

// runOnce is ElasticJob's execute for a cron or trigger fire, reading the cache; or for
// an owed fire (catchUp: older than what the instance has started since, see startedOps). It
// returns the error that stopped the run, when the error handler stopped it. A trigger's one-off
// parameter, when not nil, replaces the job parameter for this fire's own items (not for the
// misfired or missed fires it makes up).
func (j *Job) runOnce(fireTime time.Time, catchUp bool, parameter *string) error {
	cfg := j.config()
	session := j.session()
	if err := j.checkClock(cfg); err != nil {
		return err
	}
	assignment := j.shardIfNecessary()
	if j.isShutdown() {
		return nil
	}
	if j.rt.paused.Load() {
		// Suspended since the fire began (the state event came while it was on its way, or while
		// an owed fire was being made up): owed to the session, made up if it comes back.
		if makesUp(cfg) {
			j.owe(session, fireTime)
		}
		return nil
	}
	if !j.inSession(session) {
		// The session this fire began in was lost while it waited, or before it began (a
		// process paused past its session timeout wakes up with this fire): the survivors made
		// it up.
		j.log.Debug("fire dropped: its registry session was lost while it waited", "fireTime", fireTime)
		return nil
	}
	cfg = j.config()
	var items, disabled []int
	if assignment != nil {
		items = slices.Clone(assignment[j.rt.id])
	} else {
		items = j.assignedItems(cfg.ShardingTotalCount)
	}
	if !j.localAvailable() {
		if !j.serverEnabled(j.rt.ip) {
			disabled = items // an operator's disable: skipped, not missed
		}
		items = nil
	}
	// Items running elsewhere (ElasticJob's removeRunningIfMonitorExecution) are found by the
	// running-node transaction in execute: the cache does not hold running nodes.
	items = slices.DeleteFunc(items, func(i int) bool {
		if j.exists(nodepath.ItemDisabled(j.name, i)) {
			disabled = append(disabled, i)
			return true
		}
		return cfg.Failover && j.exists(nodepath.ItemFailover(j.name, i))
	})
	if len(disabled) > 0 {
		j.passOver(cfg, disabled, fireTime)
		j.noteSkipped(disabled, fireTime)
	}
	slices.Sort(items)
	served, gaps, since := j.handOver(cfg, items, fireTime)
	own := slices.DeleteFunc(slices.Clone(items), func(i int) bool { return served[i] })
	run := cfg
	if parameter != nil {
		oneOff := *cfg
		oneOff.JobParameter = *parameter
		run = &oneOff
	}
	scs, ok := j.contexts(run, own, sameFire(own, fireTime))
	if !ok {
		return nil
	}
	j.observeStaged(scs, own, fireTime, sourceOf(catchUp))
	j.debugRun(fireTime, own, served, gaps)
	all := j.runContexts(run, scs, fireTime)
	if err := j.before(all); err != nil {
		return err
	}
	if j.isShutdown() {
		return nil // stopping while the listeners ran: no item starts
	}
	if len(gaps) > 0 {
		// A hand-over is not a crash: nobody failed to run these fires, they fell between two
		// owners, and a deploy runs each of them once, with failover on as with it off.
		if err := j.makeUpMissed(cfg, gaps, since, SourceMakeUp); err != nil {
			return err
		}
	}
	ran := true
	if len(own) > 0 {
		var err error
		if ran, err = j.execute(run, scs, nil, catchUp, sourceOf(catchUp)); err != nil {
			return err
		}
	}
	if ran && len(items) > 0 && j.misfirePending(items) {
		if err := j.compensateMisfires(cfg, items, served, fireTime, gaps); err != nil {
			return err
		}
	}
	j.after(all)
	return nil
}

// debugRun logs what a run serves. Apart from runOnce, whose frame every fire's goroutine grows
// its stack for: the arguments would take room there.
func (j *Job) debugRun(fireTime time.Time, own []int, served map[int]bool, gaps map[int]time.Time) {
	if j.log.Enabled(context.Background(), slog.LevelDebug) {
		j.log.Debug("run", "fireTime", fireTime, "items", own, "served", served, "gaps", gaps)
	}
}

// compensateMisfires runs the fires flagged misfired while this run went on, for all the
// run's items: also those whose fire another instance served before they changed hands (served),
// unless it has served the misfired fire too. Fires this run served already, as its own or as a
// gap's make-up, are not run twice.
func (j *Job) compensateMisfires(cfg *jobapi.JobConfiguration, items []int, served map[int]bool, fireTime time.Time, gaps map[int]time.Time) error {
	var madeUp time.Time
	for _, g := range gaps {
		if g.After(madeUp) {
			madeUp = g
		}
	}
	for cfg.Misfire && !j.isShutdown() && !j.exists(nodepath.ShardingNecessary(j.name)) {
		fires := slices.DeleteFunc(j.takeMisfire(items), func(f time.Time) bool {
			return f.Equal(fireTime) || !f.After(madeUp)
		})
		if len(fires) == 0 {
			return nil
		}
		if j.recording(cfg) {
			// Every fire since each item's record, not only the coalesced ones (firerecord.go).
			latest := slices.MaxFunc(fires, time.Time.Compare)
			if err := j.makeUpMissed(cfg, sameFire(items, latest), nil, SourceMisfire); err != nil {
				return err
			}
			cfg = j.config()
			continue
		}
		for _, fire := range fires {
			run := slices.DeleteFunc(slices.Clone(items), func(i int) bool { return served[i] && j.servedSince(i, fire) })
			scs, ok := j.contexts(cfg, run, sameFire(run, fire))
			if !ok || len(run) == 0 {
				continue
			}
			// A catch-up: the fire may be older than this run's own (flagged while an earlier run
			// or a failover claim went on), and its record must not move back from the newer fire
			// started since, which a later handOver would take for a gap and run a second time.
			ran, err := j.execute(cfg, scs, nil, true, SourceMisfire)
			if err != nil {
				return err
			}
			if !ran {
				return nil
			}
		}
		cfg = j.config()
	}
	return nil
}

// sameFire gives every item the same fire.
func sameFire(items []int, fire time.Time) map[int]time.Time {
	fires := make(map[int]time.Time, len(items))
	for _, i := range items {
		fires[i] = fire
	}
	return fires
}

// runFailover runs one claimed failover item with the FireTime of the fire the crashed
// instance was serving (or, for a make-up alone, the latest missed fire), then releases the
// claim; a make-up left after the interrupted fire is queued again in the same transaction.
// err is what stopped the run (THROW).
func (j *Job) runFailover(c claim) (ran bool, err error) {
	cfg := j.config()
	fire := c.run.first()
	scs, ok := j.contexts(cfg, []int{c.item}, map[int]time.Time{c.item: fire})
	if !ok {
		j.releaseClaim(c)
		return false, nil
	}
	all := j.runContexts(cfg, scs, fire)
	if err := j.before(all); err != nil {
		j.releaseClaim(c)
		return false, err
	}
	if j.isShutdown() {
		j.releaseClaim(c)
		return false, nil
	}
	if c.run.fire.IsZero() && !c.run.makeUp.IsZero() && j.servedSince(c.item, c.run.makeUp) {
		// A make-up that someone has served meanwhile (the item's new owner): nothing to do.
		j.dropClaim(c)
		return true, nil
	}
	src := SourceFailover
	if c.run.fire.IsZero() {
		src = SourceMakeUp // a crash window's make-up alone
	}
	j.observeStaged(scs, []int{c.item}, fire, src)
	ran, err = j.execute(cfg, scs, &c, true, src)
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
func (j *Job) contexts(cfg *jobapi.JobConfiguration, items []int, fires map[int]time.Time) ([]jobapi.ShardingContext, bool) {
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
func (j *Job) runContexts(cfg *jobapi.JobConfiguration, scs []jobapi.ShardingContext, fireTime time.Time) jobapi.ShardingContexts {
	out := jobapi.ShardingContexts{
		JobName: j.name, JobParameter: cfg.JobParameter,
		ShardingTotalCount:     cfg.ShardingTotalCount,
		ShardingItemParameters: make(map[int]string, len(scs)),
		FireTime:               fireTime,
	}
	if len(scs) > 0 {
		out.TaskID = scs[0].TaskID
	} else {
		out.TaskID = sharding.TaskID(j.name, nil, j.rt.id)
	}
	for _, sc := range scs {
		out.ShardingItemParameters[sc.ShardingItem] = sc.ShardingParameter
	}
	return out
}

// before calls the listeners' BeforeJobExecuted; a failure the error handler stops on (THROW)
// stops the run before its items.
func (j *Job) before(all jobapi.ShardingContexts) error {
	for _, l := range j.spec.Listeners {
		if err := l.BeforeJobExecuted(j.ctx, all); err != nil {
			if stop := j.handleError(fmt.Errorf("job %q: listener before run: %w", j.name, err)); stop != nil {
				return stop
			}
		}
	}
	return nil
}

func (j *Job) after(all jobapi.ShardingContexts) {
	for _, l := range j.spec.Listeners {
		if err := l.AfterJobExecuted(j.ctx, all); err != nil {
			_ = j.handleError(fmt.Errorf("job %q: listener after run: %w", j.name, err)) // nothing left to stop
		}
	}
}

// execute marks the items running (one transaction), runs them concurrently and bounded, and
// clears them (one transaction). fo is the failover claim the run serves, nil for a run of the
// instance's own items. ran is false when the items could not be marked; err is the item error
// the error handler stopped the run on (THROW).
func (j *Job) execute(cfg *jobapi.JobConfiguration, scs []jobapi.ShardingContext, fo *claim, catchUp bool, src Source) (ran bool, err error) {
	items := make([]int, len(scs))
	for k, sc := range scs {
		items[k] = sc.ShardingItem
	}
	session := j.session()
	marked := cfg.MonitorExecution
	if marked {
		err := j.markRunning(cfg, scs, catchUp, fo != nil)
		for round := 0; round < 3 && err != nil && fo == nil; round++ {
			var served *servedError
			var held map[int]bool
			switch {
			case errors.As(err, &served):
				// Their fire started elsewhere (see firerecord.go): leave them out.
				held = served.items
			case errors.Is(err, reg.ErrNodeExists):
				// Some items run elsewhere: leave them out, as ElasticJob does, and mark the rest.
				held = j.runningElsewhere(items)
			}
			if held == nil {
				break
			}
			scs = slices.DeleteFunc(slices.Clone(scs), func(sc jobapi.ShardingContext) bool { return held[sc.ShardingItem] })
			items = slices.DeleteFunc(items, func(i int) bool { return held[i] })
			if len(items) == 0 {
				j.log.Debug("run: every item is running elsewhere or has started its fire", "held", held)
				return false, nil
			}
			err = j.markRunning(cfg, scs, catchUp, fo != nil)
		}
		if served := (*servedError)(nil); errors.As(err, &served) {
			j.log.Debug("run: items' fires started elsewhere meanwhile", "error", err)
			return false, nil
		}
		if err != nil {
			if errors.Is(err, reg.ErrNodeExists) {
				// Taken meanwhile by another run: ElasticJob's misfireIfRunning.
				if fo == nil && cfg.Misfire {
					j.setMisfire(items, scs[0].FireTime)
				}
			} else {
				j.log.Warn("marking items running", "items", items, "error", err)
				if fo == nil && makesUp(cfg) {
					// The registry is unreachable: this fire, and any flagged as misfired
					// meanwhile, are owed to the session, made up if it comes back.
					j.owe(session, scs[0].FireTime)
					j.oweMissed(session, j.takeMisfired())
				}
			}
			return false, nil
		}
	}
	if marked && !j.inSession(session) {
		// go-zookeeper sent the transaction in a session that replaced the one this run began
		// in (it renews expired sessions on its own): the items may be the survivors' now.
		j.clear(items, true, nil)
		return false, nil
	}
	started := time.Now() // the items' start, and the run's
	if j.wants(EventRunStarted) {
		j.observe(&Event{Kind: EventRunStarted, TaskID: scs[0].TaskID, Source: src, Items: items, FireTime: scs[0].FireTime, Time: started})
	}
	fenced, errs, stop := j.runItems(cfg, scs, marked, fo, src, started)
	j.afterFenced(scs, fenced, marked, fo, session)
	if j.wants(EventRunFinished) {
		d := time.Since(started)
		j.observe(&Event{Kind: EventRunFinished, TaskID: scs[0].TaskID, Source: src, Items: items, FireTime: scs[0].FireTime,
			Time: started.Add(d), Duration: d, ItemErrors: errs})
	}
	return true, stop
}

// sourceOf is the source of a runOnce run: an owed fire's is a make-up.
func sourceOf(catchUp bool) Source {
	if catchUp {
		return SourceMakeUp
	}
	return SourceNormal
}

// observeStaged reports a run's start (TASK_STAGING) and, without items, its end, when either
// is wanted. items become the event's: the caller does not touch them afterwards.
func (j *Job) observeStaged(scs []jobapi.ShardingContext, items []int, fireTime time.Time, src Source) {
	if !j.wants(EventRunStaged) && !j.wants(EventRunEmpty) {
		return
	}
	var taskID string
	if len(scs) > 0 {
		taskID = scs[0].TaskID
	} else {
		taskID = sharding.TaskID(j.name, items, j.rt.id)
	}
	now := time.Now()
	j.observe(&Event{Kind: EventRunStaged, TaskID: taskID, Source: src, Items: items, FireTime: fireTime, Time: now})
	if len(items) == 0 {
		j.observe(&Event{Kind: EventRunEmpty, TaskID: taskID, Source: src, FireTime: fireTime, Time: now})
	}
}

// markRunning creates the items' running nodes in one transaction: persistent with failover
// (they outlive a crash, for the survivors to find), ephemeral otherwise. With make-up on, the
// same transaction records each item's fire in sharding/{i} (startedOps; catchUp: the fires are
// older ones, see there; failover: the run serves a failover claim).
//
// The transaction also checks that this instance's node exists. go-zookeeper sends a request
// queued while its session expired (a paused process) in the session that replaces it, before
// the instance has registered again there: such a marking belongs to the lost session, whose
// items the survivors have taken over, and must not land.
func (j *Job) markRunning(cfg *jobapi.JobConfiguration, scs []jobapi.ShardingContext, catchUp, failover bool) error {
	kind := reg.OpCreateEphemeral
	if cfg.Failover {
		kind = reg.OpCreate
	}
	for attempt := 1; ; attempt++ {
		ops := make([]reg.Op, 0, 2*len(scs)+1)
		ops = append(ops, reg.Op{Kind: reg.OpCheck, Path: nodepath.Instance(j.name, j.rt.id)})
		for _, sc := range scs {
			ops = append(ops, reg.Op{Kind: kind, Path: nodepath.ItemRunning(j.name, sc.ShardingItem), Value: j.rt.id})
		}
		if makesUp(cfg) {
			started, err := j.startedOps(scs, catchUp, failover)
			if err != nil {
				return err
			}
			ops = append(ops, started...)
		}
		recording := j.recording(cfg)
		if recording {
			fired, err := j.fireRecordOps(scs)
			if err != nil {
				return err
			}
			ops = append(ops, fired...)
		}
		err := j.rt.txns.Txn(ops...)
		if recording {
			j.recorded(scs, err)
		}
		if !errors.Is(err, reg.ErrBadVersion) || attempt == 3 {
			return err
		}
		// Another run recorded a start meanwhile: read again.
	}
}

// runningElsewhere reads which items have a running node, after the transaction marking them
// failed: the only reads of running nodes a fire makes, and only in this conflict. A node that
// names this instance is a leftover (no run of ours is in progress: runs do not overlap) and is
// deleted; one that names an instance which is gone (a crash whose handling was missed) is
// handed to recoverStale.
func (j *Job) runningElsewhere(items []int) map[int]bool {
	held := map[int]bool{}
	alive := j.aliveInstances()
	stale := false
	for _, i := range items {
		path := nodepath.ItemRunning(j.name, i)
		owner, err := j.rt.center.Get(path)
		switch {
		case errors.Is(err, reg.ErrNoNode):
			continue
		case err == nil && owner == j.rt.id:
			if j.rt.center.Remove(path) == nil {
				continue
			}
		case err == nil && !alive[owner]:
			stale = true
		}
		held[i] = true // unreadable counts as held: the retry decides
	}
	if stale {
		j.rt.async(j.recoverStale)
	}
	return held
}

// runItems runs the items, at most poolSize at a time, each with a context that fencing can
// cancel, and clears each item's state as it completes (clearAsCompleted). It returns how the
// fenced items were fenced, each failed item's error (for EventRunFinished), and the first error
// the error handler stopped the run on: items not started by then are skipped (and cleared). The last item runs on the calling goroutine: a run
// of one item starts none.
func (j *Job) runItems(cfg *jobapi.JobConfiguration, scs []jobapi.ShardingContext, marked bool, fo *claim, src Source, started time.Time) (fenced map[int]fence, errs map[int]error, stop error) {
	r := &itemsRun{j: j, scs: scs, acts: make([]activeItem, len(scs)), src: src}
	j.mu.Lock()
	for k, sc := range scs {
		a := &r.acts[k]
		ctx, cancel := context.WithCancel(j.rt.ctx)
		*a = activeItem{cancel: cancel, j: j, item: sc.ShardingItem, start: started, failover: fo != nil}
		a.ctx = leaseCtx{Context: ctx, lease: a}
		j.active[sc.ShardingItem] = a
	}
	j.mu.Unlock()
	// Fencing may have been due before the items were registered (session lost meanwhile).
	if j.rt.paused.Load() {
		// Owed: made up if the session comes back (a lost session's debt is dropped, see owe).
		j.fenceAll("registry session suspended before the run started", true)
	}
	// The running nodes and failover claims of the items that are over are cleared as they
	// complete; without either there is nothing to clear.
	var cleared chan struct{}
	if marked || fo != nil {
		r.done, cleared = make(chan int, len(scs)), make(chan struct{})
		go func() {
			defer close(cleared)
			j.clearAsCompleted(scs, r.done, r.clears, marked, fo)
		}()
	}
	if n := poolSize(cfg); len(scs) > n {
		r.sem = make(chan struct{}, n)
	}
	for k := range scs {
		if r.sem != nil {
			r.sem <- struct{}{}
		}
		if r.stopped() {
			r.release()
			if j.wants(EventRunFinished) {
				r.mu.Lock()
				r.errs.add(scs[k].ShardingItem, errStopped)
				r.mu.Unlock()
			}
			r.finish(k) // never started: its running node goes all the same
			continue
		}
		if k == len(scs)-1 {
			r.run(k)
			break
		}
		r.wg.Go(func() { r.run(k) })
	}
	r.wg.Wait()
	if r.done != nil {
		close(r.done)
		<-cleared
	}
	return r.fenced, r.errs.errs, r.stop
}

// itemsRun is one runItems call, shared by its items' goroutines.
type itemsRun struct {
	j    *Job
	scs  []jobapi.ShardingContext
	acts []activeItem
	done chan int      // indexes of scs whose item is over; nil when there is nothing to clear
	sem  chan struct{} // bounds the items running at once; nil when they all fit
	wg   sync.WaitGroup

	src Source // for the observer

	mu   sync.Mutex
	stop error     // the first error the error handler stopped the run on
	errs runErrors // the items' errors, for the observer

	fenced map[int]fence // items fencing cancelled; guarded by j.mu
}

// run runs item k, with its events when someone takes them. The events are built in functions
// of their own, called from this shallow frame: an item's goroutine starts with a small stack,
// which the events' frames on top of the item's call chain would make it grow (copy) per item.
func (r *itemsRun) run(k int) {
	defer r.release()
	j := r.j
	start := r.acts[k].start // the run's start: the item starts now, unless it waited for the pool
	if r.sem != nil && (j.wants(EventItemStarted) || j.wants(EventItemFinished)) {
		start = time.Now()
	}
	if j.wants(EventItemStarted) {
		r.observeItemStarted(k, start)
	}
	stop, err := j.runItem(&r.acts[k].ctx, &r.scs[k])
	if stop != nil {
		r.stopWith(stop)
	}
	if err != nil && j.wants(EventRunFinished) {
		r.mu.Lock()
		r.errs.add(r.scs[k].ShardingItem, err)
		r.mu.Unlock()
	}
	if j.wants(EventItemFinished) {
		r.observeItemFinished(k, start, err)
	}
	r.finish(k)
}

func (r *itemsRun) observeItemStarted(k int, start time.Time) {
	sc := &r.scs[k]
	r.j.obs.Observe(Event{Kind: EventItemStarted, Job: r.j.name, TaskID: sc.TaskID, Source: r.src, Item: sc.ShardingItem, FireTime: sc.FireTime, Time: start})
}

// observeItemFinished reads the clock once: time.Now's monotonic reading gives the duration
// (cheaper than time.Since and then start.Add for the end).
func (r *itemsRun) observeItemFinished(k int, start time.Time, err error) {
	sc := &r.scs[k]
	end := time.Now()
	r.j.obs.Observe(Event{Kind: EventItemFinished, Job: r.j.name, TaskID: sc.TaskID, Source: r.src, Item: sc.ShardingItem, FireTime: sc.FireTime,
		Time: end, Duration: end.Sub(start), Err: err})
}

func (r *itemsRun) stopWith(err error) {
	r.mu.Lock()
	if r.stop == nil {
		r.stop = err
	}
	r.mu.Unlock()
}

func (r *itemsRun) release() {
	if r.sem != nil {
		<-r.sem
	}
}

func (r *itemsRun) stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop != nil
}

// finish marks item k over as soon as it returns: fencing cannot reach it any more, even while
// the clearing of earlier items waits for the registry.
func (r *itemsRun) finish(k int) {
	j, a := r.j, &r.acts[k]
	j.mu.Lock()
	a.cancel()
	if j.active[a.item] == a {
		delete(j.active, a.item)
	}
	if a.fenced {
		if r.fenced == nil {
			r.fenced = map[int]fence{}
		}
		r.fenced[a.item] = fence{owed: a.owed}
	}
	j.mu.Unlock()
	if r.done != nil {
		r.done <- k
	}
}

// clears says whether item k, which is over, is cleared with the others: a fenced item is not
// (see afterFenced).
func (r *itemsRun) clears(k int) bool {
	r.j.mu.Lock()
	defer r.j.mu.Unlock()
	_, f := r.fenced[r.scs[k].ShardingItem]
	return !f
}

// fence says how a fenced item was fenced.
type fence struct {
	owed bool // by a suspension of the session: the same session, when it comes back, runs it again
}

// clearGrace is how long a completed item's state waits for its siblings' completions to share
// their clearing transaction. Short: until its running node is gone, a crash of this instance
// would have the item failed over and run a second time.
const clearGrace = time.Millisecond

// clearAsCompleted deletes the state of the items of done as they complete, those completing
// within clearGrace of each other in one transaction: a run of instant items costs one. clears
// says whether an item that is over is to be cleared (it was not fenced).
func (j *Job) clearAsCompleted(scs []jobapi.ShardingContext, done <-chan int, clears func(k int) bool, marked bool, fo *claim) {
	var batch []int
	take := func(k int) {
		if clears(k) {
			batch = append(batch, scs[k].ShardingItem)
		}
	}
	for k := range done {
		take(k)
		grace := time.NewTimer(clearGrace)
	gather:
		for {
			select {
			case k, ok := <-done:
				if !ok {
					break gather
				}
				take(k)
			case <-grace.C:
				break gather
			}
		}
		grace.Stop()
		j.clear(batch, marked, fo)
		batch = batch[:0]
	}
}

// runItem runs one item; a failure (err, a panic included) goes to the error handler, whose
// verdict it returns as stop.
func (j *Job) runItem(ctx context.Context, sc *jobapi.ShardingContext) (stop, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			stop = j.handleError(fmt.Errorf("job %q item %d: panic: %v", j.name, sc.ShardingItem, p))
		}
	}()
	if err = j.spec.Runner.RunItem(ctx, *sc); err != nil {
		return j.handleError(fmt.Errorf("job %q item %d: %w", j.name, sc.ShardingItem, err)), err
	}
	return nil, nil
}

// clear deletes the running nodes of completed items (and a failover run's failover and
// failovering nodes) in one transaction. A failover run that leaves a make-up queues it again in
// the same transaction.
func (j *Job) clear(items []int, marked bool, fo *claim) {
	var ops []reg.Op
	for _, i := range items {
		if marked {
			ops = append(ops, reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemRunning(j.name, i)})
		}
		if fo != nil {
			ops = append(ops,
				reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemFailover(j.name, i)},
				reg.Op{Kind: reg.OpDelete, Path: nodepath.ItemFailovering(j.name, i)})
			if rest, ok := fo.run.rest(); ok {
				ops = append(ops, reg.Op{Kind: reg.OpCreate, Path: nodepath.FailoverItem(j.name, i), Value: rest.String()})
			}
		}
	}
	if len(ops) == 0 {
		return
	}
	c := j.rt.center
	if err := j.rt.txns.Txn(ops...); err == nil {
		return
	}
	// Some node went meanwhile (monitorExecution turned off, failover turned off…) or the
	// registry is unreachable: one by one, retrying before the next run what fails.
	for _, op := range ops {
		if op.Kind == reg.OpCreate {
			if _, err := c.CreateIfAbsent(op.Path, op.Value); err != nil {
				j.log.Warn("queueing the make-up of a failover item", "path", op.Path, "error", err)
			}
			continue
		}
		if err := c.Remove(op.Path); err != nil {
			j.log.Warn("clearing item state; will retry", "path", op.Path, "error", err)
			j.mu.Lock()
			j.pendingClear = append(j.pendingClear, op.Path)
			j.mu.Unlock()
		}
	}
}

// afterFenced deals with the items fencing cancelled. They may not be ours any more: their
// nodes are left to whoever took them, except a running node that still names us. Those fenced
// by a suspension are owed to the session the run started in (session): its own items run again,
// a failover claim is queued again, if that session comes back (see makeup.go).
func (j *Job) afterFenced(scs []jobapi.ShardingContext, fenced map[int]fence, marked bool, fo *claim, session int64) {
	for _, sc := range scs {
		f, ok := fenced[sc.ShardingItem]
		if !ok {
			continue
		}
		if f.owed {
			if fo != nil {
				j.oweClaim(session, *fo)
			} else {
				j.owe(session, sc.FireTime)
			}
		}
		if !marked {
			continue
		}
		path := nodepath.ItemRunning(j.name, sc.ShardingItem)
		if j.rt.paused.Load() {
			j.mu.Lock()
			j.pendingClear = append(j.pendingClear, path) // only if it still names us, later
			j.mu.Unlock()
			continue
		}
		j.removeIfOurs(path)
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

// poolSize is ElasticJob's item pool (jobconf.PoolSize).
func poolSize(cfg *jobapi.JobConfiguration) int {
	return jobconf.PoolSize(cfg.JobExecutorServiceHandlerType)
}

// checkClock is maxTimeDiffSeconds: compare the registry's clock with ours; a difference over
// the limit goes to the error handler and the run goes on.
func (j *Job) checkClock(cfg *jobapi.JobConfiguration) error {
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
