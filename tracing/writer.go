package tracing

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// batchSize bounds the rows of one write: one transaction of three multi-row statements (a
// misfire's two rows may take it one over).
const batchSize = 1000

// The writer's pauses after a failed write while the database is unreachable.
const (
	retryFirst = 500 * time.Millisecond
	retryMax   = 15 * time.Second
)

// dropLogEvery limits the "queue full" log line.
const dropLogEvery = time.Minute

// writer drains the queue into the database, a batch at a time, on one goroutine of its own:
// the engine only ever puts its events on the bounded queue and never waits for the database.
// The writer makes the rows of the events (runs), then writes them.
type writer struct {
	store    *Store
	log      *slog.Logger
	queue    *queue
	ids      ids
	hostname string // the execution rows' hostname
	runs     runs
	scratch  batchScratch

	started     atomic.Bool
	dropped     atomic.Uint64
	written     atomic.Uint64
	lastDropLog atomic.Int64 // unix nanoseconds of the last "queue full" line

	closeOnce sync.Once
	closing   chan struct{}   // close called: flush and stop
	abandon   context.Context // done when the flush's time is up: stop now
	giveUp    context.CancelFunc
	done      chan struct{}
}

// newWriter makes the queue; start starts the goroutine that drains it. Events posted before
// start wait in the queue.
func newWriter(size int, log *slog.Logger, hostname string) *writer {
	w := &writer{
		log:      log,
		ids:      newIDs(),
		hostname: hostname,
		runs:     newRuns(),
		queue:    newQueue(size),
		closing:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	w.abandon, w.giveUp = context.WithCancel(context.Background())
	return w
}

func (w *writer) start(store *Store) {
	w.store = store
	w.started.Store(true)
	go w.run()
}

// full counts the rows of an event the full queue dropped (the tracer queues events without
// waiting), and says so at most once a minute.
func (w *writer) full(kind starter.EventKind) {
	n := w.dropped.Add(rowsOf(kind))
	now := time.Now().UnixNano()
	last := w.lastDropLog.Load()
	if now-last >= int64(dropLogEvery) && w.lastDropLog.CompareAndSwap(last, now) {
		w.log.Warn("tracing: the event queue is full (the database is down or slower than the jobs): events are dropped",
			"dropped", n, "queue", w.queue.size())
	}
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]record, 0, batchSize+1)
	for {
		if w.queue.empty() {
			select {
			case <-w.queue.ready:
				continue // the token may be for events a batch took already
			case <-w.closing:
				w.flush(batch[:0])
				return
			}
		}
		if w.queue.len() < batchSize {
			w.linger() // a writer that is behind does not wait
		}
		batch = w.fill(batch[:0])
		if !w.write(batch) {
			w.dropRest()
			return
		}
	}
}

// fill adds the rows of what is queued, up to a batch.
func (w *writer) fill(batch []record) []record {
	var e starter.Event
	for len(batch) < batchSize && w.queue.pop(&e) {
		batch = w.runs.rows(batch, &e)
	}
	return batch
}

// batchLinger is how long the writer waits, once events come, before it takes them: jobs
// firing together post their events in a burst, and the writer's work (building the rows, and
// the database's, here or on the same machine) waits until the burst is over instead of
// competing with it.
const batchLinger = 200 * time.Millisecond

// linger sleeps batchLinger (or until close) before the writer takes anything. It does not take
// the first events as they come: a burst of fires posts hundreds of events within milliseconds,
// and building their rows while the burst still starts items took the fires' CPU (2 cores:
// their p99 grew by milliseconds). The queue holds what comes while it sleeps.
func (w *writer) linger() {
	timer := time.NewTimer(batchLinger)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-w.closing:
	}
}

// flush writes what is queued at close, until the queue is empty or abandon.
func (w *writer) flush(batch []record) {
	for {
		batch = w.fill(batch[:0])
		if len(batch) == 0 || !w.write(batch) {
			w.dropRest()
			return
		}
	}
}

// dropRest drops what is queued, counting its rows.
func (w *writer) dropRest() {
	var e starter.Event
	for w.queue.pop(&e) {
		w.dropped.Add(rowsOf(e.Kind))
	}
}

// write writes a batch, waiting out an unreachable database; it returns false when told to
// abandon (what is left of the batch is then counted as dropped). Rows the database refuses
// while it answers are dropped, counted and logged, one by one.
func (w *writer) write(batch []record) bool {
	pause := retryFirst
	failing := false
	for len(batch) > 0 {
		ctx, cancel := context.WithTimeout(w.abandon, writeTimeout)
		err := w.store.writeBatch(ctx, batch, &w.ids, w.hostname, &w.scratch)
		if err == nil {
			w.written.Add(uint64(len(batch)))
			batch = nil
		} else if refused(err) && ctx.Err() == nil {
			var done int
			done, err = w.oneByOne(ctx, batch) // the database answers: some row is refused
			batch = batch[done:]
		}
		cancel()
		if err == nil {
			continue
		}
		if !failing {
			w.log.Warn("tracing: cannot write events: retrying until the database is back (events are queued, then dropped once the queue is full)",
				"database", w.store.source, "error", err)
			failing = true
		}
		select {
		case <-time.After(pause):
		case <-w.abandon.Done():
			w.dropped.Add(uint64(len(batch)))
			return false
		}
		pause = min(2*pause, retryMax)
	}
	if failing {
		w.log.Info("tracing: the database is back: writing events again", "database", w.store.source)
	}
	return true
}

// oneByOne writes each record alone, dropping (and counting) those the database refuses; it
// returns how many records it is done with, and the error that stopped it (a failed
// connection: the rest is retried).
func (w *writer) oneByOne(ctx context.Context, batch []record) (int, error) {
	for i := range batch {
		err := w.store.writeBatch(ctx, batch[i:i+1], &w.ids, w.hostname, &w.scratch)
		switch {
		case err == nil:
			w.written.Add(1)
		case refused(err) && ctx.Err() == nil:
			w.dropped.Add(1)
			w.log.Error("tracing: the database refused an event: dropped", "database", w.store.source, "job", batch[i].job, "table", batch[i].table(), "error", err)
		default:
			return i, err
		}
	}
	return len(batch), nil
}

// writeTimeout bounds one attempt: a database that hangs is treated as down.
const writeTimeout = 30 * time.Second

// close stops the writer: it writes what is queued until ctx ends, then drops the rest.
func (w *writer) close(ctx context.Context) error {
	w.closeOnce.Do(func() { close(w.closing) })
	if !w.started.Load() {
		w.dropRest()
		w.giveUp()
		return nil
	}
	select {
	case <-w.done:
		w.giveUp()
		return nil
	case <-ctx.Done():
		w.giveUp()
		<-w.done
		return errors.Join(errors.New("tracing: the queue was not written before the stop deadline; the rest was dropped"), ctx.Err())
	}
}
