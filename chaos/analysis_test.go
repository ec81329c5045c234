package chaos

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
)

// runs builds entries: each run is "instance item fire start end event", times in seconds
// after t0 (fire whole seconds).
func runs(t0 time.Time, runs ...string) []ledger.Entry {
	var out []ledger.Entry
	at := func(s float64) int64 { return t0.Add(time.Duration(s * float64(time.Second))).UnixMilli() }
	for _, r := range runs {
		var inst, event string
		var item int
		var fire, start, end float64
		if _, err := fmt.Sscan(r, &inst, &item, &fire, &start, &end, &event); err != nil {
			panic(r + ": " + err.Error())
		}
		e := ledger.Entry{Job: "chaos", Item: item, Fire: at(fire), Instance: inst}
		s, f := e, e
		s.Event, s.At = "started", at(start)
		f.Event, f.At = event, at(end)
		out = append(out, s, f)
	}
	return out
}

func TestAnalyzeSplitsTheNeverCompletedPairs(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	entries := runs(t0,
		"s1.1 0 0 0.01 0.1 completed", "s2.1 1 0 0.01 0.2 completed",
		"s1.1 0 1 1.01 1.1 completed", "s2.1 1 1 1.01 1.2 completed",
		"s1.1 0 2 2.01 2.1 completed", "s3.1 0 2 2.02 2.1 completed", // a duplicate
		// fire 3 of item 0 never runs: lost; fires 2 and 3 of item 1: s2.1 is dead
		"s1.1 0 4 4.01 4.1 completed", "s1.1 1 4 4.3 4.5 completed", // the make-up of item 1
		"s1.1 0 5 5.01 5.1 completed", "s1.1 1 5 5.01 5.1 completed",
	)
	crash := Fault{Kind: KillInstance, Target: "s2.1", Instance: "s2.1", PID: "42",
		Start: t0.Add(1300 * time.Millisecond), End: t0.Add(3 * time.Second), Noticed: t0.Add(4200 * time.Millisecond)}
	f := analyze(entries, []Fault{crash}, t0.Add(-500*time.Millisecond), t0.Add(5500*time.Millisecond),
		[]string{"s1.1", "s3.1"}, t0.Add(8*time.Second), 5*time.Second)

	var b strings.Builder
	f.print(&b)
	want := `fires evaluated:                 6 (07:00:00.000 .. 07:00:05.000 UTC)
item executions:                 10 (completed 10, cancelled 0)
duplicate completions:           1 [(07:00:02, item 0)]
pairs never completed:           3
  in a detection window:         2 (made up 2, not made up 0 )
  outside detection windows:     1 (coalesced into a make-up run 0, lost 1 [(07:00:03, item 0)])
longest crash-to-failover gap:   3s (kill-instance s2.1 at 07:00:01.300, item 1)
instances that stopped scheduling: 1 s3.1
fault log, and what each fault did to the fires from its start to the next fault's:
  07:00:01.300 kill-instance    s2.1         undone after 1.7s, ZooKeeper noticed after 2.9s, first run elsewhere after 3s
      cancelled 0, duplicates 1, window made up 2, not made up 0, coalesced 0, lost 1
`
	if got := b.String(); got != want {
		t.Fatalf("figures:\n%s\nwant:\n%s", got, want)
	}
	if f.OK() {
		t.Fatal("OK() with a duplicate, a lost pair and a stopped instance")
	}
}

// A pair skipped outside any window is coalesced when the next completed fire of its item ran
// late (a make-up); a window pair whose item was never run by another instance is not made up.
func TestAnalyzeCoalescedAndNotMadeUp(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	entries := runs(t0,
		"s1.1 0 0 0.01 0.1 completed", "s2.1 1 0 0.01 0.1 completed",
		// fires 1 and 2 of item 0 skipped, the latest made up after fire 3
		"s1.1 0 3 3.01 3.1 completed", "s1.1 0 2 3.2 3.3 completed",
		"s2.1 1 1 1.01 1.5 cancelled", // s2.1 stopped at 1.2 while running item 1
		"s3.1 1 3 3.01 3.1 completed", // the new owner's fire after the crash was noticed
	)
	stop := Fault{Kind: StopInstance, Target: "s2.1", Instance: "s2.1", PID: "42",
		Start: t0.Add(1200 * time.Millisecond), End: t0.Add(6 * time.Second), Noticed: t0.Add(2500 * time.Millisecond)}
	f := analyze(entries, []Fault{stop}, t0.Add(-500*time.Millisecond), t0.Add(3500*time.Millisecond),
		[]string{"s1.1", "s3.1"}, t0.Add(4*time.Second), 5*time.Second)
	if got := pairs(f.Coalesced); got != "[(07:00:01, item 0)]" {
		t.Errorf("coalesced %s", got)
	}
	if got := pairs(f.WindowNotMadeUp); got != "[(07:00:01, item 1) (07:00:02, item 1)]" {
		t.Errorf("window not made up %s", got)
	}
	if len(f.Lost) != 0 || len(f.Duplicates) != 0 || len(f.Stopped) != 0 || f.Cancelled != 1 {
		t.Errorf("lost %v, duplicates %v, stopped %v, cancelled %d", f.Lost, f.Duplicates, f.Stopped, f.Cancelled)
	}
	if f.OK() {
		t.Fatal("OK() with window pairs not made up")
	}
}
