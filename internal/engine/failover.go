package engine

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/robfig/cron/v3"
)

// logClaim says what a claimed item is to serve, naming only the fires it has.
func (j *Job) logClaim(i int, q queuedRun) {
	switch {
	case q.fire.IsZero() && q.makeUp.IsZero():
		j.log.Info("failover: claimed item queued without a fire time (as ElasticJob queues it)", "item", i)
	case q.fire.IsZero():
		// The crashed instance was not running the item: only its missed fires are made up.
		j.log.Info("failover: claimed item to make up its missed fires", "item", i, "makeUp", q.makeUp)
	case q.makeUp.IsZero():
		j.log.Info("failover: claimed item", "item", i, "fireTime", q.fire)
	default:
		j.log.Info("failover: claimed item", "item", i, "fireTime", q.fire, "makeUp", q.makeUp)
	}
}

// claim is one failover item taken by this instance, with the fires it is to serve.
type claim struct {
	item int
	run  queuedRun
}

// onCrashed is ElasticJob's JobCrashedJobListener with 3.0.5's fix: instance x is gone,
// as seen at seen. Items x was running as a failover taker are re-queued; else the items x owned
// and was running are queued, if x's server is enabled, and (make-up, see makeup.go) so are its
// idle items whose fires fell into the detection window. Running nodes are deleted in every
// case, so nothing stays stuck. Every survivor sees the crash: the queueing is done under the
// failover latch after checking the registry again, so that an item already queued and claimed
// by a faster survivor is not queued a second time.
func (j *Job) onCrashed(x, oldData string, seen time.Time) {
	cfg := j.config()
	if !cfg.Failover || j.isShutdown() {
		return
	}
	var taken []int
	for _, i := range j.numeric(nodepath.Sharding(j.name), j.cache.Children(nodepath.Sharding(j.name))) {
		if v, ok := j.cached(nodepath.ItemFailovering(j.name, i)); ok && v == x {
			taken = append(taken, i)
		}
	}
	var owned []int
	if len(taken) == 0 {
		ip, _, _ := cutID(x)
		if sip, err := instanceServerIP(oldData); err == nil && sip != "" {
			ip = sip
		}
		// ElasticJob waits up to 1 s for the crashed server's node to read ENABLED.
		for k := 0; k < 10 && !j.serverEnabled(ip); k++ {
			if !j.rt.sleep(100 * time.Millisecond) {
				return
			}
		}
		if !j.serverEnabled(ip) {
			return
		}
		for i := 0; i < cfg.ShardingTotalCount; i++ {
			owner, _ := j.cached(nodepath.ItemInstance(j.name, i))
			if owner == x && !j.exists(nodepath.ItemFailover(j.name, i)) && !j.exists(nodepath.ItemDisabled(j.name, i)) {
				owned = append(owned, i)
			}
		}
	}
	if len(taken) == 0 && len(owned) == 0 {
		return
	}
	c := j.rt.center
	if len(taken) == 0 && !makesUp(cfg) {
		// Without make-up only running items matter: spare the latch when there are none.
		// Running nodes are not cached (they change on every fire): ask the registry.
		owned = slices.DeleteFunc(owned, func(i int) bool {
			ok, err := c.Exists(nodepath.ItemRunning(j.name, i))
			return err != nil || !ok
		})
		if len(owned) == 0 {
			return
		}
	}
	ctx, cancel := context.WithTimeout(j.ctx, time.Minute)
	defer cancel()
	unlock, err := c.Lock(ctx, nodepath.FailoverLatch(j.name))
	if err != nil {
		j.log.Warn("failover latch", "error", err)
		return
	}
	defer unlock()
	still := func(path string) bool { v, err := c.Get(path); return err == nil && v == x }
	var queued []int
	for _, i := range taken {
		if !still(nodepath.ItemFailovering(j.name, i)) {
			continue // re-queued and claimed by a faster survivor
		}
		j.mu.Lock()
		q := j.queuedFire[i] // the fires the first crash left, as last queued
		j.mu.Unlock()
		j.queueFailover(i, q)
		j.removeLogged(nodepath.ItemRunning(j.name, i))
		queued = append(queued, i)
	}
	for _, i := range owned {
		if ok, _ := c.Exists(nodepath.ItemFailover(j.name, i)); ok {
			continue // claimed by a faster survivor
		}
		if ok, _ := c.Exists(nodepath.FailoverItem(j.name, i)); ok {
			continue // queued by a faster survivor
		}
		var q queuedRun
		running := still(nodepath.ItemRunning(j.name, i))
		if running {
			q.fire = j.crashedFireTime(i)
		}
		if makesUp(cfg) {
			if m := j.missedFire(i, x, seen); m.After(q.fire) {
				q.makeUp = m
			}
		}
		if !running && q.makeUp.IsZero() {
			continue
		}
		j.queueFailover(i, q)
		if running {
			j.removeLogged(nodepath.ItemRunning(j.name, i))
		}
		queued = append(queued, i)
	}
	if len(queued) > 0 {
		j.log.Info("failover: queued the items of a crashed instance", "crashed", x, "items", queued, "taker", len(taken) > 0)
	}
}

