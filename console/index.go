package console

import (
	"context"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// statusIndex holds every job's status and the server count, for the dashboard's counts and
// the jobs page's status filter: reading them costs several registry requests per job, too many
// to repeat on each page load of a large namespace. A small namespace is read afresh when the
// snapshot is older than indexFresh; a large one is refreshed in the background (one refresh at
// a time) and pages show the last snapshot with its time.
type statusIndex struct {
	op *lifecycle.Operator

	mu         sync.Mutex
	snap       *snapshot
	refreshing bool
	done       chan struct{} // closed when the running refresh ends
}

type snapshot struct {
	status  map[string]lifecycle.JobStatus
	servers int
	at      time.Time
	took    time.Duration // how long reading it took
	pending bool          // no snapshot yet: the first one is being read
	err     error
}

const (
	indexFresh = 5 * time.Second
	// indexCost bounds the registry load of a large namespace's refreshes: a snapshot that took
	// d to read is kept for indexCost × d at least, so refreshing takes at most 1/indexCost of
	// the time.
	indexCost = 5
	// indexWait bounds a page's wait for the first snapshot.
	indexWait = 2 * time.Second
	// indexSmall is the largest namespace whose statuses a page load reads itself.
	indexSmall = 300
)

func newStatusIndex(op *lifecycle.Operator) *statusIndex { return &statusIndex{op: op} }

// get returns a snapshot no older than indexFresh for a small namespace; for a large one the
// current snapshot, a refresh being started when it is old. The first call waits indexWait at
// most for the first snapshot; after that the snapshot is marked pending.
func (x *statusIndex) get(ctx context.Context) (*snapshot, error) {
	x.mu.Lock()
	snap := x.snap
	fresh := snap != nil && time.Since(snap.at) < max(indexFresh, indexCost*snap.took)
	if fresh {
		x.mu.Unlock()
		return snap, snap.err
	}
	done := x.refreshLocked()
	x.mu.Unlock()
	if snap != nil && len(snap.status) > indexSmall {
		return snap, snap.err // a large namespace: the page does not wait for the refresh
	}
	wait := time.NewTimer(indexWait)
	defer wait.Stop()
	select {
	case <-done:
	case <-wait.C: // a large namespace's first snapshot: the page says it is being counted
		return &snapshot{status: map[string]lifecycle.JobStatus{}, pending: true}, nil
	case <-ctx.Done():
		return &snapshot{status: map[string]lifecycle.JobStatus{}, pending: true}, ctx.Err()
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.snap, x.snap.err
}

// refreshLocked starts a refresh unless one is running; it returns the channel closed when
// the refresh ends. The refresh is not bound to any request: a page that gives up waiting
// does not waste it.
func (x *statusIndex) refreshLocked() chan struct{} {
	if x.refreshing {
		return x.done
	}
	x.refreshing, x.done = true, make(chan struct{})
	done := x.done
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		start := time.Now()
		snap := &snapshot{status: map[string]lifecycle.JobStatus{}, at: start}
		jobs, err := x.op.Jobs(ctx)
		for _, j := range jobs {
			snap.status[j.JobName] = j.Status
		}
		if err == nil {
			snap.servers, err = x.op.ServersTotalCount(ctx)
		}
		snap.err, snap.took = err, time.Since(start)
		x.mu.Lock()
		if err == nil || x.snap == nil {
			x.snap = snap
		} else {
			kept := *x.snap // keep the last good counts, say why they are old
			kept.err = err
			x.snap = &kept
		}
		x.refreshing = false
		x.mu.Unlock()
		close(done)
	}()
	return done
}
