package console

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Recorder keeps the recent runs of the jobs of the process it observes, in memory: a
// starter.Observer that the service registers (autoconfig does when the console is on) and the
// console reads as its Runs. It sees this instance's runs only; the tracing database sees every
// instance's. Memory is bounded: recorderBudget item runs in all (shared among the jobs, at least
// a picture's worth each and at most recorderPerJob), recorderFailures failures, and
// recorderWindow of per-minute counts.
type Recorder struct {
	now func() time.Time

	mu       sync.Mutex
	jobs     map[string][]*ItemRun // per job, oldest first, at most recorderPerJob
	open     map[runKey]*ItemRun   // items started and not finished
	failures []ItemRun             // oldest first, at most recorderFailures
	minutes  []Count               // per-minute counts, oldest first, within recorderWindow
}

const (
	recorderBudget   = 100_000
	recorderPerJob   = 2_000
	recorderFailures = 50
	recorderWindow   = 24 * time.Hour
)

// perJobLocked is how many item runs each job keeps: the budget shared among the jobs seen.
func (r *Recorder) perJobLocked() int {
	return min(recorderPerJob, max(pictureCols, recorderBudget/max(len(r.jobs), 1)))
}

type runKey struct {
	job, task string
	item      int
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{now: time.Now, jobs: map[string][]*ItemRun{}, open: map[runKey]*ItemRun{}}
}

var _ starter.Observer = (*Recorder)(nil)

// Observe records item starts and ends; it holds a mutex for a few map operations and never
// blocks otherwise.
func (r *Recorder) Observe(e starter.Event) {
	switch e.Kind {
	case starter.EventItemStarted:
		run := &ItemRun{Job: e.Job, Item: e.Item, TaskID: e.TaskID, Host: hostOf(e.TaskID),
			Source: e.Source.String(), FireTime: e.FireTime, Start: e.Time}
		r.mu.Lock()
		r.open[runKey{e.Job, e.TaskID, e.Item}] = run
		runs := append(r.jobs[e.Job], run)
		if keep := r.perJobLocked(); len(runs) > keep {
			runs = slices.Delete(runs, 0, len(runs)-keep)
		}
		r.jobs[e.Job] = runs
		r.mu.Unlock()
	case starter.EventItemFinished:
		r.mu.Lock()
		defer r.mu.Unlock()
		k := runKey{e.Job, e.TaskID, e.Item}
		run := r.open[k]
		if run == nil {
			return // started before the recorder was attached, or already dropped
		}
		delete(r.open, k)
		run.End, run.OK = e.Time, e.Err == nil
		if e.Err != nil {
			run.Cause = e.Err.Error()
			r.failures = append(r.failures, *run)
			if len(r.failures) > recorderFailures {
				r.failures = slices.Delete(r.failures, 0, len(r.failures)-recorderFailures)
			}
		}
		r.countLocked(e.Time, e.Err == nil)
	}
}

// countLocked adds an ended item to its minute and forgets minutes older than the window.
func (r *Recorder) countLocked(at time.Time, ok bool) {
	m := at.Truncate(time.Minute)
	if n := len(r.minutes); n == 0 || r.minutes[n-1].From.Before(m) {
		r.minutes = append(r.minutes, Count{From: m})
	}
	i := len(r.minutes) - 1
	for i > 0 && r.minutes[i].From.After(m) { // a late event of an earlier minute
		i--
	}
	if !r.minutes[i].From.Equal(m) {
		return // older than what is kept
	}
	if ok {
		r.minutes[i].Succeeded++
	} else {
		r.minutes[i].Failed++
	}
	cut := 0
	for cut < len(r.minutes) && r.minutes[cut].From.Before(m.Add(-recorderWindow)) {
		cut++
	}
	r.minutes = r.minutes[cut:]
}

// hostOf reads the instance's IP from a task id (job@-@items@-@READY@-@ip@-@pid).
func hostOf(taskID string) string {
	parts := strings.Split(taskID, "@-@")
	if len(parts) >= 4 {
		return parts[3]
	}
	return ""
}

func (r *Recorder) ItemRuns(_ context.Context, job string, since time.Time, limit int) ([]ItemRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	runs := r.jobs[job]
	var out []ItemRun
	for i := len(runs) - 1; i >= 0 && len(out) < limit; i-- {
		if runs[i].Start.Before(since) {
			break
		}
		out = append(out, *runs[i])
	}
	return out, nil
}

func (r *Recorder) Last(_ context.Context, jobs []string) (map[string]ItemRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]ItemRun{}
	for _, j := range jobs {
		if runs := r.jobs[j]; len(runs) > 0 {
			out[j] = *runs[len(runs)-1]
		}
	}
	return out, nil
}

func (r *Recorder) Failures(_ context.Context, limit int) ([]ItemRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ItemRun
	for i := len(r.failures) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, r.failures[i])
	}
	return out, nil
}

func (r *Recorder) Counts(_ context.Context, since time.Time, step time.Duration) ([]Count, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bucket(r.minutes, since, r.now(), step), nil
}

func (r *Recorder) Scope() string { return "This instance's runs since it started" }

// bucket sums per-minute counts into steps from since to now; empty steps are kept so the chart
// shows idle time as idle.
func bucket(minutes []Count, since, now time.Time, step time.Duration) []Count {
	since = since.Truncate(step)
	var out []Count
	for t := since; !t.After(now); t = t.Add(step) {
		out = append(out, Count{From: t})
	}
	for _, m := range minutes {
		if m.From.Before(since) {
			continue
		}
		i := int(m.From.Sub(since) / step)
		if i < len(out) {
			out[i].Succeeded += m.Succeeded
			out[i].Failed += m.Failed
		}
	}
	return out
}
