package engine

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/robfig/cron/v3"
)

// Fire records with ElasticJob's defaults (monitorExecution on, without the make-up that
// failover and misfire together turn on, see makeup.go): every (fire, item) of a cron schedule
// runs once through a rolling deploy, whatever each instance's cache has seen of the resharding
// when it fires.
//
//   - The transaction that marks a cron run's items running also writes, in the data of
//     sharding/{i}, the fire it starts, on condition that the record still has the version this
//     instance last wrote or read. A run whose condition fails reads the records again and leaves
//     out the items whose record is at or past its fire: an instance that still ran under the
//     assignment before a resharding, or one that already ran under the new one, served it.
//   - The first run of an item that changed hands (every item, after a resharding or at the
//     first fire) reads its record and runs the scheduled fires missed since then, from this
//     instance's registration of the job on: those of a leaver's items before the survivors
//     resharded, and those of a joiner's items before it was scheduled. Fires missed before the
//     instance registered (a whole cluster that was down) are not made up.
//
// Triggers neither write nor read the record. With monitorExecution off no transaction is made
// at a fire, nothing is recorded, and a deploy may lose or repeat the fires around a resharding,
// as in ElasticJob.

// recordsFires says whether the job's cron runs write and check the fire records of this file.
// Misfire must be on: with it off, the fires that find a run in progress are dropped by design.
func recordsFires(cfg *jobapi.JobConfiguration) bool {
	return cfg.MonitorExecution && cfg.Misfire && !makesUp(cfg)
}

// knownRecord is sharding/{i}'s record as this instance last wrote or read it.
type knownRecord struct {
	fire    time.Time
	version int32
}

// servedError names the items a run leaves out because their record shows its fire started.
type servedError struct{ items map[int]bool }

func (e *servedError) Error() string {
	return fmt.Sprintf("engine: items %v: their fire has started elsewhere", slices.Sorted(maps.Keys(e.items)))
}

// setCronRun records whether the run beginning serves a cron fire.
func (j *Job) setCronRun(on bool) {
	j.mu.Lock()
	j.cronRun = on
	j.mu.Unlock()
}

// recording: the run in progress writes and checks fire records.
func (j *Job) recording(cfg *jobapi.JobConfiguration) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.cronRun && recordsFires(cfg)
}

// readRecord reads sharding/{i}'s record (see record in makeup.go: only its fire counts here)
// and remembers it.
func (j *Job) readRecord(i int) (knownRecord, error) {
	data, version, err := j.rt.center.GetVersion(nodepath.Item(j.name, i))
	if err != nil {
		return knownRecord{}, err
	}
	r := knownRecord{fire: parseRecord(data).fire, version: version}
	j.mu.Lock()
	if j.records == nil {
		j.records = map[int]knownRecord{}
	}
	j.records[i] = r
	j.mu.Unlock()
	return r, nil
}

// knownOrRead is sharding/{i}'s record as known, else read.
func (j *Job) knownOrRead(i int) (knownRecord, error) {
	j.mu.Lock()
	r, ok := j.records[i]
	j.mu.Unlock()
	if ok {
		return r, nil
	}
	return j.readRecord(i)
}

// fireRecordOps writes each item's fire into its record if the record is still as known; items
// whose record is at or past their fire make it fail with a servedError.
func (j *Job) fireRecordOps(scs []jobapi.ShardingContext) ([]reg.Op, error) {
	ops := make([]reg.Op, 0, len(scs))
	var served map[int]bool
	for _, sc := range scs {
		if sc.FireTime.IsZero() {
			continue
		}
		r, err := j.knownOrRead(sc.ShardingItem)
		if err != nil {
			return nil, err
		}
		if !r.fire.Before(sc.FireTime) {
			if served == nil {
				served = map[int]bool{}
			}
			served[sc.ShardingItem] = true
			continue
		}
		ops = append(ops, reg.Op{Kind: reg.OpUpdateVersion, Path: nodepath.Item(j.name, sc.ShardingItem),
			Value: record{fire: sc.FireTime, by: j.rt.id}.String(), Version: r.version})
	}
	if served != nil {
		return nil, &servedError{items: served}
	}
	return ops, nil
}

// recorded notes the outcome of the transaction that carried fireRecordOps: written, each record
// is the item's fire, one version on; else what is known is forgotten (read again next time).
func (j *Job) recorded(scs []jobapi.ShardingContext, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, sc := range scs {
		r, ok := j.records[sc.ShardingItem]
		if err != nil || !ok || sc.FireTime.IsZero() {
			delete(j.records, sc.ShardingItem)
			continue
		}
		j.records[sc.ShardingItem] = knownRecord{fire: sc.FireTime, version: r.version + 1}
	}
}

