package schedule

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFireTimeIsTheScheduledSecondAndPanicsAreRecovered(t *testing.T) {
	var logged testkit.Buffer
	s := New(slog.New(slog.NewTextHandler(&logged, nil)))
	every, err := cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow).Parse("* * * * * *")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan time.Time, 10)
	s.Add(every, func(ft time.Time) { got <- ft })
	s.Add(every, func(time.Time) { panic("boom") })
	s.Start()
	for i := 0; i < 2; i++ {
		select {
		case ft := <-got:
			if ft.Nanosecond() != 0 {
				t.Fatalf("fire time %v is not the scheduled whole second", ft)
			}
			if d := time.Since(ft); d < 0 || d > 500*time.Millisecond {
				t.Fatalf("fire time %v is %v away from now", ft, d)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("no fire within 3s")
		}
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out := logged.String(); !strings.Contains(out, `level=ERROR msg="cron: panic" error=boom`) {
		t.Fatalf("recovered panic not logged: %q", out)
	}
}

func TestFiringPicksTheRememberedTimeNotAfterNow(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &firing{inner: stepSchedule(time.Second)}
	f.Next(base.Add(-time.Second)) // 00:00:00
	if got := f.fireTime(base.Add(3 * time.Millisecond)); !got.Equal(base) {
		t.Fatalf("before next computed: got %v, want %v", got, base)
	}
	f.Next(base.Add(3 * time.Millisecond)) // 00:00:01
	if got := f.fireTime(base.Add(5 * time.Millisecond)); !got.Equal(base) {
		t.Fatalf("after next computed: got %v, want %v", got, base)
	}
}

// After a stop of the process the loop serves the stale time its timer was due (00:00:10) and
// then the one after it, late (at 00:00:17.212, having asked for 00:00:18): the run serves the
// current fire, 00:00:17, not 00:00:11, which would shadow it.
func TestFiringAfterAStopServesTheCurrentFire(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &firing{inner: stepSchedule(time.Second)}
	f.Next(base.Add(10 * time.Second)) // the loop, woken with its stale time 00:00:10: next 00:00:11
	woke := base.Add(16*time.Second + 300*time.Millisecond)
	if got, want := f.fireTime(woke), base.Add(16*time.Second); !got.Equal(want) {
		t.Fatalf("first fire after the stop: got %v, want %v", got, want)
	}
	late := base.Add(17*time.Second + 212*time.Millisecond)
	f.Next(late) // 00:00:18
	if got, want := f.fireTime(late), base.Add(17*time.Second); !got.Equal(want) {
		t.Fatalf("second fire after the stop: got %v, want %v", got, want)
	}
}

type stepSchedule time.Duration

func (s stepSchedule) Next(t time.Time) time.Time {
	return t.Truncate(time.Duration(s)).Add(time.Duration(s))
}

// A removed entry never fires again, whichever place it had in the queue, and the others keep
// firing; entries added before Start, or after a Stop, fire once started.
func TestRemovedEntriesStopFiringAndTheOthersGoOn(t *testing.T) {
	s := New(nil)
	fired := make(chan int, 100)
	ids := make([]Entry, 5)
	for k := range ids {
		ids[k] = s.Add(stepSchedule(200*time.Millisecond), func(time.Time) { fired <- k })
	}
	s.Start()
	s.Remove(ids[0])
	s.Remove(ids[3])
	s.Remove(ids[3]) // twice: nothing more happens
	seen := map[int]int{}
	deadline := time.After(20 * time.Second)
	for seen[1] < 3 || seen[2] < 3 || seen[4] < 3 {
		select {
		case k := <-fired:
			seen[k]++
		case <-deadline:
			t.Fatalf("fires within 20 s: %v, want 1, 2 and 4 three times each", seen)
		}
	}
	if seen[0] > 0 || seen[3] > 0 {
		t.Fatalf("removed entries fired: %v", seen)
	}
	for _, k := range []int{1, 2, 4} {
		s.Remove(ids[k])
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	for len(fired) > 0 {
		<-fired
	}
	late := s.Add(stepSchedule(200*time.Millisecond), func(time.Time) { fired <- 9 })
	s.Start()
	select {
	case k := <-fired:
		if k != 9 {
			t.Fatalf("entry %d fired after its removal", k)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the entry added after Stop did not fire within 20 s of the new Start")
	}
	s.Remove(late)
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}
