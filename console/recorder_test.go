package console

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// The Recorder keeps a bounded record: the latest runs per job, the latest failures, counts
// per minute; an item still going is running, not failed.
func TestRecorderIsBoundedAndTellsRunningFromFailed(t *testing.T) {
	r := NewRecorder()
	ctx := context.Background()
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return t0.Add(time.Hour) }
	task := "j@-@0@-@READY@-@10.0.0.9@-@1"
	for i := range recorderPerJob + 10 {
		at := t0.Add(time.Duration(i) * time.Second)
		r.Observe(starter.Event{Kind: starter.EventItemStarted, Job: "j", TaskID: task, Item: 0, Time: at})
		var err error
		if i%2 == 1 {
			err = errors.New("boom")
		}
		r.Observe(starter.Event{Kind: starter.EventItemFinished, Job: "j", TaskID: task, Item: 0, Time: at.Add(time.Millisecond), Err: err})
	}
	r.Observe(starter.Event{Kind: starter.EventItemStarted, Job: "j", TaskID: task, Item: 1, Time: t0.Add(30 * time.Minute)})

	runs, _ := r.ItemRuns(ctx, "j", t0, 1_000_000)
	if len(runs) != recorderPerJob {
		t.Fatalf("%d runs kept, want %d", len(runs), recorderPerJob)
	}
	for i := range 1000 { // a thousand more jobs share the budget
		r.Observe(starter.Event{Kind: starter.EventItemStarted, Job: fmt.Sprint("other", i), TaskID: "t", Time: t0})
	}
	r.Observe(starter.Event{Kind: starter.EventItemStarted, Job: "j", TaskID: task, Item: 2, Time: t0.Add(40 * time.Minute)})
	if runs, _ := r.ItemRuns(ctx, "j", t0, 1_000_000); len(runs) != recorderBudget/1001 {
		t.Fatalf("with 1,001 jobs, %d runs kept, want %d", len(runs), recorderBudget/1001)
	}
	runs, _ = r.ItemRuns(ctx, "j", t0, 1_000_000)
	runs = runs[1:] // the item 2 run
	if !runs[0].Running() || runs[0].Result() != "running" || runs[0].Item != 1 || runs[0].Host != "10.0.0.9" {
		t.Fatalf("the newest run is %+v, want item 1 running on 10.0.0.9", runs[0])
	}
	fails, _ := r.Failures(ctx, 1000)
	if len(fails) != recorderFailures || fails[0].Cause != "boom" || fails[0].OK {
		t.Fatalf("%d failures kept (want %d), newest %+v", len(fails), recorderFailures, fails[0])
	}
	last, _ := r.Last(ctx, []string{"j", "other"})
	if len(last) != 1 || !last["j"].Running() {
		t.Fatalf("last: %+v", last)
	}
	counts, _ := r.Counts(ctx, t0, 10*time.Minute)
	var ok, failed int
	for _, c := range counts {
		ok, failed = ok+c.Succeeded, failed+c.Failed
	}
	if ok+failed != recorderPerJob+10 || failed != (recorderPerJob+10)/2 {
		t.Fatalf("counted %d succeeded and %d failed, want %d items, half failed", ok, failed, recorderPerJob+10)
	}
}
