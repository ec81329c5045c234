// Package schedule is the process-wide cron: one robfig/cron scheduler for every job of the
// process, with panic recovery, and schedules that remember which fire time they produced so a
// run knows the scheduled time it serves.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler fires the jobs of one process. A registered job costs an entry in robfig's list,
// not a goroutine: robfig starts one goroutine per fire and it ends with the run.
type Scheduler struct {
	cron *cron.Cron

	mu      sync.Mutex
	started bool
}

// New returns a stopped scheduler; panics of fired funcs are logged on logger and recovered.
func New(logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.Default()
	}
	l := cronLogger{logger}
	return &Scheduler{cron: cron.New(cron.WithLogger(l), cron.WithChain(cron.Recover(l)))}
}

// ParseFunc turns a cron expression and a time zone into a schedule: starter.ParseCron's shape.
type ParseFunc func(spec, timeZone string) (cron.Schedule, error)

// Entry identifies one registered schedule.
type Entry = cron.EntryID

// Add fires fn at every time of s, passing the scheduled fire time (not the moment the timer
// woke up).
func (s *Scheduler) Add(sched cron.Schedule, fn func(fireTime time.Time)) Entry {
	fs := &firing{inner: sched}
	return s.cron.Schedule(fs, cron.FuncJob(func() { fn(fs.fireTime(time.Now())) }))
}

// Remove stops firing an entry; a run in progress is not affected.
func (s *Scheduler) Remove(id Entry) { s.cron.Remove(id) }

// Start begins firing; calling it again does nothing.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		s.cron.Start()
	}
}

// Stop stops firing and waits, bounded by ctx, for the fired funcs still running.
func (s *Scheduler) Stop(ctx context.Context) error {
	done := s.cron.Stop()
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("schedule: runs still in progress at stop: %w", ctx.Err())
	}
}

// firing wraps a schedule and remembers the last two times it returned, to tell the fire a run
// serves: the latest time of the schedule not after the moment the run starts. robfig asks for
// the next time right around the moment it starts a fire, so one of those two is usually it; but
// when the process was stopped (SIGSTOP, a suspended VM), robfig wakes up with the time its timer
// was due, serves that stale time and then the next, late: the fire served is then found by
// stepping through the schedule up to now, so that a run never serves a fire older than the
// current one (the fires between are missed, as robfig coalesces them).
type firing struct {
	inner cron.Schedule

	mu   sync.Mutex
	last [2]time.Time // last[1] is the most recent
}

// maxCatchUp bounds the steps through the schedule after a stop: a stop longer than that many
// periods serves the fire reached.
const maxCatchUp = 100_000

func (f *firing) Next(t time.Time) time.Time {
	n := f.inner.Next(t)
	f.mu.Lock()
	f.last[0], f.last[1] = f.last[1], n
	f.mu.Unlock()
	return n
}

func (f *firing) fireTime(now time.Time) time.Time {
	f.mu.Lock()
	last := f.last
	f.mu.Unlock()
	var t time.Time
	switch {
	case !last[1].IsZero() && !last[1].After(now):
		t = last[1]
	case !last[0].IsZero() && !last[0].After(now):
		t = last[0]
	default:
		return now
	}
	for range maxCatchUp {
		n := f.inner.Next(t)
		if n.IsZero() || n.After(now) {
			break
		}
		t = n
	}
	return t
}

// cronLogger sends robfig's log to slog: its chatty Info at debug level, errors (recovered
// panics) at error level.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"error", err}, kv...)...)
}
