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

type stepSchedule time.Duration

func (s stepSchedule) Next(t time.Time) time.Time {
	return t.Truncate(time.Duration(s)).Add(time.Duration(s))
}
