package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/discarddb"
	"github.com/elasticjob-go/elasticjob/starter"
	"github.com/elasticjob-go/elasticjob/tracing"
)

// Row 8's ratios come from 4 rounds per -reps (12 by default) of three short windows:
// tracing off, into PostgreSQL, into a database that discards, in an order that rotates from
// round to round. A burst of the machine's other load lands in few rounds, and the median of
// the rounds' ratios leaves it out, where a few long windows each carry it.
const (
	tracingRoundsPerRep = 4
	tracingWindow       = 5 * time.Second // 500 fires of 2 items
)

// Row 8's writer figures: writerRecords rows written as fast as the writer goes; the memory of
// a queue of tracing.DefaultQueueSize events held while the database is down.
const writerRecords = 200_000

// Row 8: event tracing. The fire latency p99 of 100 jobs × 2 items with tracing into PostgreSQL
// on, divided by the same without tracing, in the same run; the events per second the writer
// sustains into PostgreSQL; the memory of a full queue. PostgreSQL is started here
// (scripts/postgres.sh), as ZooKeeper is.
func (b *bench) tracing() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	dir := filepath.Join(b.work, "postgres")
	script := filepath.Join(root, "scripts", "postgres.sh")
	pg := func(cmd string) error {
		out, err := exec.Command("bash", script, cmd, dir).CombinedOutput()
		if err != nil {
			return fmt.Errorf("postgres.sh %s: %w: %s", cmd, err, out)
		}
		return nil
	}
	if err := pg("install"); err != nil {
		return err
	}
	if err := pg("start"); err != nil {
		return err
	}
	defer func() { _ = pg("stop") }()
	url, err := readTrimmed(filepath.Join(dir, "url"))
	if err != nil {
		return err
	}
	postmaster, err := postmasterPID(filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	if err := b.tracingLatency(url, postmaster); err != nil {
		return err
	}

	// The writer's throughput and a full queue's memory, in this process.
	rate, err := writerRate(url)
	if err != nil {
		return err
	}
	b.add(row{id: "8", measure: "tracing writer (events/s)", setup: fmt.Sprintf("%d rows into PostgreSQL (status rows and item starts and completions, as jobs make them), batches of up to 1,000", writerRecords),
		value: fmt.Sprintf("%.0f", rate), reference: "ElasticJob: one INSERT or UPDATE per event, on a thread pool", target: "≥ 20,000", verdict: verdict(rate >= 20000)})
	bytes, err := fullQueueBytes(url, func() error { return pg("stop") })
	if err != nil {
		return err
	}
	b.add(row{id: "8", measure: "memory of a full tracing queue (MB)", setup: fmt.Sprintf("%d queued events while PostgreSQL is down", tracing.DefaultQueueSize),
		value: fmt.Sprintf("%.1f", mb(bytes)), reference: fmt.Sprintf("%.0f bytes per event", float64(bytes)/float64(tracing.DefaultQueueSize)), target: "—", verdict: "—"})
	return nil
}

// traceStats are one tracing mode's windows.
type traceStats struct {
	p99, burst      []float64     // each window's
	ratio, burstRat []float64     // each round's, ÷ off's
	cpu, pgCPU      time.Duration // the instance's and the PostgreSQL server's, all windows
	took            time.Duration
	gcs, gcInBurst  int
}

// cpuPerSecond is ms of CPU per second of the windows.
func (t *traceStats) cpuPerSecond(d time.Duration) float64 { return ms(d) / t.took.Seconds() }

