package tracing

import (
	"errors"
	"testing"

	"github.com/elasticjob-go/elasticjob/starter"
)

// An item's completion is paired with the latest start of the same item of the same task: a
// start whose completion never came (dropped by a full queue) is replaced, not kept; a completion
// of another task is the whole row.
func TestRunsPairAnItemsEndWithItsLatestStart(t *testing.T) {
	r := newRuns()
	task := taskOf("pair", "0")
	start := func(sec int) Event {
		return Event{Kind: starter.EventItemStarted, Job: "pair", TaskID: task, Source: starter.SourceFailover, Item: 0, Time: at(sec)}
	}
	end := func(task string, sec int, err error) Event {
		return Event{Kind: starter.EventItemFinished, Job: "pair", TaskID: task, Item: 0, Time: at(sec), Duration: 2e9, Err: err}
	}
	var batch []record
	for _, e := range []Event{start(0), start(10), end(task, 12, nil), end(taskOf("pair", "0,1"), 20, errors.New("boom"))} {
		batch = r.rows(batch, &e)
	}
	if len(batch) != 4 || len(r.running) != 0 {
		t.Fatalf("%d rows, %d runs left: %+v", len(batch), len(r.running), batch)
	}
	first, second, done, other := batch[0], batch[1], batch[2], batch[3]
	if first.seq != 1 || second.seq != 2 || first.complete || second.complete {
		t.Fatalf("starts %+v %+v", first, second)
	}
	if done.seq != 2 || !done.complete || !done.time.Equal(at(10)) || !done.end.Equal(at(12)) || done.err != nil || done.source != "FAILOVER" {
		t.Fatalf("completion %+v, want the second start's row (seq 2) completed", done)
	}
	if other.seq != 3 || !other.complete || !other.time.Equal(at(18)) || other.err == nil || other.taskID != taskOf("pair", "0,1") {
		t.Fatalf("completion of another task %+v, want a whole row of its own", other)
	}
}