// recoverStale handles the whole-cluster-restart case: running or failovering nodes naming an
// instance that is not registered any more are queued for failover and deleted. ElasticJob does
// this only when a single instance is up; doing it whenever the owner is provably gone also frees
// the two-instance case of #2429. The check is repeated under the failover latch, so that no
// claim (which dequeues the item) can slip in between and have the item queued twice.
func (j *Job) recoverStale() {
	cfg := j.config()
	if !cfg.Failover || !cfg.MonitorExecution || j.isShutdown() || len(j.staleItems()) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(j.ctx, time.Minute)
	defer cancel()
	unlock, err := j.rt.center.Lock(ctx, nodepath.FailoverLatch(j.name))
	if err != nil {
		j.log.Warn("failover latch", "error", err)
		return
	}
	defer unlock()
	var queued []int
	for _, s := range j.staleItems() {
		running := nodepath.ItemRunning(j.name, s.item)
		switch {
		case s.taker:
			j.mu.Lock()
			q, ok := j.queuedFire[s.item]
			j.mu.Unlock()
			if !ok {
				q = queuedRun{fire: j.crashedFireTime(s.item)}
			}
			j.queueFailover(s.item, q)
			j.removeLogged(nodepath.ItemFailovering(j.name, s.item))
			if v, err := j.rt.center.Get(running); err == nil && v == s.owner {
				j.removeLogged(running)
			}
		case s.claimed:
			j.removeLogged(running) // a taker has it: it only needs the stale node gone
			continue
		default:
			j.queueFailover(s.item, queuedRun{fire: j.crashedFireTime(s.item)})
			j.removeLogged(running)
		}
		queued = append(queued, s.item)
	}
	if len(queued) > 0 {
		j.log.Info("failover: queued items left running by instances that are gone", "items", queued)
		j.rt.async(func() { j.fire(kindFailover, time.Time{}) })
	}
}

// staleItem is an item whose running (or, for a taker, failovering) node names a gone instance.
type staleItem struct {
	item    int
	owner   string
	taker   bool // failovering names the gone instance
	claimed bool // a failover node exists: someone has taken it over
}

// staleItems reads the registry directly.
func (j *Job) staleItems() []staleItem {
	c := j.rt.center
	ids, err := c.Children(nodepath.Instances(j.name))
	if err != nil {
		return nil
	}
	alive := make(map[string]bool, len(ids))
	for _, id := range ids {
		alive[id] = true
	}
	var out []staleItem
	for _, i := range j.itemsInRegistry() {
		if fo, err := c.Get(nodepath.ItemFailovering(j.name, i)); err == nil && fo != "" && !alive[fo] {
			out = append(out, staleItem{item: i, owner: fo, taker: true})
			continue
		}
		run, err := c.Get(nodepath.ItemRunning(j.name, i))
		if err != nil || run == "" || alive[run] {
			continue
		}
		claimed, _ := c.Exists(nodepath.ItemFailover(j.name, i))
		out = append(out, staleItem{item: i, owner: run, claimed: claimed})
	}
	return out
}

