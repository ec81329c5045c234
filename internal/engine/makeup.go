package engine

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/robfig/cron/v3"
)

// Make-up of fires nobody served. ElasticJob drops them; with failover and misfire on, we run
// them once, but only where the record proves a miss: a crash's and a suspension's coalesced
// like a misfire (one run, with the latest missed fire time), a hand-over's one run per fire
// (nobody crashed; a deploy runs every fire once):
//
//   - The data of sharding/{i} is the item's record (see record): the last fire started on it,
//     and the owner accountable for the fires after it. Each run writes it in the transaction
//     that marks the items running (no extra request); an instance given an item takes the
//     record over at once (takeOver). ElasticJob instances never write it, and a Go instance
//     says that it does (an ephemeral recorders/{id}, created before its instance node), so a
//     crash or a hand-over proves a miss only for an owner that records: after its record, or
//     from the moment it was given the item when it died before writing one.
//   - Fires of a crashed instance's items between its crash and ZooKeeper noticing it (the
//     detection window), when the record names the crashed owner: the scheduled fires after the
//     recorded one, up to the moment the crash was seen, are made up by a failover run.
//   - Fires this instance skipped while its registry connection was suspended, and runs fenced
//     for that suspension, when the same session comes back. When the session is lost instead,
//     the peers see a crash and make the fires up as above.
//   - Fires an item missed while it changed hands, when its previous owner recorded its fires:
//     the new owner takes the record over and its first run of the item makes up the fires in
//     between. The same record keeps a fire from running twice on an item when two assignments
//     overlapped it.
//
// Never made up: fires skipped because the item or the server was disabled (the owner moves its
// record past them), and fires that the cron in force at the time did not schedule (a make-up
// is a fire of the current cron after it came into force).

// record is the data of sharding/{i}: fire is the last fire started on the item (by anyone),
// and by, the item's owner when it was written, is accountable for every scheduled fire after
// fire and after given: the moment by was given the item, when it did not take the record over
// from an owner that recorded its fires, or the last fire it skipped because the item or its
// server was disabled (zero when neither). Written "fire,by[,given]" in Unix milliseconds; a
// bare number (earlier versions) names nobody.
type record struct {
	fire  time.Time
	by    string
	given time.Time
}

func (r record) String() string {
	s := millis(r.fire) + "," + r.by
	if !r.given.IsZero() {
		s += "," + millis(r.given)
	}
	return s
}

