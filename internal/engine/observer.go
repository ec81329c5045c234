package engine

import (
	"errors"
	"time"
)

// Observer receives what the engine does: runs staged, started and finished, items started
// and finished, misfires, failovers, reshardings, leadership and session changes. Tracing,
// metrics and the console's live view are observers; the engine imports none of them.
//
// Contract: Observe is called synchronously on the engine's goroutines (a fire's, an item's,
// the registry's dispatcher), concurrently for different jobs and for the items of one run. It
// must not block and must not call back into the engine: anything slow (a database write) goes
// to a queue of the observer's own. The Event and its slices are the observer's to keep; the
// engine does not touch them after the call.
type Observer interface {
	Observe(Event)
}

// JobObserver is an Observer that hands each job an observer of its own, asked for once when
// the job registers: the job's events go to it, so that it reaches the job's state (metrics'
// label children) without a lookup per event. Session events still go to Observe.
type JobObserver interface {
	Observer
	ForJob(job string) Observer
}

// KindsObserver is an Observer that takes only some kinds of events: the engine builds no
// other event for it, which spares a fire the clock readings and copies of events nobody reads
// (metrics take no staging and no run's end). An Observer that is not one takes every kind.
type KindsObserver interface {
	Observer
	Kinds() EventKinds
}

// EventKinds is a set of event kinds.
type EventKinds uint32

// AllKinds is every kind.
const AllKinds EventKinds = 1<<(EventSession+1) - 1<<EventRunStaged

// Kinds is the set of the given kinds.
func Kinds(kinds ...EventKind) EventKinds {
	var s EventKinds
	for _, k := range kinds {
		s |= 1 << k
	}
	return s
}

// Has says whether k is in the set.
func (s EventKinds) Has(k EventKind) bool { return s&(1<<k) != 0 }

// kindsOf is what the engine builds for o: the union of its observers' kinds.
func kindsOf(o Observer) EventKinds {
	switch o := o.(type) {
	case nil:
		return 0
	case multiObserver:
		var s EventKinds
		for _, each := range o {
			s |= kindsOf(each)
		}
		return s
	case KindsObserver:
		return o.Kinds()
	}
	return AllKinds
}

// forJob is the observer of one job's events: each JobObserver's own for the job.
func forJob(o Observer, job string) Observer {
	switch o := o.(type) {
	case multiObserver:
		per := make([]Observer, len(o))
		for i, each := range o {
			per[i] = forJob(each, job)
		}
		return Observers(per...)
	case JobObserver:
		return o.ForJob(job)
	}
	return o
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventRunStaged: a run of the job begins on this instance (ElasticJob's TASK_STAGING),
	// with the items it will run (Items, possibly none) and the fire it serves.
	EventRunStaged EventKind = iota + 1
	// EventRunEmpty: the run found no item for this instance and ends (TASK_FINISHED, "Sharding
	// item for job '%s' is empty.").
	EventRunEmpty
	// EventMisfired: a cron fire found the previous run still going and was flagged misfired
	// (TASK_FINISHED, "Previous job '%s' - shardingItems '%s' is still running, …"); Items are
	// the items of the run in progress.
	EventMisfired
	// EventRunStarted: the items are marked running and start now (TASK_RUNNING); Source says
	// why the run happens.
	EventRunStarted
	// EventItemStarted: one item's Execute (or FetchData) begins.
	EventItemStarted
	// EventItemFinished: one item is over; Err is its error (nil: success), Duration its time.
	EventItemFinished
	// EventRunFinished: every item of the run is over (TASK_FINISHED or, with ItemErrors,
	// TASK_ERROR).
	EventRunFinished
	// EventFailoverTaken: this instance claimed a crashed instance's item (Item) to run it.
	EventFailoverTaken
	// EventResharded: this instance, as leader, wrote a new assignment; Duration is the
	// resharding's time from the flag seen to the transaction done, Err a failed attempt.
	EventResharded
	// EventLeadership: this instance became (Leader) or stopped being the job's leader.
	EventLeadership
	// EventRegistered: the job registered on this instance (at start or after a new session);
	// EventUnregistered: it was shut down here.
	EventRegistered
	EventUnregistered
	// EventSession: the process's registry session changed state (State); Job is empty.
	EventSession
)

// Source is why a run happens.
type Source uint8

const (
	SourceNormal   Source = iota // a cron fire or a trigger
	SourceMisfire                // a fire flagged misfired while the previous run went on
	SourceFailover               // a crashed instance's item, claimed through the failover queue
	SourceMakeUp                 // a fire nobody served (a suspension, a crash window, a hand-over)
)

// String is ElasticJob's ExecutionSource name; a make-up run is reported as MISFIRE.
func (s Source) String() string {
	switch s {
	case SourceMisfire, SourceMakeUp:
		return "MISFIRE"
	case SourceFailover:
		return "FAILOVER"
	default:
		return "NORMAL_TRIGGER"
	}
}

// Event is one thing the engine did; which fields are set depends on Kind.
type Event struct {
	Kind   EventKind
	Job    string
	TaskID string // job@-@items@-@READY@-@instance, the run's (run and item events)
	Source Source
	// Items are the run's items (run events) or the run in progress's (EventMisfired).
	Items []int
	// Item is the item of item events and EventFailoverTaken.
	Item int
	// FireTime is the scheduled fire the run or item serves (zero when unknown).
	FireTime time.Time
	// Time is when it happened.
	Time     time.Time
	Duration time.Duration
	// Err is an item's error (EventItemFinished) or a failed resharding (EventResharded).
	Err error
	// ItemErrors are the failed items of a finished run.
	ItemErrors map[int]error
	Leader     bool
	State      string // EventSession: CONNECTED, SUSPENDED, RECONNECTED, LOST
}

// Observers fans events out to several observers, in order; nil entries are skipped.
func Observers(obs ...Observer) Observer {
	var out multiObserver
	for _, o := range obs {
		switch o := o.(type) {
		case nil:
		case multiObserver:
			out = append(out, o...)
		default:
			out = append(out, o)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

type multiObserver []Observer

func (m multiObserver) Observe(e Event) {
	for _, o := range m {
		o.Observe(e)
	}
}

// observe reports an event when someone takes its kind; Job and Time are filled in. It takes
// the event by pointer so that the event is copied once, into the observer's call.
func (j *Job) observe(e *Event) {
	if !j.kinds.Has(e.Kind) {
		return
	}
	e.Job = j.name
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	j.obs.Observe(*e)
}

// wants says whether events of kind k are taken, so that callers skip building the others.
func (j *Job) wants(k EventKind) bool { return j.kinds.Has(k) }

// runErrors collects the item errors of one run for EventRunFinished.
type runErrors struct {
	errs map[int]error
}

func (r *runErrors) add(item int, err error) {
	if r.errs == nil {
		r.errs = map[int]error{}
	}
	r.errs[item] = err
}

// errStopped marks an item that the error handler's verdict on an earlier item kept from
// starting; it is reported as failed with this cause.
var errStopped = errors.New("not started: the run was stopped by the error handler")