// tracingLatency is row 8's fire latency: tracing off, into PostgreSQL and discarded, in windows
// of one instance (the same jobs, process and machine load), tracing switched by command.
func (b *bench) tracingLatency(url string, postmaster int) error {
	c, err := b.instance("tracing instance", 2*time.Minute, "-ns", b.namespace("tracing"), "-jobs", fmt.Sprint(latencyJobs),
		"-items", "2", "-cron", "* * * * * ?", "-lat", "-monitor=false", "-tracing", url)
	if err != nil {
		return err
	}
	defer func() { _ = c.quit() }()
	time.Sleep(2 * time.Second) // the first fires shard
	modes := []traceMode{traceOff, tracePostgres, traceDiscard}
	stats := map[traceMode]*traceStats{}
	for _, m := range modes {
		stats[m] = &traceStats{}
	}
	fires := 0
	rounds := tracingRoundsPerRep * b.reps
	for k := range rounds {
		var line []string
		for i := range modes {
			mode := modes[(i+k)%len(modes)] // each mode takes each place in turn
			if _, err := c.ask("tracing "+mode.String(), 10*time.Second); err != nil {
				return err
			}
			w, err := b.traceWindow(c, postmaster)
			if err != nil {
				return err
			}
			st := stats[mode]
			st.p99, st.burst = append(st.p99, w.p99), append(st.burst, w.burst)
			st.cpu, st.pgCPU, st.took = st.cpu+w.cpu, st.pgCPU+w.pgCPU, st.took+w.took
			st.gcs, st.gcInBurst = st.gcs+w.gcs, st.gcInBurst+w.gcInBurst
			fires += w.fires
			line = append(line, fmt.Sprintf("%s %.2f ms (burst %.2f ms)", mode, w.p99, w.burst))
		}
		off := stats[traceOff]
		for _, m := range modes[1:] {
			st := stats[m]
			st.ratio = append(st.ratio, st.p99[k]/off.p99[k])
			st.burstRat = append(st.burstRat, st.burst[k]/off.burst[k])
		}
		progress("  8 round %d of %d: p99 %s; ÷ off: postgres %.2f, discard %.2f", k+1, rounds, strings.Join(line, ", "),
			stats[tracePostgres].ratio[k], stats[traceDiscard].ratio[k])
	}
	off := stats[traceOff]
	setup := fmt.Sprintf("1 instance, %d jobs × 2 items every 1 s, monitorExecution off; tracing off, into PostgreSQL and into a database that discards, in windows of %v in rotating order; %d fires in %d rounds, the median of the rounds' ratios",
		latencyJobs, tracingWindow, fires, rounds)
	for _, m := range modes[1:] {
		st := stats[m]
		r := summarize(st.ratio)
		into, target, holds := "PostgreSQL on this machine", "≤ 1.10", verdict(r.med <= 1.10)
		if m == traceDiscard {
			into, target, holds = "a database that discards (our process's cost alone)", "—", "—"
		}
		ref := fmt.Sprintf("p99 off %s ms, on %s ms; a burst's last start ÷ off %s (off %s ms); CPU ms/s: instance %.1f (off %.1f), PostgreSQL server %.1f (off %.1f); GC cycles ending in a burst: %d of %d (off %d of %d)",
			summarize(off.p99).format("%.2f"), summarize(st.p99).format("%.2f"), summarize(st.burstRat).format("%.2f"), summarize(off.burst).format("%.2f"),
			st.cpuPerSecond(st.cpu), off.cpuPerSecond(off.cpu), st.cpuPerSecond(st.pgCPU), off.cpuPerSecond(off.pgCPU),
			st.gcInBurst, st.gcs, off.gcInBurst, off.gcs)
		b.add(row{id: "8", measure: "fire latency p99, tracing into " + into + " ÷ off", setup: setup, value: r.format("%.2f"),
			reference: ref, target: target, verdict: holds})
	}
	return nil
}