// millis is t in Unix milliseconds, "" when zero.
func millis(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func parseRecord(data string) record {
	fire, rest, _ := strings.Cut(data, ",")
	by, given, _ := strings.Cut(rest, ",")
	return record{fire: parseMillis(fire), by: by, given: parseMillis(given)}
}

// accountable is the moment after which by's scheduled fires are its own.
func (r record) accountable() time.Time {
	if r.given.After(r.fire) {
		return r.given
	}
	return r.fire
}

func (r record) equal(o record) bool {
	return r.fire.Equal(o.fire) && r.by == o.by && r.given.Equal(o.given)
}

// queuedRun is the data of a queued failover item, leader/failover/items/{i}: the fire the crashed
// instance was serving ("" when the item was idle) and, after a comma, the latest fire of the
// detection window to make up. ElasticJob writes "" there and never reads it; a bare number is
// the interrupted fire alone (what earlier versions wrote).
type queuedRun struct {
	fire   time.Time // interrupted fire; zero when the item was idle or the time is unknown
	makeUp time.Time // latest missed fire after it; zero when none
}

func (q queuedRun) String() string {
	s := millis(q.fire)
	if !q.makeUp.IsZero() {
		s += "," + millis(q.makeUp)
	}
	return s
}

// parseQueuedRun reads queuedRun.String's format; unreadable parts are left zero.
func parseQueuedRun(data string) queuedRun {
	fire, makeUp, _ := strings.Cut(data, ",")
	return queuedRun{fire: parseMillis(fire), makeUp: parseMillis(makeUp)}
}

func parseMillis(s string) time.Time {
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// first is the fire the failover run serves first: the interrupted one, else the make-up.
func (q queuedRun) first() time.Time {
	if !q.fire.IsZero() {
		return q.fire
	}
	return q.makeUp
}

// rest is what is left to queue after the first run: the make-up, when it is a later fire.
func (q queuedRun) rest() (queuedRun, bool) {
	if q.fire.IsZero() || !q.makeUp.After(q.fire) {
		return queuedRun{}, false
	}
	return queuedRun{makeUp: q.makeUp}, true
}

// makesUp says whether the job makes up missed fires: they are recorded through running nodes,
// found through failover, and coalesced as misfire is.
func makesUp(cfg *jobapi.JobConfiguration) bool {
	return cfg.Failover && cfg.Misfire && cfg.MonitorExecution
}

// startedOps records in sharding/{i} the fire each item's run starts, for the make-up of a
// detection window; part of the transaction that marks the items running. The record only ever
// moves forward: a catch-up run (a failover, a gap's make-up) serves an older fire than the one
// another instance may have started meanwhile, so its record is read first and written only
// over an older one, if still unchanged (a retry reads again). A record moved back would have
// the make-up of a later fire run it a second time (servedSince). A failover run keeps the
// owner the record names: the taker is not the item's owner.
func (j *Job) startedOps(scs []jobapi.ShardingContext, catchUp, failover bool) ([]reg.Op, error) {
	ops := make([]reg.Op, 0, len(scs))
	for _, sc := range scs {
		if sc.FireTime.IsZero() {
			continue
		}
		path := nodepath.Item(j.name, sc.ShardingItem)
		if !catchUp {
			ops = append(ops, reg.Op{Kind: reg.OpUpdate, Path: path, Value: record{fire: sc.FireTime, by: j.rt.id}.String()})
			continue
		}
		data, version, err := j.rt.center.GetVersion(path)
		if err != nil {
			return nil, err
		}
		rec := parseRecord(data)
		if !rec.fire.Before(sc.FireTime) {
			continue
		}
		next := record{fire: sc.FireTime, by: j.rt.id}
		if failover {
			next.by, next.given = rec.by, rec.given // the taker is not the item's owner
		}
		ops = append(ops, reg.Op{Kind: reg.OpUpdateVersion, Path: path, Value: next.String(), Version: version})
	}
	return ops, nil
}

// missedFire is the latest fire of item i that the record proves its crashed owner x missed:
// scheduled by the cron in force after what x is accountable for, and not after seen, the
// moment the crash was seen. x is accountable after its record, if it wrote it since it was
// given the item (or kept the item across a resharding); else from the moment it was given the
// item, if x records its fires (a Go instance: see nodepath.Recorders). Zero when there is no
// such fire, or x is an ElasticJob instance.
func (j *Job) missedFire(i int, x string, seen time.Time) time.Time {
	sched, from := j.schedule()
	if sched == nil {
		return time.Time{}
	}
	c := j.rt.center
	data, st, err := c.GetStat(nodepath.Item(j.name, i))
	if err != nil {
		return time.Time{}
	}
	_, given, err := c.GetStat(nodepath.ItemInstance(j.name, i))
	if err != nil {
		return time.Time{}
	}
	rec := parseRecord(data)
	j.mu.Lock()
	prev := j.prevOwner[i]
	j.mu.Unlock()
	if rec.by != x || (st.Mzxid < given.Czxid && prev != x) {
		// Not x's record for this assignment: an older one (the item came back to x from
		// someone else), another owner's, or none.
		if !j.isRecorder(x) {
			return time.Time{}
		}
		if given.Ctime.After(rec.given) {
			rec.given = given.Ctime
		}
	}
	after := rec.accountable()
	if after.IsZero() {
		return time.Time{}
	}
	if m := prevFire(sched, seen); m.After(after) && m.After(from) {
		return m
	}
	return time.Time{}
}

// isRecorder says whether instance x was seen to record its fires.
func (j *Job) isRecorder(x string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.recorders[x]
}

// schedule is the cron in force and when it came into force (zero: since this instance began).
func (j *Job) schedule() (cron.Schedule, time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.sched, j.schedFrom
}

// missed is fires that could not be served, coalesced: the latest, and the latest before it.
type missed struct {
	latest, earlier time.Time
}

func (m *missed) add(t time.Time) {
	switch {
	case t.After(m.latest):
		if !m.latest.IsZero() {
			m.earlier = m.latest
		}
		m.latest = t
	case t.Before(m.latest) && t.After(m.earlier):
		m.earlier = t
	}
}

func (m missed) none() bool { return m.latest.IsZero() }

// runs are the fires to run for them, oldest first: the latest, which coalesces the others; but
// when the latest is the schedule's current fire (at now) and others were missed before it, the
// one before it first, so that the run of the current fire is not taken for the make-up of the
// earlier ones.
func (m missed) runs(sched cron.Schedule, now time.Time) []time.Time {
	if m.none() {
		return nil
	}
	if !m.earlier.IsZero() && sched != nil && m.latest.Equal(prevFire(sched, now)) {
		return []time.Time{m.earlier, m.latest}
	}
	return []time.Time{m.latest}
}

// debt is what a suspension left this instance to do when its session comes back: the fires it
// could not serve (skipped or fenced) and the failover claims whose runs were fenced.
type debt struct {
	session int64 // the registry session it is owed in; another session owes nothing
	fires   missed
	claims  []claim
}

// owe records a fire of this instance's items that the suspension of session cost.
func (j *Job) owe(session int64, fire time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.owedIn(session) {
		j.debt.fires.add(fire)
	}
}

// oweMissed records the missed fires m in the debt of session.
func (j *Job) oweMissed(session int64, m missed) {
	for _, f := range []time.Time{m.earlier, m.latest} {
		if !f.IsZero() {
			j.owe(session, f)
		}
	}
}

// oweClaim records a failover claim whose run the suspension of session fenced.
func (j *Job) oweClaim(session int64, c claim) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.owedIn(session) {
		j.debt.claims = append(j.debt.claims, c)
	}
}

// owedIn starts a new debt when session is not the one owed in, and says whether anything is
// owed in session: nothing once the job has registered in another (the lost session's fires are
// the survivors'; a late fence of one of its runs must not wipe the new session's debt). j.mu
// held.
func (j *Job) owedIn(session int64) bool {
	if session != j.registeredSession {
		return false
	}
	if j.debt.session != session {
		j.debt = debt{session: session}
	}
	return true
}

func (j *Job) inDebt() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return !j.debt.fires.none() || len(j.debt.claims) > 0
}

