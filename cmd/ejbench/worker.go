package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// A child process (an instance, or a plain local scheduler for row 6) talks to the
// orchestrator through lines: it prints "ready <registration ns> <instance id>" once its jobs
// are registered, then answers commands read from stdin:
//
//	stats     -> "stats <cpu ns> <rss bytes> <goroutines> <threads> <item executions>"
//	lat       -> "lat <µs> <µs> ..." fire latencies (FireTime -> Execute start) since the last lat
//	latfire   -> "latfire <fire's unix second>:<µs> ...", the same with each one's fire
//	gc        -> "gc <cycles> <pause end, unix ns> ...": the GC cycles since the last gc
//	schedule  -> "scheduled" after starting the cron of every job (with -hold)
//	tracing M -> "tracing M": trace the runs from now on into M: off, postgres or discard (-tracing)
//	quit, EOF -> graceful shutdown, "bye"
//
// With -events it also prints "start <job> <item> <unix ns>" as each item starts.

// jobsFlags are the job set a child holds.
type jobsFlags struct {
	n      int
	prefix string
	cron   string
	items  int
}

func (f *jobsFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.n, "jobs", 1, "number of jobs")
	fs.StringVar(&f.prefix, "prefix", "job", "job names are prefix0, prefix1, ...")
	fs.StringVar(&f.cron, "cron", "0 0 3 * * ?", "Quartz cron of every job")
	fs.IntVar(&f.items, "items", 2, "shardingTotalCount")
}

// out serialises the child's lines.
type out struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *out) printf(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.w, format+"\n", args...)
}

// counters is what the stats and lat commands report.
type counters struct {
	tracing *atomic.Int32 // a traceMode, set with -tracing: the "tracing off|postgres|discard" command turns it
	execs   atomic.Int64
	mu      sync.Mutex
	lat     []time.Duration
	fires   []int64 // the unix second of each latency's fire
	numGC   uint32  // GC cycles reported by the gc command so far
}

func (c *counters) stats() string {
	cpu, _ := cpuTime(0)
	rss, _ := rssBytes(0)
	threads, _ := procStatus(0, "Threads")
	return fmt.Sprintf("stats %d %d %d %d %d", cpu, rss, runtime.NumGoroutine(), threads, c.execs.Load())
}

// drainLatencies answers lat ("lat µs …") or, withFires, latfire ("latfire sec:µs …").
func (c *counters) drainLatencies(withFires bool) string {
	c.mu.Lock()
	l, fires := c.lat, c.fires
	c.lat, c.fires = nil, nil
	c.mu.Unlock()
	var b strings.Builder
	b.WriteString("lat")
	if withFires {
		b.WriteString("fire")
	}
	for i, d := range l {
		b.WriteString(" ")
		if withFires {
			b.WriteString(strconv.FormatInt(fires[i], 10))
			b.WriteString(":")
		}
		b.WriteString(strconv.FormatInt(d.Microseconds(), 10))
	}
	return b.String()
}

// gcSince answers gc: "gc <cycles> <end of each cycle's pause, unix ns> …" for the GC cycles
// since the last gc command (at most the 256 the runtime keeps).
func (c *counters) gcSince() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var b strings.Builder
	n := m.NumGC - c.numGC
	fmt.Fprintf(&b, "gc %d", n)
	for k := uint32(0); k < min(n, 256); k++ {
		fmt.Fprintf(&b, " %d", m.PauseEnd[(m.NumGC-k+255)%256])
	}
	c.numGC = m.NumGC
	return b.String()
}

// serve answers the orchestrator's commands until quit or EOF; schedule may be nil.
func serve(o *out, c *counters, schedule func()) {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch cmd := strings.TrimSpace(sc.Text()); cmd {
		case "stats":
			o.printf("%s", c.stats())
		case "lat", "latfire":
			o.printf("%s", c.drainLatencies(cmd == "latfire"))
		case "gc":
			o.printf("%s", c.gcSince())
		case "schedule":
			if schedule != nil {
				schedule()
			}
			o.printf("scheduled")
		case "tracing off", "tracing postgres", "tracing discard":
			if c.tracing == nil {
				o.printf("error no -tracing")
				continue
			}
			c.tracing.Store(int32(slices.Index(traceModes, strings.TrimPrefix(cmd, "tracing "))))
			o.printf("%s", cmd)
		case "quit":
			return
		default:
			o.printf("error unknown command %q", cmd)
		}
	}
}