// benchEvents makes the events of runs of one item, n at most, as a job makes them.
func benchEvents(n int) []starter.Event {
	evs := make([]starter.Event, 0, n)
	now := time.Now()
	for k := 0; len(evs) < n; k++ {
		job := fmt.Sprintf("job%d", k%100)
		task := job + "@-@0@-@READY@-@127.0.0.1@-@1"
		for _, e := range []starter.Event{
			{Kind: starter.EventRunStaged, Items: []int{0}},
			{Kind: starter.EventRunStarted, Items: []int{0}},
			{Kind: starter.EventItemStarted},
			{Kind: starter.EventItemFinished, Duration: time.Millisecond},
			{Kind: starter.EventRunFinished, Items: []int{0}},
		} {
			e.Job, e.TaskID, e.Time = job, task, now
			evs = append(evs, e)
		}
	}
	return evs[:n]
}

// writerRate posts writerRecords events and returns the events written per second, from the
// first post to the last row written.
func writerRate(url string) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store, err := tracing.Open(ctx, tracing.DataSource{URL: url})
	if err != nil {
		return 0, err
	}
	defer store.Close()
	obs, err := tracing.NewObserver(store, tracing.Options{QueueSize: writerRecords, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return 0, err
	}
	evs := benchEvents(writerRecords)
	start := time.Now()
	for _, e := range evs {
		obs.Observe(e)
	}
	if err := obs.Close(ctx); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if obs.Dropped() != 0 || obs.Written() != writerRecords {
		return 0, fmt.Errorf("writer: %d written, %d dropped of %d", obs.Written(), obs.Dropped(), writerRecords)
	}
	return float64(writerRecords) / took.Seconds(), nil
}

// fullQueueBytes stops the database, fills an observer's queue and returns the heap it holds.
func fullQueueBytes(url string, stopDB func() error) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := tracing.Open(ctx, tracing.DataSource{URL: url})
	if err != nil {
		return 0, err
	}
	defer store.Close()
	if err := stopDB(); err != nil {
		return 0, err
	}
	evs := benchEvents(2 * tracing.DefaultQueueSize) // the writer holds a batch out of the queue
	before := heap()
	obs, err := tracing.NewObserver(store, tracing.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return 0, err
	}
	for _, e := range evs {
		obs.Observe(e)
	}
	after := heap()
	runtime.KeepAlive(evs) // the events are not the queue's: they stay live across both readings
	if obs.Dropped() == 0 {
		return 0, fmt.Errorf("the queue of %d did not fill", tracing.DefaultQueueSize)
	}
	closeCtx, cancelClose := context.WithTimeout(context.Background(), time.Second)
	defer cancelClose()
	_ = obs.Close(closeCtx)
	return after - before, nil
}

func heap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func readTrimmed(path string) (string, error) {
	data, err := os.ReadFile(path)
	return strings.TrimSpace(string(data)), err
}

// traceMode is where an instance traces its runs: nowhere, into PostgreSQL, or into a
// database that discards (internal/discarddb).
type traceMode int32

const (
	traceOff traceMode = iota
	tracePostgres
	traceDiscard
)

// traceModes are the modes' names, in the "tracing" command.
var traceModes = []string{"off", "postgres", "discard"}

func (m traceMode) String() string { return traceModes[m] }

// openTracing is an instance's observer: it traces into url or into discarddb, or not at all,
// as mode says at each event.
func openTracing(ctx context.Context, url string, mode *atomic.Int32, log *slog.Logger) (starter.Observer, func(), error) {
	pg, err := tracing.Open(ctx, tracing.DataSource{URL: url})
	if err != nil {
		return nil, nil, err
	}
	discard, err := tracing.OpenDB(ctx, discarddb.Open())
	if err != nil {
		_ = pg.Close()
		return nil, nil, err
	}
	to := make([]starter.Observer, len(traceModes))
	var observers []*tracing.Observer
	for m, store := range map[traceMode]*tracing.Store{tracePostgres: pg, traceDiscard: discard} {
		obs, err := tracing.NewObserver(store, tracing.Options{Logger: log})
		if err != nil {
			_ = pg.Close()
			return nil, nil, err
		}
		to[m] = obs
		observers = append(observers, obs)
	}
	return newSwitched(mode, to), func() {
		ctx, cancel := context.WithTimeout(context.Background(), tracing.FlushTimeout)
		defer cancel()
		for _, obs := range observers {
			_ = obs.Close(ctx)
		}
		_ = pg.Close()
	}, nil
}