// settleDebt, once the session is usable again, queues the fenced claims again (their failover
// and failovering nodes still name us: nobody else would run them) and returns the owed fires to
// run now, oldest first (see missed.runs). Nothing is returned when nothing is owed in the
// current session.
func (j *Job) settleDebt() []time.Time {
	// A misfire of this session is owed all the same.
	j.mu.Lock()
	suspension := !j.debt.fires.none() // owed before the misfires join: for the log line
	j.mu.Unlock()
	j.oweMissed(j.session(), j.takeMisfired())
	j.mu.Lock()
	d := j.debt
	j.debt = debt{}
	sched := j.sched
	j.mu.Unlock()
	if d.fires.none() && len(d.claims) == 0 {
		return nil
	}
	if !j.inSession(d.session) {
		return nil // the session was lost: the peers made its fires up
	}
	for _, cl := range d.claims {
		j.queueFailover(cl.item, cl.run)
		j.dropClaim(cl)
	}
	if len(d.claims) > 0 {
		j.log.Info("make-up: failover items fenced by a suspension queued again", "items", len(d.claims))
	}
	fires := d.fires.runs(sched, time.Now())
	if len(fires) == 0 {
		return nil
	}
	if suspension {
		j.log.Info("make-up: running the fires a suspension cost", "fireTimes", fires)
	} else {
		j.log.Info("misfire: running the fires missed while a run was in progress", "fireTimes", fires)
	}
	return fires
}

// StartedFire reads the data of sharding/{i}: the fire last started on the item, as its record
// says (see record; zero: nothing recorded), for the operations API.
func StartedFire(data string) time.Time { return parseRecord(data).fire }

// record reads the record of item i (zero when there is none).
func (j *Job) record(i int) (record, error) {
	data, err := j.rt.center.Get(nodepath.Item(j.name, i))
	if err != nil {
		return record{}, err
	}
	return parseRecord(data), nil
}

// servedSince says whether a fire at or after fire has been started on item i.
func (j *Job) servedSince(i int, fire time.Time) bool {
	rec, err := j.record(i)
	return err == nil && !rec.fire.Before(fire)
}

// takeOver makes this instance, the owner of item i now, the one its record names, and returns
// the record. A previous owner that recorded its fires hands its record over as it is (the fires
// it missed are ours to make up); otherwise nothing proves a miss before the assignment, and we
// are accountable from the moment we were given the item. A record written by us since the
// assignment is ours already. Several writers may race (the assignment's event, the first run):
// the record is written only if unchanged, and read again when it changed.
func (j *Job) takeOver(i int) (record, error) {
	c := j.rt.center
	for attempt := 1; ; attempt++ {
		data, st, err := c.GetStat(nodepath.Item(j.name, i))
		if err != nil {
			return record{}, err
		}
		rec := parseRecord(data)
		j.mu.Lock()
		prev := j.prevOwner[i]
		j.mu.Unlock()
		next := rec
		next.by = j.rt.id
		if rec.by == "" || rec.by != prev {
			_, given, err := c.GetStat(nodepath.ItemInstance(j.name, i))
			if err != nil {
				return rec, err
			}
			if rec.by == j.rt.id && st.Mzxid > given.Czxid {
				return rec, nil
			}
			if given.Ctime.After(next.given) {
				next.given = given.Ctime
			}
		}
		if next.equal(rec) {
			return rec, nil
		}
		err = j.rt.txns.Txn(reg.Op{Kind: reg.OpUpdateVersion, Path: nodepath.Item(j.name, i), Value: next.String(), Version: st.Version})
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, reg.ErrBadVersion) || attempt == 3 {
			return rec, err
		}
	}
}

