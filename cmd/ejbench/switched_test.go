package main

import (
	"sync/atomic"
	"testing"

	"github.com/elasticjob-go/elasticjob/starter"
)

// recorder is a JobObserver and KindsObserver, as the tracing observer is: its jobs' own
// observers record what reaches them.
type recorder struct {
	got map[string][]starter.EventKind
}

func (r *recorder) Observe(starter.Event) {}
func (r *recorder) Kinds() starter.EventKinds {
	return starter.Kinds(starter.EventRunStaged, starter.EventItemStarted)
}
func (r *recorder) ForJob(job string) starter.Observer { return jobRecorder{r, job} }

type jobRecorder struct {
	r   *recorder
	job string
}

func (j jobRecorder) Observe(e starter.Event) { j.r.got[j.job] = append(j.r.got[j.job], e.Kind) }

// A job's switched observer takes the kinds the tracing observer takes (the engine builds a
// job's events by its own observer's kinds: none would be traced otherwise), and passes each
// event to the job's observer of the current mode only.
func TestSwitchedPassesEventsToTheCurrentModesJobObserver(t *testing.T) {
	pg, discard := &recorder{got: map[string][]starter.EventKind{}}, &recorder{got: map[string][]starter.EventKind{}}
	mode := &atomic.Int32{}
	root := newSwitched(mode, []starter.Observer{nil, pg, discard})
	job := root.ForJob("job0")
	if k, ok := job.(starter.KindsObserver); !ok || k.Kinds() != pg.Kinds() {
		t.Fatalf("the job's observer takes kinds %v, want the tracing observer's %v", k, pg.Kinds())
	}
	job.Observe(starter.Event{Kind: starter.EventRunStaged}) // off
	mode.Store(int32(tracePostgres))
	job.Observe(starter.Event{Kind: starter.EventItemStarted})
	mode.Store(int32(traceDiscard))
	job.Observe(starter.Event{Kind: starter.EventRunStaged})
	if len(pg.got["job0"]) != 1 || pg.got["job0"][0] != starter.EventItemStarted || len(discard.got["job0"]) != 1 || discard.got["job0"][0] != starter.EventRunStaged {
		t.Fatalf("postgres got %v, discard got %v; want the item start and the staging", pg.got, discard.got)
	}
}
