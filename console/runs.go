package console

import (
	"context"
	"time"
)

// ItemRun is one sharding item's execution, however the console learnt of it: from the engine
// of the process serving the console (Recorder) or from the tracing database's execution log.
type ItemRun struct {
	Job      string
	Item     int
	TaskID   string
	Host     string    // the instance's IP
	Source   string    // NORMAL_TRIGGER, MISFIRE, FAILOVER
	FireTime time.Time // the fire it served; zero when unknown (the execution log has none)
	Start    time.Time
	End      time.Time // zero while it runs
	OK       bool
	Cause    string // the failure's text
}

// Running says whether the item is still going: it has started and not completed. A run in
// progress is never shown as failed.
func (r ItemRun) Running() bool { return r.End.IsZero() }

// Duration is the item's time, up to now while it runs.
func (r ItemRun) Duration(now time.Time) time.Duration {
	if r.Running() {
		return now.Sub(r.Start)
	}
	return r.End.Sub(r.Start)
}

// Result is the word pages show for a run: running, ok or failed.
func (r ItemRun) Result() string {
	switch {
	case r.Running():
		return "running"
	case r.OK:
		return "ok"
	}
	return "failed"
}

// Count is the number of runs that ended in one interval of the dashboard's chart.
type Count struct {
	From      time.Time
	Succeeded int
	Failed    int
}

// Runs is where the console reads recent runs: the picture of a job's runs, the jobs' last
// results, the dashboard's failures and chart.
type Runs interface {
	// ItemRuns returns the job's item runs started since the given time, newest first, at most limit.
	ItemRuns(ctx context.Context, job string, since time.Time, limit int) ([]ItemRun, error)
	// Last returns the most recent item run of each of the jobs that has one.
	Last(ctx context.Context, jobs []string) (map[string]ItemRun, error)
	// Failures returns the most recent failed item runs of every job, newest first.
	Failures(ctx context.Context, limit int) ([]ItemRun, error)
	// Counts returns the items that succeeded and failed in each step since the given time, oldest first.
	Counts(ctx context.Context, since time.Time, step time.Duration) ([]Count, error)
	// Scope says whose runs these are, for the pages ("this instance", "the tracing database").
	Scope() string
}
