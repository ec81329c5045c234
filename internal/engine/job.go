package engine

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/schedule"
	"github.com/robfig/cron/v3"
)

// ItemRunner runs one sharding item of one run: what every job kind reduces to.
type ItemRunner interface {
	RunItem(ctx context.Context, sc jobapi.ShardingContext) error
}

// SimpleRunner adapts a SimpleJob.
type SimpleRunner struct{ Job jobapi.SimpleJob }

// RunItem calls Execute.
func (s SimpleRunner) RunItem(ctx context.Context, sc jobapi.ShardingContext) error {
	return s.Job.Execute(ctx, sc)
}

// Spec is what a job brings to the engine.
type Spec struct {
	Config    jobapi.JobConfiguration // the local configuration (setUpConfig says when it wins)
	ClassName string                  // data of /{job}; a different non-blank value there is a conflict
	Runner    ItemRunner
	// NewRunner, used when Runner is nil, builds the runner for the registered job (job kinds
	// that ask the job about itself, e.g. a streaming dataflow job checking ReshardingPending).
	NewRunner func(*Job) ItemRunner
	Listeners []jobapi.Listener // called before and after every run, failover runs included
	// ErrorHandler receives item failures, listener failures and environment errors; nil logs
	// them at error level. A non-nil return stops the run, as ElasticJob's THROW handler does:
	// no further item starts, and the misfire compensation, failover claims and after-listeners
	// of that run are skipped.
	ErrorHandler func(job string, err error) error
}

// Job is one registered job on this instance.
type Job struct {
	rt    *Runtime
	name  string
	spec  Spec
	log   *slog.Logger
	obs   Observer   // the job's observer (see forJob); nil: no events are built
	kinds EventKinds // the kinds obs takes: no other event is built
	// ctx ends when the job starts stopping on this instance (or the runtime closes): it ends
	// the listeners' waits (distribute-once barriers) and the job's latch waits at once. The
	// items run on the runtime's ctx: stopping gives them a grace period first (see Shutdown).
	ctx    context.Context
	cancel context.CancelFunc

	bound     []BoundListener // the listeners of spec that see the cache's events
	leading   atomic.Bool     // this instance wrote the leader node (for EventLeadership)
	stopping  atomic.Bool     // Shutdown has begun (once)
	cache     *reg.Cache
	ready     chan struct{} // closed once cache is set: events wait for it
	readyOnce sync.Once

	mu                sync.Mutex
	cfg               *jobapi.JobConfiguration // the last good configuration; replaced, never changed
	sched             cron.Schedule            // parsed cfg.Cron/TimeZone; nil for a one-off job
	schedFrom         time.Time                // when sched came into force (zero: at registration)
	scheduled         bool                     // Schedule was called: cron fires are wanted
	entry             schedule.Entry
	hasEntry          bool
	shutdown          bool
	running           bool                // one run at a time per job per instance
	misfired          missed              // fires skipped because a run was in progress
	misfiredSession   int64               // the registry session misfired was flagged in
	lastItems         []int               // the items of the previous run (see handOver)
	lastItemsSession  int64               // the registry session of that run
	lastItemsOwners   int64               // ownersChanged at that run
	ownersChanged     int64               // counts the changes of sharding/{i}/instance seen
	prevOwner         map[int]string      // the owner each item had before its current one, as seen
	recorders         map[string]bool     // instances seen recording their fires (nodepath.Recorders)
	active            map[int]*activeItem // items of the run in progress
	queuedFire        map[int]queuedRun   // data seen on queued failover items
	debt              debt                // what a suspension left to do (see makeup.go)
	registeredSession int64               // the session that owns our instance node
	pendingClear      []string            // running/failover/failovering nodes a run could not delete
	lastReconcile     time.Time
	registeredAt      time.Time           // when this instance first registered the job (see fire records)
	cronRun           bool                // the run in progress serves a cron fire (see fire records)
	records           map[int]knownRecord // sharding/{i}'s record as this instance last wrote or read it
	skipped           map[int]time.Time   // the last fire skipped for each disabled item (see fire records)
	warned            map[string]string   // path -> data already reported as broken
}

func (j *Job) isShutdown() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.shutdown
}

// config is the last good configuration: a snapshot that is replaced, never changed (the fire
// path passes it by pointer, not by value).
func (j *Job) config() *jobapi.JobConfiguration {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.cfg
}

// Config is the configuration in effect.
func (j *Job) Config() jobapi.JobConfiguration { return *j.config() }

// ReshardingPending says whether a resharding has been asked for and not done yet. It asks the
// registry, as ElasticJob's isNeedSharding does: right after this instance resharded, the cache
// may still show the flag.
func (j *Job) ReshardingPending() bool {
	ok, err := j.rt.center.Exists(nodepath.ShardingNecessary(j.name))
	return err == nil && ok
}

// Name is the job name.
func (j *Job) Name() string { return j.name }

func (j *Job) removeLogged(path string) {
	if err := j.rt.center.Remove(path); err != nil {
		j.log.Warn("removing node", "path", path, "error", err)
	}
}

// removeIfOurs deletes the node at path when its data names this instance (someone may have
// taken it over since).
func (j *Job) removeIfOurs(path string) {
	if v, err := j.rt.center.Get(path); err == nil && v == j.rt.id {
		j.removeLogged(path)
	}
}

// warnOnce reports foreign or broken data at path once per distinct data, naming the node with
// its namespace.
func (j *Job) warnOnce(path, data, msg string, args ...any) {
	j.mu.Lock()
	prev, seen := j.warned[path]
	j.warned[path] = data
	j.mu.Unlock()
	if seen && prev == data {
		return
	}
	j.log.Warn(msg, append([]any{"path", j.rt.center.Abs(path)}, args...)...)
}

// handleError hands err to the job's error handler and returns what stops the run, if anything.
func (j *Job) handleError(err error) error {
	if j.spec.ErrorHandler != nil {
		return j.spec.ErrorHandler(j.name, err)
	}
	j.log.Error("job error", "error", err)
	return nil
}