// takeOverRecords is handOver for a job that records fires: the records of the items not in prev
// are read (they may have changed hands); those of the others are known (written by the last run
// or read then), unless a failed write made this instance forget them. Items whose record is at or
// past fireTime are served; those whose record is older than the fire before fireTime have a gap,
// the latest missed fire, when it is not older than this instance's registration nor a fire it
// skipped for a disabled item: an item left out of the last run because it ran elsewhere (the
// previous owner's late run) is made up too.
func (j *Job) takeOverRecords(items, prev []int, fireTime time.Time, sched cron.Schedule, from time.Time) (served map[int]bool, gaps map[int]time.Time) {
	j.mu.Lock()
	skipped := maps.Clone(j.skipped)
	j.mu.Unlock()
	var floor time.Time
	for _, i := range items {
		read := j.readRecord
		if slices.Contains(prev, i) {
			read = j.knownOrRead // as this instance last wrote it, unless it was left out of a run
		}
		r, err := read(i)
		if err != nil || r.fire.IsZero() {
			continue
		}
		if !r.fire.Before(fireTime) {
			if served == nil {
				served = map[int]bool{}
			}
			served[i] = true
			continue
		}
		m := prevFire(sched, fireTime.Add(-time.Millisecond))
		if !m.After(r.fire) || !m.After(skipped[i]) || !m.After(from) {
			continue
		}
		if floor.IsZero() {
			floor = j.upSince()
		}
		if !m.Before(floor) {
			if gaps == nil {
				gaps = map[int]time.Time{}
			}
			gaps[i] = m
		}
	}
	return served, gaps
}

// noteSkipped notes the fire that items skip because they or the server are disabled: fires
// skipped by an operator's disable are not made up when they are enabled again.
func (j *Job) noteSkipped(items []int, fireTime time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.skipped == nil {
		j.skipped = map[int]time.Time{}
	}
	for _, i := range items {
		if fireTime.After(j.skipped[i]) {
			j.skipped[i] = fireTime
		}
	}
}

// makeUpMissed runs, for each item of gaps, every scheduled fire after its start up to its gap,
// oldest first, one run per fire; not a fire of a cron before it came into force, nor one this
// instance skipped for a disabled item. An item's start is, with make-up on (makeup.go), after[i]:
// what its taken-over record accounts for, which already leaves out what no record proves
// missed; for a job that records fires (after nil), its record as this instance knows it, and
// not a fire before the job's oldest instance registered (see upSince).
func (j *Job) makeUpMissed(cfg *jobapi.JobConfiguration, gaps, after map[int]time.Time, src Source) error {
	j.mu.Lock()
	sched, from, skipped := j.sched, j.schedFrom, maps.Clone(j.skipped)
	j.mu.Unlock()
	if sched == nil {
		return nil
	}
	var floor time.Time
	if after == nil {
		floor = j.upSince()
	}
	if from.After(floor) {
		floor = from // a fire of the cron in force, after it came into force
	}
	floor = floor.Add(-time.Millisecond)
	byFire := map[time.Time][]int{}
	for i, gap := range gaps {
		start, ok := after[i]
		if !ok {
			r, err := j.knownOrRead(i)
			if err != nil {
				continue
			}
			start = r.fire
		}
		if start.Before(floor) {
			start = floor
		}
		if s := skipped[i]; start.Before(s) {
			start = s
		}
		for f := sched.Next(start); !f.IsZero() && !f.After(gap); f = sched.Next(f) {
			byFire[f] = append(byFire[f], i)
		}
	}
	for _, fire := range slices.SortedFunc(maps.Keys(byFire), time.Time.Compare) {
		items := slices.Sorted(slices.Values(byFire[fire]))
		scs, ok := j.contexts(cfg, items, sameFire(items, fire))
		if !ok {
			return nil
		}
		j.log.Info("make-up: a missed fire", "items", items, "fireTime", fire, "source", src)
		j.observeStaged(scs, items, fire, src)
		if _, err := j.execute(cfg, scs, nil, true, src); err != nil {
			return err
		}
	}
	return nil
}

// upSince is when the job's oldest live instance registered (its instance node's creation, on the
// registry's clock), else when this instance did: fires before it were missed while no instance
// ran the job (a whole cluster down) and are not made up; fires after it were missed by a
// hand-over (a leaver's items before the resharding, a joiner's before it was scheduled). With an
// instance that records nothing among them (an ElasticJob instance, see nodepath.Recorders), a
// record proves no miss: it is now, and nothing is made up.
func (j *Job) upSince() time.Time {
	j.mu.Lock()
	since := j.registeredAt
	j.mu.Unlock()
	ids, err := j.rt.center.Children(nodepath.Instances(j.name))
	if err != nil {
		return since
	}
	recorders, err := j.rt.center.Children(nodepath.Recorders(j.name))
	if err != nil {
		return since
	}
	for _, id := range ids {
		if !slices.Contains(recorders, id) {
			return time.Now()
		}
	}
	for _, id := range ids {
		if t, err := j.rt.center.Ctime(nodepath.Instance(j.name, id)); err == nil && t.Before(since) {
			since = t
		}
	}
	return since
}
