package engine

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/quartz"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

func TestIdentityOverrides(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct{ ip, id, wantIP, wantID string }{
		{"10.2.2.2", "", "10.2.2.2", "10.2.2.2@-@" + pid},
		{"", "10.1.1.1@-@5", "10.1.1.1", "10.1.1.1@-@5"},
		{"10.3.3.3", "pod-a", "10.3.3.3", "pod-a"},
	} {
		ip, id, err := identity(tc.ip, tc.id)
		if err != nil || ip != tc.wantIP || id != tc.wantID {
			t.Errorf("identity(%q, %q) = %q, %q, %v; want %q, %q", tc.ip, tc.id, ip, id, err, tc.wantIP, tc.wantID)
		}
	}
	if ip, err := LocalIP(); err == nil {
		if _, id, _ := identity("", ""); id != ip+"@-@"+pid {
			t.Errorf("default id %q, want %q", id, ip+"@-@"+pid)
		}
	}
}

func TestPrevFire(t *testing.T) {
	s, err := quartz.Parse("0/5 * * * * ?", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	at := func(sec, ms int) time.Time { return time.Date(2026, 3, 1, 12, 0, sec, ms*1e6, time.UTC) }
	for _, tc := range []struct{ t, want time.Time }{
		{at(5, 3), at(5, 0)},   // a running node created 3 ms after the fire
		{at(9, 999), at(5, 0)}, // late in the period
		{at(10, 0), at(10, 0)}, // exactly on a fire
	} {
		if got := prevFire(s, tc.t); !got.Equal(tc.want) {
			t.Errorf("prevFire(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	daily, _ := quartz.Parse("0 0 3 * * ?", "UTC")
	if got, want := prevFire(daily, at(0, 0)), time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("daily prevFire = %v, want %v", got, want)
	}
}

// An item's context ends when asked once the registry's lease lapsed, before anything else has
// cancelled it, and says so on Done as the Context contract requires.
func TestLeaseContextEndsWhenTheRegistryWentSilent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := &testLease{cancel: cancel}
	lc := &leaseCtx{Context: ctx, lease: l}
	if err := lc.Err(); err != nil || l.fenced {
		t.Fatalf("Err() = %v, fenced %v; want nil while the lease holds", err, l.fenced)
	}
	l.isLapsed = true
	if err := lc.Err(); !errors.Is(err, context.Canceled) || !l.fenced {
		t.Fatalf("Err() = %v, fenced %v; want context.Canceled and the item fenced", err, l.fenced)
	}
	select {
	case <-lc.Done():
	default:
		t.Fatal("Err reported the end but Done is open")
	}
}

// testLease lapses when told to; fencing cancels the context.
type testLease struct {
	isLapsed, fenced bool
	cancel           context.CancelFunc
}

func (l *testLease) lapsed() bool { return l.isLapsed }
func (l *testLease) fence()       { l.fenced = true; l.cancel() }

// The queued failover item's data: the interrupted fire, the make-up after a comma, either may
// be missing; the bare number earlier versions wrote is the interrupted fire.
func TestQueuedRunData(t *testing.T) {
	f, m := time.UnixMilli(1_800_000_000_000), time.UnixMilli(1_800_000_005_000)
	for _, tc := range []struct {
		q    queuedRun
		data string
	}{
		{queuedRun{fire: f}, "1800000000000"},
		{queuedRun{fire: f, makeUp: m}, "1800000000000,1800000005000"},
		{queuedRun{makeUp: m}, ",1800000005000"},
		{queuedRun{}, ""},
	} {
		if got := tc.q.String(); got != tc.data {
			t.Errorf("%+v.String() = %q, want %q", tc.q, got, tc.data)
		}
		if got := parseQueuedRun(tc.data); !got.fire.Equal(tc.q.fire) || !got.makeUp.Equal(tc.q.makeUp) {
			t.Errorf("parseQueuedRun(%q) = %+v, want %+v", tc.data, got, tc.q)
		}
	}
	if got := parseQueuedRun("garbage,12x"); !got.fire.IsZero() || !got.makeUp.IsZero() {
		t.Errorf("parseQueuedRun(garbage) = %+v, want nothing", got)
	}
	if rest, ok := (queuedRun{fire: f, makeUp: m}).rest(); !ok || !rest.fire.IsZero() || !rest.makeUp.Equal(m) {
		t.Errorf("rest of an interrupted fire and a make-up = %+v, %v; want the make-up alone", rest, ok)
	}
	if _, ok := (queuedRun{makeUp: m}).rest(); ok {
		t.Error("a make-up alone leaves something after it")
	}
}

// A frozen process is seen by the items started before the pause: at once on waking (the ticker
// has not run yet), and after the ticker has noticed the late tick; items started after the
// pause are not affected.
func TestPauseWatchSeesAFrozenProcess(t *testing.T) {
	w := newPauseWatch(func() time.Duration { return 300 * time.Millisecond })
	defer w.close()
	before := time.Now()
	if w.pausedSince(before) {
		t.Fatal("paused before any pause")
	}
	// What a SIGSTOP of a second looks like on waking: the last tick is a second old.
	w.lastTick.Store(int64(time.Since(w.born) - time.Second))
	if !w.pausedSince(before) {
		t.Fatal("waking from a 1 s pause: not seen before the ticker ran")
	}
	testkit.Eventually(t, 2*time.Second, func() bool { return w.pauseEnd.Load() != 0 }, "the ticker noticed the late tick")
	if !w.pausedSince(before) {
		t.Fatal("an item started before the pause does not see it")
	}
	if after := time.Now(); w.pausedSince(after) {
		t.Fatal("an item started after the pause sees it")
	}
}

// describe writes items in ranges and stays a summary however large the assignment.
func TestDescribeIsASummary(t *testing.T) {
	if got := describe([]string{"a", "b"}, map[string][]int{"a": {0, 1, 2, 5}, "b": {3, 4}}); got != "a=0-2,5 b=3-4" {
		t.Fatalf("describe %q", got)
	}
	var odd []int
	for i := 1; i < 20000; i += 2 {
		odd = append(odd, i)
	}
	if got := describe([]string{"a", "b"}, map[string][]int{"a": odd, "b": {0}}); len(got) > describeMax+100 || !strings.HasSuffix(got, ",… (10000 items) … and 1 more instances") {
		t.Fatalf("describe of 10000 scattered items: %d bytes, ending %q", len(got), got[max(0, len(got)-80):])
	}
}

// The item record reads back what it writes, a bare number (earlier versions) names nobody,
// and the owner is accountable after the later of the started fire and the assignment.
func TestItemRecordFormat(t *testing.T) {
	f, g := time.UnixMilli(1_800_000_000_000), time.UnixMilli(1_800_000_000_420)
	for _, c := range []struct {
		rec  record
		text string
	}{
		{record{fire: f, by: "10.0.0.2@-@200"}, "1800000000000,10.0.0.2@-@200"},
		{record{fire: f, by: "10.0.0.2@-@200", given: g}, "1800000000000,10.0.0.2@-@200,1800000000420"},
		{record{by: "10.0.0.2@-@200", given: g}, ",10.0.0.2@-@200,1800000000420"},
	} {
		if got := c.rec.String(); got != c.text {
			t.Errorf("%+v written %q, want %q", c.rec, got, c.text)
		}
		if back := parseRecord(c.text); !back.equal(c.rec) {
			t.Errorf("%q read %+v, want %+v", c.text, back, c.rec)
		}
	}
	if r := parseRecord("1800000000000"); !r.fire.Equal(f) || r.by != "" || !r.given.IsZero() {
		t.Errorf("bare number read %+v", r)
	}
	if a := (record{fire: f, given: g}).accountable(); !a.Equal(g) {
		t.Errorf("accountable after %v, want the later assignment %v", a, g)
	}
	if a := (record{fire: g, given: f}).accountable(); !a.Equal(g) {
		t.Errorf("accountable after %v, want the later fire %v", a, g)
	}
}
