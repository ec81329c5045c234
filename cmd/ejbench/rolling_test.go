package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// runsOf builds started entries: each run is "instance job item fire", fire in seconds after t0.
func runsOf(t0 time.Time, runs ...string) []ledger.Entry {
	var out []ledger.Entry
	for _, r := range runs {
		var inst, job string
		var item, fire int
		if _, err := fmt.Sscan(r, &inst, &job, &item, &fire); err != nil {
			panic(r + ": " + err.Error())
		}
		f := t0.Add(time.Duration(fire) * time.Second).UnixMilli()
		out = append(out, ledger.Entry{Event: "started", Job: job, Item: item, Fire: f, Instance: inst, At: f + 3},
			ledger.Entry{Event: "completed", Job: job, Item: item, Fire: f, Instance: inst, At: f + 9})
	}
	return out
}

func TestTallyCountsLostAndDoubledPairsAndShares(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	tl := newTally("job", 2, 3)
	err := tl.add(runsOf(t0,
		"a job0 0 0", "b job0 1 0", "c job0 2 0", "a job1 0 0", "b job1 1 0", "c job1 2 0", // whole
		"a job0 0 10", "b job0 0 10", "b job0 1 10", "c job0 2 10", "a job1 0 10", "b job1 1 10", // job0 item 0 twice, job1 item 2 never
		// nobody runs the fire at 20
		"a job0 0 30", "b job0 1 30", "c job0 2 30", "a job1 0 30", "b job1 1 30", "c job1 2 30",
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		after, upto   time.Duration
		lost, doubled int
	}{
		{-time.Millisecond, 0, 0, 0},               // the whole fire alone
		{5 * time.Second, 15 * time.Second, 1, 1},  // the planted pairs
		{15 * time.Second, 20 * time.Second, 6, 0}, // a fire nobody ran loses every pair
		{-time.Second, 35 * time.Second, 7, 1},
		{0, 9 * time.Second, 0, 0}, // (after, upto]: no fire
	} {
		lost, doubled := tl.pairs(t0.Add(c.after), t0.Add(c.upto), 10*time.Second)
		if lost != c.lost || doubled != c.doubled {
			t.Errorf("fires in (%v, %v]: lost %d, doubled %d; want %d, %d", c.after, c.upto, lost, doubled, c.lost, c.doubled)
		}
	}
	if !tl.ranShare(t0, "c", 1) || !tl.ranShare(t0.Add(10*time.Second), "a", 1) {
		t.Error("c at 0 and a at 10 ran an item of every job; ranShare says not")
	}
	if tl.ranShare(t0.Add(10*time.Second), "c", 1) || tl.ranShare(t0.Add(20*time.Second), "a", 1) || tl.ranShare(t0, "a", 2) || tl.ranShare(t0, "d", 1) {
		t.Error("ranShare holds for c at 10 (no item of job1), a fire nobody ran, a share of 2 or an unknown instance")
	}
	if err := tl.add(runsOf(t0, "a job2 0 0")); err == nil || !strings.Contains(err.Error(), `job "job2" item 0`) {
		t.Errorf("a job outside the schedule: err = %v", err)
	}
	if err := tl.add(runsOf(t0, "a job1 3 0")); err == nil || !strings.Contains(err.Error(), `job "job1" item 3`) {
		t.Errorf("an item outside the schedule: err = %v", err)
	}
}

func TestFiresInAreTheMultiplesOfThePeriod(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 20, 0, 5, 0, time.UTC)
	got := firesIn(t0, t0.Add(25*time.Second), 10*time.Second)
	if len(got) != 3 || got[0].Second() != 10 || got[2].Second() != 30 {
		t.Fatalf("firesIn = %v, want :10, :20, :30", got)
	}
}

// Row 10 at a tiny size, on a private ZooKeeper: three services of 20 jobs, one restart, a cron
// every 2 s. The figures are the machine's; the test asserts the row's lines, and that the
// restarted process took its share again.
func TestRollingRestartRowAtATinySize(t *testing.T) {
	zk := zktest.StartStandalone(t, zktest.Options{})
	work := t.TempDir()
	log, err := os.Create(filepath.Join(work, "children.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	b := &bench{srv: &server{addr: zk.Addr()}, work: work, log: log}
	cfg := rollConfig{processes: 3, jobs: 20, items: 3, restarts: 1, period: 2 * time.Second, failover: true, steadyPeriods: 1, maxStormPeriods: 30}
	f, err := b.rollOnce(cfg)
	if err != nil {
		t.Fatalf("%v\nlast lines of the children's log:\n%s", err, b.logTail())
	}
	if len(f.restarts) != 1 {
		t.Fatalf("%d restarts reported, want 1", len(f.restarts))
	}
	rf := f.restarts[0]
	if rf.name != "p1.0" || rf.successor != "p1.1" || !rf.settled || rf.settleFires < 1 || len(rf.survivorCPU) != 2 || len(rf.survivorPeakRSS) != 2 || rf.survivorPeakRSS[0] <= 0 {
		t.Fatalf("restart figures %+v: want p1.0 replaced by p1.1, which ran its share at a fire, and two survivors measured", rf)
	}
	b.addRollRows(cfg, f)
	if len(b.rows) != 5 {
		t.Fatalf("%d rows, want 5: %+v", len(b.rows), b.rows)
	}
	for _, r := range b.rows {
		if r.id != "10" || !strings.Contains(r.setup, "3 fx services (autoconfig) × 20 jobs × 3 items, cron 0/2 * * * * ?") || !strings.Contains(r.setup, "failover on") || r.value == "" {
			t.Errorf("row %+v", r)
		}
	}
	pairs := regexp.MustCompile(`^\d+ / \d+ \(per restart: \d+/\d+\)$`)
	if r := b.rows[2]; r.measure != "lost / doubled (fire, item) pairs" || !pairs.MatchString(r.value) || r.target != "0 / 0" {
		t.Errorf("lost/doubled row %+v", r)
	}
	if r := b.rows[0]; r.target != "≤ 12" || (r.verdict != "yes" && r.verdict != "**no**") {
		t.Errorf("requests row %+v", r)
	}
}
