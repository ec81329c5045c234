package tracing

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Options adjust an Observer.
type Options struct {
	// IncludeJobNames and ExcludeJobNames select the traced jobs by exact name, as ElasticJob's
	// includeJobNames and excludeJobNames (mutually exclusive; both empty: every job).
	IncludeJobNames []string
	ExcludeJobNames []string
	// QueueSize bounds the events waiting for the writer (0: DefaultQueueSize); when it is full,
	// new events are dropped and counted (Dropped), never waited for.
	QueueSize int
	// Logger receives the writer's problems (nil: slog.Default()).
	Logger *slog.Logger
}

// DefaultQueueSize is the queue's bound when Options.QueueSize is 0: a few seconds of a busy
// service's events, a few megabytes when full.
const DefaultQueueSize = 16384

// Observer writes the engine's events as ElasticJob's rows. It never blocks the engine: Observe
// puts the event, as the engine made it, on a bounded queue and returns; the writer goroutine
// makes the rows (ids, messages, item lists, the pairing of an item's start and end) off the
// fire path. It is a starter.JobObserver (the job filter is applied and each job's state found
// once, when the job registers; an untraced job gets no observer, so the engine builds no event
// of it for tracing) and a starter.KindsObserver (the engine builds only the events that make
// rows).
type Observer struct {
	w        *writer
	include  map[string]bool
	exclude  map[string]bool
	hostname string

	mu   sync.Mutex
	jobs map[string]*jobTrace // the traced jobs seen so far
}

// jobTrace is one traced job's tracer: what it keeps between events is the one thing the writer
// could not know when the event reaching it was dropped (a full queue).
type jobTrace struct {
	w       *writer
	mu      sync.Mutex
	runTask string // task id of the job's latest run, for a misfire's rows
}

// NewObserver starts the writer of store's rows; Close stops it.
func NewObserver(store *Store, opts Options) (*Observer, error) {
	o, err := newObserver(opts)
	if err != nil {
		return nil, err
	}
	o.w.start(store)
	return o, nil
}

// newObserver queues events until its writer is started with a store.
func newObserver(opts Options) (*Observer, error) {
	if len(opts.IncludeJobNames) > 0 && len(opts.ExcludeJobNames) > 0 {
		return nil, fmt.Errorf("tracing: includeJobNames and excludeJobNames are mutually exclusive")
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown" // ElasticJob's value when the host name cannot be read
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	set := func(names []string) map[string]bool {
		if len(names) == 0 {
			return nil
		}
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	return &Observer{
		w:        newWriter(cmp.Or(opts.QueueSize, DefaultQueueSize), log, host),
		include:  set(opts.IncludeJobNames),
		exclude:  set(opts.ExcludeJobNames),
		hostname: host,
		jobs:     map[string]*jobTrace{},
	}, nil
}

// Traces reports whether the job's runs are written.
func (o *Observer) Traces(job string) bool {
	return (o.include == nil || o.include[job]) && !o.exclude[job]
}

// Dropped is the number of rows dropped because the queue was full (the database down or
// slower than the jobs) or because the database refused them.
func (o *Observer) Dropped() uint64 { return o.w.dropped.Load() }

// Written is the number of rows written.
func (o *Observer) Written() uint64 { return o.w.written.Load() }

// Close stops accepting events and writes what is queued, within ctx; what is left when ctx
// ends is dropped and counted.
func (o *Observer) Close(ctx context.Context) error { return o.w.close(ctx) }

// traceKinds are the events that make rows: the engine builds no other for tracing.
var traceKinds = starter.Kinds(starter.EventRunStaged, starter.EventRunEmpty, starter.EventMisfired,
	starter.EventRunStarted, starter.EventItemStarted, starter.EventItemFinished, starter.EventRunFinished)

// Kinds are the events the observer takes (starter.KindsObserver).
func (o *Observer) Kinds() starter.EventKinds { return traceKinds }

// ForJob returns the job's tracer, or nil for a job that is not traced (starter.JobObserver).
func (o *Observer) ForJob(job string) starter.Observer {
	if !o.Traces(job) {
		return nil
	}
	return o.job(job)
}

// job is the job's state, made at its first use.
func (o *Observer) job(name string) *jobTrace {
	o.mu.Lock()
	defer o.mu.Unlock()
	j := o.jobs[name]
	if j == nil {
		j = &jobTrace{w: o.w}
		o.jobs[name] = j
	}
	return j
}

// Observe takes an event that comes without ForJob (from an observer that fans out without
// asking it): a traced job's goes to the job's tracer.
func (o *Observer) Observe(e starter.Event) {
	if traceKinds.Has(e.Kind) && o.Traces(e.Job) {
		o.job(e.Job).Observe(e)
	}
}

// Observe queues the event for the writer, which makes its rows as ElasticJob-Lite does
// (LiteJobFacade and ElasticJobExecutor). It is all the fire path pays for tracing: a misfire
// gets the task id of the run in progress, and the event is copied into the queue. Nothing is
// formatted, looked up or allocated here, and the frames stay small, so that a fire's or an
// item's goroutine, which starts with a small stack, need not grow it (a copy) for tracing.
func (j *jobTrace) Observe(e starter.Event) {
	if !traceKinds.Has(e.Kind) {
		return // another observer's kind, from an engine that fans out to several
	}
	switch e.Kind {
	case starter.EventRunStaged:
		j.mu.Lock()
		j.runTask = e.TaskID
		j.mu.Unlock()
	case starter.EventMisfired:
		// ElasticJob stages the fire, then finds the previous run going: both rows carry the
		// task id of the run in progress.
		j.mu.Lock()
		e.TaskID = j.runTask
		j.mu.Unlock()
	}
	if !j.w.queue.push(&e) { // push takes the event by pointer: it is copied once, into the queue
		j.w.full(e.Kind)
	}
}