// takeOverGiven takes over the record of an item the cache has just seen given to this
// instance, so that a crash before its first run of it is made up (see missedFire).
func (j *Job) takeOverGiven(i int) {
	if !makesUp(j.config()) {
		return
	}
	if owner, ok := j.cached(nodepath.ItemInstance(j.name, i)); !ok || owner != j.rt.id {
		return
	}
	if _, err := j.takeOver(i); err != nil && !errors.Is(err, reg.ErrNoNode) {
		j.log.Warn("make-up: taking over the record of a given item", "item", i, "error", err)
	}
}

// passOver moves the records of this instance's items that a fire skips because the item or the
// server is disabled to that fire: what an operator disabled is not a miss, and no make-up may
// run it after the enabling (nor the survivors of a crash).
func (j *Job) passOver(cfg *jobapi.JobConfiguration, items []int, fire time.Time) {
	if !makesUp(cfg) || fire.IsZero() {
		return
	}
	c := j.rt.center
	for _, i := range items {
		path := nodepath.Item(j.name, i)
		data, version, err := c.GetVersion(path)
		if err != nil {
			continue
		}
		rec := parseRecord(data)
		if rec.by == j.rt.id && !rec.accountable().Before(fire) {
			continue
		}
		next := record{fire: rec.fire, by: j.rt.id, given: fire} // skipped, not started
		if err := j.rt.txns.Txn(reg.Op{Kind: reg.OpUpdateVersion, Path: path, Value: next.String(), Version: version}); err != nil && !errors.Is(err, reg.ErrBadVersion) {
			j.log.Warn("make-up: recording a disabled item's skipped fire", "item", i, "error", err)
		}
	}
}

// handOver looks at the items this run has that the instance's previous run did not (items
// that changed hands; all of them at the first run, and after a resharding): those on which
// fireTime has already been started (another instance ran it under the assignment before a
// resharding) are served, and those whose record, once taken over, leaves a fire of the cron in
// force unserved before fireTime have a gap, the latest such fire, to make up first, with every
// missed fire after since (what the taken-over record accounts for). The registry is read only
// for such items.
func (j *Job) handOver(cfg *jobapi.JobConfiguration, items []int, fireTime time.Time) (served map[int]bool, gaps, since map[int]time.Time) {
	session := j.session()
	j.mu.Lock()
	prev := j.lastItems
	if j.lastItemsSession != session || j.lastItemsOwners != j.ownersChanged {
		// A new session (whatever this instance had may have been failed over since) or a
		// resharding since the last run (an interim assignment may have given the items to
		// others for a fire): every item is checked.
		prev = nil
	}
	j.lastItems, j.lastItemsSession, j.lastItemsOwners = slices.Clone(items), session, j.ownersChanged
	sched, from := j.sched, j.schedFrom
	j.mu.Unlock()
	if !makesUp(cfg) && j.recording(cfg) && !fireTime.IsZero() && sched != nil {
		served, gaps = j.takeOverRecords(items, prev, fireTime, sched, from)
		return served, gaps, nil
	}
	if !makesUp(cfg) || fireTime.IsZero() || sched == nil {
		return nil, nil, nil
	}
	for _, i := range items {
		if slices.Contains(prev, i) {
			continue
		}
		rec, err := j.takeOver(i)
		if err != nil || rec.accountable().IsZero() {
			continue
		}
		if !rec.fire.Before(fireTime) {
			if served == nil {
				served = map[int]bool{}
			}
			served[i] = true
			continue
		}
		if j.exists(nodepath.FailoverItem(j.name, i)) {
			continue // a failover of the previous owner is queued: its make-up serves the gap
		}
		if m := prevFire(sched, fireTime.Add(-time.Millisecond)); m.After(rec.accountable()) && m.After(from) {
			if gaps == nil {
				gaps, since = map[int]time.Time{}, map[int]time.Time{}
			}
			gaps[i], since[i] = m, rec.accountable()
		}
	}
	return served, gaps, since
}

// dropClaim gives up a failover claim without running it.
func (j *Job) dropClaim(c claim) {
	j.removeIfOurs(nodepath.ItemFailover(j.name, c.item))
	j.removeIfOurs(nodepath.ItemFailovering(j.name, c.item))
}
