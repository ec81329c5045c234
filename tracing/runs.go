package tracing

import (
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// runs turns the engine's events into ElasticJob-Lite's rows (LiteJobFacade and
// ElasticJobExecutor), on the writer's goroutine, in the order the events were queued: it gives
// each row its id and pairs an item run's completion with its start.
type runs struct {
	seq     uint64              // the last row's sequence number (see ids)
	running map[itemRun]started // started items, for their completion
}

// started is what an item's completion takes from its start: the row's id, start time and
// source.
type started struct {
	seq   uint64
	start time.Time
	src   starter.Source
}

// itemRun identifies an item run in progress: runs of one job do not overlap on an instance,
// and the task id names the instance.
type itemRun struct {
	taskID string
	item   int
}

func newRuns() runs { return runs{running: map[itemRun]started{}} }

// rowsOf is how many rows an event makes: what a dropped event costs the tables.
func rowsOf(kind starter.EventKind) uint64 {
	if kind == starter.EventMisfired {
		return 2
	}
	return 1
}

// rows appends the event's rows to batch.
func (r *runs) rows(batch []record, e *starter.Event) []record {
	switch e.Kind {
	case starter.EventRunStaged:
		return append(batch, r.status(e, stateStaging, beginMessage))
	case starter.EventRunEmpty:
		s := r.status(e, stateFinished, emptyMessage)
		s.items = nil
		return append(batch, s)
	case starter.EventMisfired:
		// ElasticJob stages the fire, then finds the previous run going (the observer gave the
		// event the task id of the run in progress).
		return append(batch, r.status(e, stateStaging, beginMessage), r.status(e, stateFinished, misfireMessage))
	case starter.EventRunStarted:
		return append(batch, r.status(e, stateRunning, noMessage))
	case starter.EventRunFinished:
		if len(e.ItemErrors) == 0 {
			return append(batch, r.status(e, stateFinished, noMessage))
		}
		s := r.status(e, stateError, errorsMessage)
		s.itemErrs = e.ItemErrors
		return append(batch, s)
	case starter.EventItemStarted:
		x := record{seq: r.next(), job: e.Job, taskID: e.TaskID, time: e.Time, source: e.Source.String(), item: e.Item}
		// A start whose completion was dropped (a full queue) is replaced by the item's next.
		r.running[itemRun{e.TaskID, e.Item}] = started{x.seq, x.time, e.Source}
		return append(batch, x)
	case starter.EventItemFinished:
		key := itemRun{e.TaskID, e.Item}
		s, ok := r.running[key]
		if ok {
			delete(r.running, key)
			if len(r.running) == 0 {
				clear(r.running) // its deleted slots too: the next burst's starts fill it anew, not a new one
			}
		} else { // started before this observer, or its start was dropped: the completion is the whole row
			s = started{r.next(), e.Time.Add(-e.Duration), e.Source}
		}
		return append(batch, record{seq: s.seq, job: e.Job, taskID: e.TaskID, time: s.start, source: s.src.String(), item: e.Item,
			complete: true, end: e.Time, err: e.Err})
	}
	return batch
}

func (r *runs) next() uint64 {
	r.seq++
	return r.seq
}

func (r *runs) status(e *starter.Event, state string, msg message) record {
	return record{status: true, seq: r.next(), job: e.Job, taskID: e.TaskID, time: e.Time, items: e.Items, state: state, message: msg}
}
