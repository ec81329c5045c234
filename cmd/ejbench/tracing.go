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

	"github.com/elasticjob-go/elasticjob/starter"
	"github.com/elasticjob-go/elasticjob/tracing"
)

// Row 8's ratio comes from tracingPairs pairs (at least -reps) of short windows, tracing off in
// one and on in the other: a burst of the machine's other load lands in few pairs, and the
// median of the pairs' ratios leaves it out, where a few long windows each carry it.
const (
	tracingPairs  = 12
	tracingWindow = 5 * time.Second // 500 fires of 2 items
)

// Row 8's writer figures: writerRecords rows written as fast as the writer goes; the memory of
// a queue of tracing.DefaultQueueSize records held while the database is down.
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
	// Fire latency with tracing off and on, in alternating windows of one instance (the same
	// jobs, process and machine load), tracing switched by command.
	c, err := b.instance("tracing instance", 2*time.Minute, "-ns", b.namespace("tracing"), "-jobs", fmt.Sprint(latencyJobs),
		"-items", "2", "-cron", "* * * * * ?", "-lat", "-monitor=false", "-tracing", url)
	if err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // the first fires shard
	p99 := map[bool][]float64{}
	var ratio []float64
	fires := 0
	pairs := max(b.reps, tracingPairs)
	for k := range pairs {
		order := []bool{false, true}
		if k%2 == 1 { // alternate which goes first, so that a drift of the load favours neither
			order = []bool{true, false}
		}
		for _, on := range order {
			if _, err := c.ask("tracing "+onOff(on), 10*time.Second); err != nil {
				_ = c.quit()
				return err
			}
			q99, n, err := b.latencyWindow(c, tracingWindow)
			if err != nil {
				_ = c.quit()
				return err
			}
			p99[on] = append(p99[on], q99)
			fires += n
		}
		on, off := p99[true][len(p99[true])-1], p99[false][len(p99[false])-1]
		ratio = append(ratio, on/off)
		progress("  8 pair %d of %d: p99 on %.2f ms ÷ off %.2f ms = %.2f", k+1, pairs, on, off, on/off)
	}
	_ = c.quit()
	r := summarize(ratio)
	setup := fmt.Sprintf("1 instance, %d jobs × 2 items every 1 s, monitorExecution off, tracing into PostgreSQL switched off and on in alternate windows (off first, then on first); %d fires in %d pairs of windows of %v, the median of the pairs' ratios",
		latencyJobs, fires, pairs, tracingWindow)
	b.add(row{id: "8", measure: "fire latency p99, tracing on ÷ off", setup: setup, value: r.format("%.2f"),
		reference: "p99 off " + summarize(p99[false]).format("%.2f") + " ms, on " + summarize(p99[true]).format("%.2f") + " ms",
		target:    "≤ 1.10", verdict: verdict(r.med <= 1.10)})

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

// openTracing is an instance's observer writing into url.
func openTracing(ctx context.Context, url string, log *slog.Logger) (starter.Observer, func(), error) {
	store, err := tracing.Open(ctx, tracing.DataSource{URL: url})
	if err != nil {
		return nil, nil, err
	}
	obs, err := tracing.NewObserver(store, tracing.Options{Logger: log})
	if err != nil {
		_ = store.Close()
		return nil, nil, err
	}
	return obs, func() {
		ctx, cancel := context.WithTimeout(context.Background(), tracing.FlushTimeout)
		defer cancel()
		_ = obs.Close(ctx)
		_ = store.Close()
	}, nil
}

// latencyWindow measures one window of the given length: the p99 fire latency (ms) and the fires.
func (b *bench) latencyWindow(c *child, window time.Duration) (float64, int, error) {
	sleepUntilPhase(time.Second, 500*time.Millisecond)
	if _, err := c.latencies(); err != nil { // drop what came before the window
		return 0, 0, err
	}
	time.Sleep(window)
	l, err := c.latencies()
	if err != nil {
		return 0, 0, err
	}
	if len(l) == 0 {
		return 0, 0, fmt.Errorf("%s: nothing started in %v", c.name, window)
	}
	slices.Sort(l)
	return ms(percentile(l, 99)), len(l) / 2, nil
}

// switched passes events on while on is set.
type switched struct {
	o  starter.Observer
	on *atomic.Bool
}

func (s switched) Observe(e starter.Event) {
	if s.on.Load() {
		s.o.Observe(e)
	}
}