// startProfile starts a CPU profile into path; the returned func ends it.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeProfile writes the named runtime profile to path; errors go to stderr, at exit.
func writeProfile(name, path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup(name).WriteTo(f, 0)
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s profile %s: %v\n", name, path, err)
	}
}

// runInstance is the "instance" role: one RegistryCenter (one ZooKeeper session) holding
// -jobs jobs through the public starter API.
func runInstance(args []string) error {
	fs := flag.NewFlagSet("instance", flag.ContinueOnError)
	var jf jobsFlags
	jf.register(fs)
	zk := fs.String("zk", "", "ZooKeeper connect string")
	ns := fs.String("ns", "bench", "registry namespace")
	ip := fs.String("ip", "127.0.0.1", "server IP of this instance")
	monitor := fs.Bool("monitor", true, "monitorExecution")
	failover := fs.Bool("failover", false, "failover")
	session := fs.Duration("session", 10*time.Second, "session timeout")
	block := fs.Bool("block", false, "items run until cancelled (the failover victim)")
	events := fs.Bool("events", false, "print a start line per item")
	lat := fs.Bool("lat", false, "record fire latencies")
	hold := fs.Bool("hold", false, "register but fire only after the schedule command")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	parallel := fs.Int("parallel", 32, "register the jobs from this many goroutines (32, as autoconfig does)")
	blockProfile := fs.String("blockprofile", "", "write a blocking profile (channel and lock waits) to this file at exit")
	tracingURL := fs.String("tracing", "", "trace the runs into this database (a JDBC URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		stop, err := startProfile(*profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if *blockProfile != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
		defer writeProfile("block", *blockProfile)
	}
	o := &out{w: os.Stdout}
	c := &counters{}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	opts := []starter.RegistryOption{starter.WithIP(*ip), starter.WithLogger(logger)}
	if *tracingURL != "" {
		c.tracing = &atomic.Int32{}
		obs, closeTracing, err := openTracing(ctx, *tracingURL, c.tracing, logger)
		if err != nil {
			return err
		}
		defer closeTracing()
		opts = append(opts, starter.WithObserver(obs))
	}
	rc, err := starter.NewRegistryCenter(ctx, starter.RegistryCenterConfig{
		ServerLists: *zk, Namespace: *ns, SessionTimeout: *session,
	}, opts...)
	if err != nil {
		return err
	}
	job := starter.SimpleJobFunc(func(ctx context.Context, sc starter.ShardingContext) error {
		now := time.Now()
		c.execs.Add(1)
		if *lat {
			c.mu.Lock()
			c.lat = append(c.lat, now.Sub(sc.FireTime))
			c.fires = append(c.fires, sc.FireTime.Unix())
			c.mu.Unlock()
		}
		if *events {
			o.printf("start %s %d %d", sc.JobName, sc.ShardingItem, now.UnixNano())
		}
		if *block {
			<-ctx.Done()
		}
		return nil
	})
	start := time.Now()
	jobs, err := registerAll(rc, job, jf, *monitor, *failover, max(1, *parallel))
	if err != nil {
		_ = rc.Close(ctx)
		return err
	}
	took := time.Since(start)
	schedule := func() {
		for _, b := range jobs {
			b.Schedule()
		}
	}
	if !*hold {
		schedule()
		schedule = nil
	}
	o.printf("ready %d %s", took.Nanoseconds(), rc.InstanceID())
	serve(o, c, schedule)
	stop, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = rc.Close(stop)
	o.printf("bye")
	return err
}

// registerAll registers job0 … job{n-1} as a service would: one NewScheduleJobBootstrap per
// job, from parallel goroutines (1: a plain loop).
func registerAll(rc *starter.RegistryCenter, job starter.SimpleJob, jf jobsFlags, monitor, failover bool, parallel int) ([]*starter.ScheduleJobBootstrap, error) {
	jobs := make([]*starter.ScheduleJobBootstrap, jf.n)
	errs := make([]error, parallel)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for w := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < jf.n; k = int(next.Add(1) - 1) {
				cfg := starter.NewJobConfiguration(fmt.Sprintf("%s%d", jf.prefix, k), jf.items)
				cfg.Cron = jf.cron
				cfg.MonitorExecution = monitor
				cfg.Failover = failover
				b, err := starter.NewScheduleJobBootstrap(rc, job, cfg)
				if err != nil {
					errs[w] = err
					return
				}
				jobs[k] = b
			}
		}()
	}
	wg.Wait()
	return jobs, errors.Join(errs...)
}