// traceWindowResult is one window of row 8.
type traceWindowResult struct {
	p99        float64 // fire latency, ms
	burst      float64 // the median of the fires' last item start (the bursts' length), ms
	fires      int
	cpu, pgCPU time.Duration // the instance's and the PostgreSQL server's CPU
	took       time.Duration
	gcs        int // the instance's GC cycles
	gcInBurst  int // those that ended within burstSpan of a whole second (a burst's time)
}

// burstSpan is how long after a whole second the fires of 100 jobs start their items.
const burstSpan = 30 * time.Millisecond

// traceWindow measures one window: the p99 fire latency, the fires, and the CPU the instance
// and the PostgreSQL server (postmaster pid) used.
func (b *bench) traceWindow(c *child, postmaster int) (traceWindowResult, error) {
	var w traceWindowResult
	sleepUntilPhase(time.Second, 500*time.Millisecond)
	if _, err := c.latencies(); err != nil { // drop what came before the window
		return w, err
	}
	if _, err := c.gcEnds(); err != nil {
		return w, err
	}
	start := time.Now()
	s0, err := c.stats()
	if err != nil {
		return w, err
	}
	pg0, err := treeCPU(postmaster)
	if err != nil {
		return w, err
	}
	time.Sleep(tracingWindow)
	byFire, err := c.latenciesByFire()
	if err != nil {
		return w, err
	}
	gcs, err := c.gcEnds()
	if err != nil {
		return w, err
	}
	s1, err := c.stats()
	if err != nil {
		return w, err
	}
	pg1, err := treeCPU(postmaster)
	if err != nil {
		return w, err
	}
	if len(byFire) == 0 {
		return w, fmt.Errorf("%s: nothing started in %v", c.name, tracingWindow)
	}
	w.took = time.Since(start)
	var all []time.Duration
	var last []float64
	for _, l := range byFire {
		all = append(all, l...)
		last = append(last, ms(slices.Max(l)))
	}
	slices.Sort(all)
	w.p99, w.fires, w.burst = ms(percentile(all, 99)), len(all)/2, summarize(last).med
	w.cpu, w.pgCPU = s1.cpu-s0.cpu, pg1-pg0
	w.gcs = len(gcs)
	for _, end := range gcs {
		if time.Duration(end.UnixNano()%int64(time.Second)) < burstSpan {
			w.gcInBurst++
		}
	}
	return w, nil
}

// switched passes events on to the observer of the current mode (none when off). It is a
// JobObserver and a KindsObserver as the tracing observer is, so that the engine treats it the
// same way: the events are built in every mode (the cost of building them is not the row's).
type switched struct {
	mode  *atomic.Int32
	to    []starter.Observer // by traceMode
	kinds starter.EventKinds // the root's: a job's own observers (ForJob's) do not say theirs
}

func newSwitched(mode *atomic.Int32, to []starter.Observer) switched {
	s := switched{mode: mode, to: to}
	for _, o := range to {
		if ko, ok := o.(starter.KindsObserver); ok {
			s.kinds |= ko.Kinds()
		}
	}
	return s
}

func (s switched) Observe(e starter.Event) {
	if o := s.to[s.mode.Load()]; o != nil {
		o.Observe(e)
	}
}

func (s switched) ForJob(job string) starter.Observer {
	per := make([]starter.Observer, len(s.to))
	for m, o := range s.to {
		per[m] = o
		if jo, ok := o.(starter.JobObserver); ok {
			per[m] = jo.ForJob(job)
		}
	}
	return switched{mode: s.mode, to: per, kinds: s.kinds}
}

func (s switched) Kinds() starter.EventKinds { return s.kinds }
