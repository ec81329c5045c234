package starter

import "github.com/elasticjob-go/elasticjob/internal/engine"

// Observer receives what the engine does on this instance: runs staged, started and
// finished, items started and finished, misfires, failovers, reshardings, leadership and
// session changes. Tracing and metrics are observers. Observe is called synchronously on the
// engine's goroutines and must not block: anything slow goes to a queue of the observer's own.
type Observer = engine.Observer

// JobObserver is an Observer that hands each job an observer of its own, asked for once when
// the job registers; the job's events go to it (session events still go to Observe). Metrics use
// it to look a job's label children up once, not per event.
type JobObserver = engine.JobObserver

// KindsObserver is an Observer that takes only some kinds of events (EventKinds, made with
// Kinds): the engine builds no other event for it. An Observer that is not one takes them all.
type KindsObserver = engine.KindsObserver

// EventKinds is a set of event kinds; AllKinds has every one.
type EventKinds = engine.EventKinds

// AllKinds is every event kind.
const AllKinds = engine.AllKinds

// Kinds is the set of the given kinds.
func Kinds(kinds ...EventKind) EventKinds { return engine.Kinds(kinds...) }

// Event is one thing the engine did; EventKind says what, Source why a run happened.
type (
	Event     = engine.Event
	EventKind = engine.EventKind
	Source    = engine.Source
)

// The event kinds (see engine's documentation of each).
const (
	EventRunStaged     = engine.EventRunStaged
	EventRunEmpty      = engine.EventRunEmpty
	EventMisfired      = engine.EventMisfired
	EventRunStarted    = engine.EventRunStarted
	EventItemStarted   = engine.EventItemStarted
	EventItemFinished  = engine.EventItemFinished
	EventRunFinished   = engine.EventRunFinished
	EventFailoverTaken = engine.EventFailoverTaken
	EventResharded     = engine.EventResharded
	EventLeadership    = engine.EventLeadership
	EventRegistered    = engine.EventRegistered
	EventUnregistered  = engine.EventUnregistered
	EventSession       = engine.EventSession
)

// The run sources; String gives ElasticJob's execution_source (a make-up is MISFIRE).
const (
	SourceNormal   = engine.SourceNormal
	SourceMisfire  = engine.SourceMisfire
	SourceFailover = engine.SourceFailover
	SourceMakeUp   = engine.SourceMakeUp
)

// WithObserver adds an observer of the engine's events; several calls add several.
func WithObserver(o Observer) RegistryOption {
	return func(r *registryOptions) { r.engine.Observer = engine.Observers(r.engine.Observer, o) }
}