// queueFailover creates leader/failover/items/{i} with the fires to serve (see queuedRun).
func (j *Job) queueFailover(item int, q queuedRun) {
	if _, err := j.rt.center.CreateIfAbsent(nodepath.FailoverItem(j.name, item), q.String()); err != nil {
		j.log.Warn("queueing failover item", "item", item, "error", err)
	}
}

// crashedFireTime is the fire the crashed instance was serving on item i: the latest scheduled
// time not after its running node was created (read before the node is deleted; zero when
// unknown).
func (j *Job) crashedFireTime(i int) time.Time {
	j.mu.Lock()
	sched := j.sched
	j.mu.Unlock()
	created, err := j.rt.center.Ctime(nodepath.ItemRunning(j.name, i))
	if err != nil || sched == nil {
		return time.Time{}
	}
	return prevFire(sched, created)
}

// prevFire is the latest time of s not after t (zero when none within a year).
func prevFire(s cron.Schedule, t time.Time) time.Time {
	for back := time.Second; back <= 366*24*time.Hour; back *= 2 {
		cand := s.Next(t.Add(-back))
		if cand.IsZero() || cand.After(t) {
			continue
		}
		for {
			next := s.Next(cand)
			if next.IsZero() || next.After(t) {
				return cand
			}
			cand = next
		}
	}
	return time.Time{}
}

// claimFailover is failoverIfNecessary: under the failover latch, take the first queued item in
// the registry's order, write failover (E) and failovering (P) with our id and dequeue it. One
// item per call. The caller holds the job's run slot, so nothing else runs here meanwhile.
func (j *Job) claimFailover() (claim, bool) {
	if len(j.cache.Children(nodepath.FailoverItems(j.name))) == 0 {
		return claim{}, false
	}
	c := j.rt.center
	ctx, cancel := context.WithTimeout(j.ctx, time.Minute)
	defer cancel()
	unlock, err := c.Lock(ctx, nodepath.FailoverLatch(j.name))
	if err != nil {
		j.log.Warn("failover latch", "error", err)
		return claim{}, false
	}
	defer unlock()
	if j.isShutdown() || j.rt.paused.Load() {
		return claim{}, false
	}
	kids, err := c.Children(nodepath.FailoverItems(j.name))
	if err != nil {
		return claim{}, false
	}
	items := j.numeric(nodepath.FailoverItems(j.name), kids)
	if len(items) == 0 {
		return claim{}, false
	}
	i := items[0]
	queued := nodepath.FailoverItem(j.name, i)
	data, err := c.Get(queued)
	if errors.Is(err, reg.ErrNoNode) {
		return claim{}, false
	}
	q := parseQueuedRun(data)
	if q.first().IsZero() {
		q.fire = j.queuedAt(queued) // queued by an ElasticJob instance (empty data)
	}
	if err := c.PersistEphemeral(nodepath.ItemFailover(j.name, i), j.rt.id); err != nil {
		j.log.Warn("claiming failover item", "item", i, "error", err)
		return claim{}, false
	}
	if err := c.Persist(nodepath.ItemFailovering(j.name, i), j.rt.id); err != nil {
		j.log.Warn("claiming failover item", "item", i, "error", err)
	}
	j.removeLogged(queued)
	j.logClaim(i, q)
	j.observe(&Event{Kind: EventFailoverTaken, Item: i, Source: SourceFailover, FireTime: q.fire})
	return claim{item: i, run: q}, true
}

// queuedAt is the fire time of a failover item queued without one (ElasticJob queues with empty
// data): the latest fire of the cron not after the moment the item was queued, the fire the
// crashed instance was most likely serving; for a job without cron, that moment itself.
func (j *Job) queuedAt(path string) time.Time {
	at, err := j.rt.center.Ctime(path)
	if err != nil {
		return time.Time{}
	}
	sched, _ := j.schedule()
	if sched == nil {
		return at
	}
	if f := prevFire(sched, at); !f.IsZero() {
		return f
	}
	return at
}

// releaseClaim drops a claim whose run could not start, re-queueing the item.
func (j *Job) releaseClaim(c claim) {
	j.queueFailover(c.item, c.run)
	j.removeLogged(nodepath.ItemFailover(j.name, c.item))
	j.removeLogged(nodepath.ItemFailovering(j.name, c.item))
}
