// Package schedule is the process-wide cron: one timer loop for every job of the process, with
// panic recovery, and schedules that remember which fire time they produced so a run knows the
// scheduled time it serves.
package schedule

import (
	"container/heap"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler fires the jobs of one process. A registered job costs an entry in a queue ordered by
// next fire time, not a goroutine: one goroutine is started per fire and it ends with the run.
// Adding and removing an entry cost O(log n), so that registering or stopping tens of thousands
// of jobs together costs little per job (robfig/cron, which it replaces, copied and sorted its
// whole list at every change). Its timing is robfig's: an entry fires when the loop's timer,
// set for the earliest entry, delivers a time not before the entry's next time, and the next
// time is then asked of the schedule from the delivered time.
type Scheduler struct {
	log *slog.Logger

	mu      sync.Mutex
	queue   queue            // by next fire time; entries without one are kept out
	entries map[Entry]*entry // every entry added and not removed
	lastID  Entry
	running bool
	wake    chan struct{} // buffered: the earliest entry may have changed
	stop    chan struct{} // closed by Stop
	done    chan struct{} // closed when the loop has returned
	runs    sync.WaitGroup
}

// New returns a stopped scheduler; panics of fired funcs are logged on logger and recovered.
func New(logger *slog.Logger) *Scheduler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Scheduler{log: logger, entries: make(map[Entry]*entry), wake: make(chan struct{}, 1)}
}

// ParseFunc turns a cron expression and a time zone into a schedule: starter.ParseCron's shape.
type ParseFunc func(spec, timeZone string) (cron.Schedule, error)

// Entry identifies one registered schedule.
type Entry int

type entry struct {
	id    Entry
	sched cron.Schedule
	run   func()
	next  time.Time // zero: not queued
	index int       // in the queue; -1 when not queued
}

// Add fires fn at every time of s, passing the scheduled fire time (not the moment the timer
// woke up).
func (s *Scheduler) Add(sched cron.Schedule, fn func(fireTime time.Time)) Entry {
	fs := &firing{inner: sched}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	e := &entry{id: s.lastID, sched: fs, run: func() { fn(fs.fireTime(time.Now())) }, index: -1}
	s.entries[e.id] = e
	if s.running {
		s.enqueue(e, now())
	}
	return e.id
}

// Remove stops firing an entry; a run in progress is not affected.
func (s *Scheduler) Remove(id Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok {
		return
	}
	delete(s.entries, id)
	if e.index >= 0 {
		heap.Remove(&s.queue, e.index)
	}
}

// Start begins firing; calling it again does nothing until Stop.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return
	}
	s.running = true
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	t := now()
	for _, e := range s.entries {
		s.enqueue(e, t)
	}
	go s.loop(s.stop, s.done)
}

// Stop stops firing and waits, bounded by ctx, for the fired funcs still running.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.running {
		s.running = false
		close(s.stop)
		done := s.done
		s.mu.Unlock()
		<-done
		s.mu.Lock()
		for s.queue.Len() > 0 {
			heap.Pop(&s.queue)
		}
	}
	s.mu.Unlock()
	idle := make(chan struct{})
	go func() {
		s.runs.Wait()
		close(idle)
	}()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("schedule: runs still in progress at stop: %w", ctx.Err())
	}
}

// enqueue queues e at its next time after t, unless its schedule has none; called with s.mu held.
func (s *Scheduler) enqueue(e *entry, t time.Time) {
	e.next = e.sched.Next(t)
	if e.next.IsZero() {
		return
	}
	heap.Push(&s.queue, e)
	if e.index == 0 {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// loop waits for the earliest entry's time and starts what is due, until stop is closed.
func (s *Scheduler) loop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		wait := 100000 * time.Hour // nothing queued: wait for an entry
		if s.queue.Len() > 0 {
			wait = s.queue[0].next.Sub(now())
		}
		s.mu.Unlock()
		timer.Reset(wait)
		select {
		case t := <-timer.C:
			s.fireDue(t.In(time.Local))
		case <-s.wake:
			timer.Stop()
		case <-stop:
			return
		}
	}
}

// fireDue starts every entry due at t and queues it at its next time after t.
func (s *Scheduler) fireDue(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.queue.Len() > 0 && !s.queue[0].next.After(t) {
		e := heap.Pop(&s.queue).(*entry)
		s.start(e.run)
		s.enqueue(e, t)
	}
}

// start runs fn on a new goroutine, recovering and logging a panic.
func (s *Scheduler) start(fn func()) {
	s.runs.Add(1)
	go func() {
		defer s.runs.Done()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("cron: panic", "error", fmt.Errorf("%v", r), "stack", string(debug.Stack()))
			}
		}()
		fn()
	}()
}

func now() time.Time { return time.Now().In(time.Local) }

// queue is a heap of entries by next fire time.
type queue []*entry

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].next.Before(q[j].next) }
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *queue) Push(x any) {
	e := x.(*entry)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	e.index = -1
	return e
}

// firing wraps a schedule and remembers the last two times it returned, to tell the fire a run
// serves: the latest time of the schedule not after the moment the run starts. The loop asks for
// the next time right around the moment it starts a fire, so one of those two is usually it; but
// when the process was stopped (SIGSTOP, a suspended VM), the loop wakes up with the time its timer
// was due, serves that stale time and then the next, late: the fire served is then found by
// stepping through the schedule up to now, so that a run never serves a fire older than the
// current one (the fires between are missed: the loop coalesces them).
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
