package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
)

// rollConfig is one run of row 10: processes fx services share the same jobs; each in turn is
// SIGTERMed and started again at once, as a rolling deploy does, restarts times.
type rollConfig struct {
	processes, jobs, items, restarts int
	period                           time.Duration // the cron's: every period (a divisor of a minute)
	failover                         bool
	steadyPeriods                    int // the window of the steady rate, before the first restart
	maxStormPeriods                  int // a storm not over by then is reported as such
}

func (rc rollConfig) cron() string { return fmt.Sprintf("0/%d * * * * ?", int(rc.period/time.Second)) }

// share is the items of each job an instance runs when the cluster is settled.
func (rc rollConfig) share() int { return max(1, rc.items/rc.processes) }

// rollFigures are what one run measured.
type rollFigures struct {
	steady    rates     // ZooKeeper's traffic while nothing restarts
	steadyCPU []float64 // % of one core, per process
	steadyRSS []int64
	restarts  []restartFigures
}

// restartFigures are one restart's. Its storm runs from the SIGTERM until the restarted process
// has run its share of every job at a fire and a whole period's traffic is back at the steady
// rate (or maxStormPeriods have passed).
type restartFigures struct {
	name, successor string // the process stopped, the one started in its place
	sigterm         time.Time
	exited          time.Duration // SIGTERM until the process had exited
	registered      time.Duration // its successor's start until /readyz answered 200 (0: not within the storm)
	storm           time.Duration
	traffic         traffic // received by the server during the storm
	requestsPerJob  float64 // the storm's less the steady rate's, per job; reads and writes likewise
	readsPerJob     float64
	writesPerJob    float64
	settled, quiet  bool
	settle          time.Duration // SIGTERM until that fire
	settleFires     int           // which fire after the SIGTERM it was (1: the first)
	survivorCPU     []float64     // % of one core over the storm, per survivor
	survivorPeakRSS []int64
	lost, doubled   int // over the fires from this SIGTERM to the next one (the last: to the storm's end)
}

// rates is ZooKeeper's traffic per second.
type rates struct{ packets, reads, writes float64 }

func perSecond(t traffic, d time.Duration) rates {
	return rates{float64(t.packets) / d.Seconds(), float64(t.reads) / d.Seconds(), float64(t.writes) / d.Seconds()}
}

// rollProc is one service process.
type rollProc struct {
	name, ledger string
	c            *child
	started      time.Time
	registered   chan time.Duration // once /readyz answers 200
}

// rollRun is the state of one run.
type rollRun struct {
	b     *bench
	cfg   rollConfig
	ns    string
	dir   string
	procs []*rollProc // by slot
	gens  []int
	tails []*ledger.Tail
	tally *tally
}

const rollPrefix = "job"

// rollingRestart runs row 10 for every failover setting of -rollfailover.
func (b *bench) rollingRestart() error {
	for _, failover := range b.rollFailover {
		cfg := rollConfig{processes: 3, jobs: b.rollJobs, items: 3, restarts: b.rollRestarts, period: 10 * time.Second,
			failover: failover, steadyPeriods: 2, maxStormPeriods: 30}
		f, err := b.rollOnce(cfg)
		if err != nil {
			return fmt.Errorf("failover %s: %w", onOff(failover), err)
		}
		b.addRollRows(cfg, f)
	}
	return nil
}

func (b *bench) rollOnce(cfg rollConfig) (f rollFigures, err error) {
	dir := filepath.Join(b.work, b.namespace("rolling"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return f, err
	}
	r := &rollRun{b: b, cfg: cfg, ns: filepath.Base(dir), dir: dir, procs: make([]*rollProc, cfg.processes),
		gens: make([]int, cfg.processes), tally: newTally(rollPrefix, cfg.jobs, cfg.items)}
	defer r.stopAll()
	for s := range cfg.processes {
		if err := r.start(s); err != nil {
			return f, err
		}
	}
	for _, p := range r.procs {
		if _, err := r.waitRegistered(p, 30*time.Minute); err != nil {
			return f, err
		}
	}
	if err := r.waitSettled(time.Now(), 10*cfg.period); err != nil {
		return f, err
	}
	if f.steady, f.steadyCPU, f.steadyRSS, err = r.steady(); err != nil {
		return f, err
	}
	for k := range cfg.restarts {
		rf, err := r.restart(k%cfg.processes, f.steady)
		if err != nil {
			return f, err
		}
		progress("  restart %d of %s: %d requests (%.1f per job: %.1f reads, %.1f writes) in %.0f s; settled %t at fire %d (%.1f s); quiet %t; exit %.1f s, registration %.1f s; survivors' CPU %v %%, peak RSS %v MB",
			k+1, rf.name, rf.traffic.packets, rf.requestsPerJob, rf.readsPerJob, rf.writesPerJob, rf.storm.Seconds(), rf.settled, rf.settleFires, rf.settle.Seconds(), rf.quiet,
			rf.exited.Seconds(), rf.registered.Seconds(), rounded(rf.survivorCPU), mbs(rf.survivorPeakRSS))
		f.restarts = append(f.restarts, rf)
	}
	end := f.restarts[len(f.restarts)-1].sigterm.Add(f.restarts[len(f.restarts)-1].storm)
	r.stopAll() // the ledgers are complete once the processes are gone
	if err := r.poll(); err != nil {
		return f, err
	}
	for k := range f.restarts {
		upto := end.Add(-cfg.period / 2) // the last fire had half a period to run
		if k+1 < len(f.restarts) {
			upto = f.restarts[k+1].sigterm
		}
		f.restarts[k].lost, f.restarts[k].doubled = r.tally.pairs(f.restarts[k].sigterm, upto, cfg.period)
	}
	return f, nil
}

// start launches the next generation of slot s.
func (r *rollRun) start(s int) error {
	name := fmt.Sprintf("p%d.%d", s+1, r.gens[s])
	r.gens[s]++
	p := &rollProc{name: name, ledger: filepath.Join(r.dir, name+".ledger"), registered: make(chan time.Duration, 1), started: time.Now()}
	c, err := spawn(name, "fxservice", r.b.log, 5*time.Minute, "-zk", r.b.srv.addr, "-ns", r.ns,
		"-jobs", fmt.Sprint(r.cfg.jobs), "-prefix", rollPrefix, "-items", fmt.Sprint(r.cfg.items), "-cron", r.cfg.cron(),
		"-failover="+fmt.Sprint(r.cfg.failover), "-ledger", p.ledger, "-instance", name)
	if err != nil {
		return err
	}
	p.c = c
	if c.id != "started" {
		line, _ := c.reply("failure", 10*time.Second)
		c.kill()
		return fmt.Errorf("%s did not start: %s", name, line)
	}
	go func() { // ends with the process
		line, err := c.reply("readyz", 24*time.Hour)
		var ns int64
		if err == nil {
			if _, err := fmt.Sscanf(line, "readyz %d", &ns); err == nil {
				p.registered <- time.Duration(ns)
			}
		}
		close(p.registered)
	}()
	r.procs[s] = p
	r.tails = append(r.tails, &ledger.Tail{Path: p.ledger})
	return nil
}

func (r *rollRun) waitRegistered(p *rollProc, timeout time.Duration) (time.Duration, error) {
	select {
	case d, ok := <-p.registered:
		if !ok {
			return 0, fmt.Errorf("%s exited before /readyz answered 200 (see the log)", p.name)
		}
		return d, nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("%s: /readyz not 200 within %v", p.name, timeout)
	}
}

// poll counts what the ledgers gained.
func (r *rollRun) poll() error {
	for _, t := range r.tails {
		entries, err := t.Next()
		if err != nil {
			return err
		}
		if err := r.tally.add(entries); err != nil {
			return err
		}
	}
	return nil
}

// waitSettled waits for a fire after from at which every process ran its share of every job.
func (r *rollRun) waitSettled(from time.Time, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		time.Sleep(r.cfg.period / 4)
		if err := r.poll(); err != nil {
			return err
		}
		for _, fire := range firesIn(from, time.Now().Add(-r.cfg.period/2), r.cfg.period) {
			all := true
			for _, p := range r.procs {
				all = all && r.tally.ranShare(fire, p.name, r.cfg.share())
			}
			if all {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no fire within %v at which each process ran %d item(s) of every job", timeout, r.cfg.share())
		}
	}
}

// steady measures the rate of requests and the processes' CPU and RSS over windows of whole
// periods, starting between fires; the first fires after the start leave a tail of cache
// traffic, so windows are measured until one receives what the one before did (within 10 %).
func (r *rollRun) steady() (rate rates, cpu []float64, rss []int64, err error) {
	sleepUntilPhase(r.cfg.period, r.cfg.period/2)
	var last traffic
	for w := 0; ; w++ {
		c0, err := r.cpus(r.procs)
		if err != nil {
			return rate, nil, nil, err
		}
		t0 := time.Now()
		t0traffic, err := r.b.srv.traffic()
		if err != nil {
			return rate, nil, nil, err
		}
		time.Sleep(time.Until(t0.Add(time.Duration(r.cfg.steadyPeriods) * r.cfg.period)))
		t1traffic, err := r.b.srv.traffic()
		if err != nil {
			return rate, nil, nil, err
		}
		el := time.Since(t0)
		c1, err := r.cpus(r.procs)
		if err != nil {
			return rate, nil, nil, err
		}
		t := t1traffic.minus(t0traffic)
		same := w > 0 && math.Abs(float64(t.packets-last.packets)) <= 0.1*float64(last.packets)+50
		last = t
		if !same && w < 10 { // ten windows at most: a rate that never settles is taken as it is
			continue
		}
		cpu = percentsOfCore(c0, c1, el)
		for _, p := range r.procs {
			v, err := rssBytes(p.c.cmd.Process.Pid)
			if err != nil {
				return rate, nil, nil, err
			}
			rss = append(rss, v)
		}
		return perSecond(t, el), cpu, rss, nil
	}
}

func (r *rollRun) cpus(ps []*rollProc) ([]time.Duration, error) {
	out := make([]time.Duration, len(ps))
	for k, p := range ps {
		var err error
		if out[k], err = cpuTime(p.c.cmd.Process.Pid); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return out, nil
}

// percentsOfCore is each process's CPU over d, as % of one core, from its CPU times at the
// start (c0) and the end (c1).
func percentsOfCore(c0, c1 []time.Duration, d time.Duration) []float64 {
	out := make([]float64, len(c0))
	for k := range c0 {
		out[k] = 100 * float64(c1[k]-c0[k]) / float64(d)
	}
	return out
}

// quietSlack is what a period's traffic may exceed the steady rate's by and be back at it.
const quietSlack = 1.25

// restart SIGTERMs slot s's process between two fires, starts its successor at once, and
// follows the storm period by period until it is over.
func (r *rollRun) restart(s int, steady rates) (restartFigures, error) {
	cfg := r.cfg
	var survivors []*rollProc
	for k, p := range r.procs {
		if k != s {
			survivors = append(survivors, p)
		}
	}
	leaver := r.procs[s]
	rf := restartFigures{name: leaver.name}
	sleepUntilPhase(cfg.period, cfg.period/2)
	for _, p := range survivors {
		if err := resetPeakRSS(p.c.cmd.Process.Pid); err != nil {
			return rf, err
		}
	}
	c0, err := r.cpus(survivors)
	if err != nil {
		return rf, err
	}
	t0, err := r.b.srv.traffic()
	if err != nil {
		return rf, err
	}
	rf.sigterm = time.Now()
	if err := leaver.c.terminate(2 * time.Minute); err != nil {
		return rf, err
	}
	rf.exited = time.Since(rf.sigterm)
	r.procs[s] = nil
	if err := r.start(s); err != nil {
		return rf, err
	}
	joiner := r.procs[s]
	rf.successor = joiner.name
	prev, now := t0, t0
	for m := 1; ; m++ {
		time.Sleep(time.Until(rf.sigterm.Add(time.Duration(m) * cfg.period)))
		if err := r.poll(); err != nil {
			return rf, err
		}
		if now, err = r.b.srv.traffic(); err != nil {
			return rf, err
		}
		if !rf.settled {
			for k, fire := range firesIn(rf.sigterm, time.Now().Add(-cfg.period/2), cfg.period) {
				if r.tally.ranShare(fire, joiner.name, cfg.share()) {
					rf.settled, rf.settle, rf.settleFires = true, fire.Sub(rf.sigterm), k+1
					break
				}
			}
		}
		rf.quiet = float64(now.packets-prev.packets) <= quietSlack*steady.packets*cfg.period.Seconds()+50
		prev = now
		if (rf.settled && rf.quiet) || m >= cfg.maxStormPeriods {
			break
		}
	}
	rf.storm = time.Since(rf.sigterm)
	c1, err := r.cpus(survivors)
	if err != nil {
		return rf, err
	}
	rf.survivorCPU = percentsOfCore(c0, c1, rf.storm)
	for _, p := range survivors {
		peak, err := peakRSS(p.c.cmd.Process.Pid)
		if err != nil {
			return rf, err
		}
		rf.survivorPeakRSS = append(rf.survivorPeakRSS, peak)
	}
	rf.traffic = now.minus(t0)
	beyond := func(n int64, rate float64) float64 {
		return max(0, float64(n)-rate*rf.storm.Seconds()) / float64(cfg.jobs)
	}
	rf.requestsPerJob = beyond(rf.traffic.packets, steady.packets)
	rf.readsPerJob, rf.writesPerJob = beyond(rf.traffic.reads, steady.reads), beyond(rf.traffic.writes, steady.writes)
	select {
	case d := <-joiner.registered:
		rf.registered = d
	default:
	}
	return rf, nil
}

// stopAll SIGTERMs every process left, all at once.
func (r *rollRun) stopAll() {
	done := make(chan struct{}, len(r.procs))
	n := 0
	for k, p := range r.procs {
		if p == nil || p.c == nil {
			continue
		}
		r.procs[k] = nil
		n++
		go func() {
			if err := p.c.terminate(2 * time.Minute); err != nil {
				fmt.Fprintf(os.Stderr, "ejbench: %v\n", err)
			}
			done <- struct{}{}
		}()
	}
	for range n {
		<-done
	}
}

// addRollRows reports one run.
func (b *bench) addRollRows(cfg rollConfig, f rollFigures) {
	setup := fmt.Sprintf("%d fx services (autoconfig) × %d jobs × %d items, cron %s, monitorExecution on, failover %s; each SIGTERMed in turn between fires and started again at once, %d restart(s), 1 run",
		cfg.processes, cfg.jobs, cfg.items, cfg.cron(), onOff(cfg.failover), cfg.restarts)
	var reqs, reads, writes, settle, fires, cpu, rss []float64
	var lostDoubled []string
	allSettled, storms := true, []float64{}
	lost, doubled := 0, 0
	for _, rf := range f.restarts {
		reqs, reads, writes = append(reqs, rf.requestsPerJob), append(reads, rf.readsPerJob), append(writes, rf.writesPerJob)
		storms = append(storms, rf.storm.Seconds())
		if rf.settled {
			settle, fires = append(settle, rf.settle.Seconds()), append(fires, float64(rf.settleFires))
		}
		allSettled = allSettled && rf.settled
		for k := range rf.survivorCPU {
			cpu, rss = append(cpu, rf.survivorCPU[k]), append(rss, mb(rf.survivorPeakRSS[k]))
		}
		lost, doubled = lost+rf.lost, doubled+rf.doubled
		lostDoubled = append(lostDoubled, fmt.Sprintf("%d/%d", rf.lost, rf.doubled))
	}
	var steadyCPU, steadyRSS []float64
	for k := range f.steadyCPU {
		steadyCPU, steadyRSS = append(steadyCPU, f.steadyCPU[k]), append(steadyRSS, mb(f.steadyRSS[k]))
	}
	rq := summarize(reqs)
	b.add(row{id: "10", measure: "ZooKeeper requests per job per restart", setup: setup,
		value: fmt.Sprintf("%s (reads %s, writes %s; storms of %s s; steady %.0f requests/s)", rq.format("%.1f"), summarize(reads).format("%.1f"),
			summarize(writes).format("%.1f"), summarize(storms).format("%.0f"), f.steady.packets),
		reference: "by hand (3 × 2,000 jobs, failover off): ≈ 200", target: "≤ 12", verdict: verdict(rq.n > 0 && rq.max <= 12)})
	notSettled := ""
	if !allSettled {
		notSettled = fmt.Sprintf("; %d of %d restarts never within %d periods", len(f.restarts)-len(settle), len(f.restarts), cfg.maxStormPeriods)
	}
	fs := summarize(fires)
	b.add(row{id: "10", measure: "SIGTERM → first fire at which the restarted process runs its share of every job, s (fires)", setup: setup,
		value:     fmt.Sprintf("%s s (%s fires)%s", summarize(settle).format("%.1f"), fs.format("%.0f"), notSettled),
		reference: "by hand: 18–22 s", target: "≤ the 2nd fire after the SIGTERM", verdict: verdict(allSettled && fs.n > 0 && fs.max <= 2)})
	b.add(row{id: "10", measure: "lost / doubled (fire, item) pairs", setup: setup,
		value:     fmt.Sprintf("%d / %d (per restart: %s)", lost, doubled, strings.Join(lostDoubled, ", ")),
		reference: "by hand: both seen", target: "0 / 0", verdict: verdict(lost == 0 && doubled == 0)})
	b.add(row{id: "10", measure: "survivors' CPU during the storm (% of one core)", setup: setup,
		value:     fmt.Sprintf("%s (steady %s)", summarize(cpu).format("%.1f"), summarize(steadyCPU).format("%.1f")),
		reference: "—", target: "—", verdict: "—"})
	b.add(row{id: "10", measure: "survivors' peak RSS during the storm (MB)", setup: setup,
		value:     fmt.Sprintf("%s (steady %s)", summarize(rss).format("%.0f"), summarize(steadyRSS).format("%.0f")),
		reference: "—", target: "—", verdict: "—"})
}

func rounded(v []float64) []string {
	out := make([]string, len(v))
	for k, x := range v {
		out[k] = fmt.Sprintf("%.1f", x)
	}
	return out
}

func mbs(v []int64) []string {
	out := make([]string, len(v))
	for k, x := range v {
		out[k] = fmt.Sprintf("%.0f", mb(x))
	}
	return out
}

// terminate is a deploy's stop: SIGTERM, then the exit (kill -9 after timeout).
func (c *child) terminate(timeout time.Duration) error {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("%s: SIGTERM: %w", c.name, err)
	}
	select {
	case <-c.done:
		_ = c.cmd.Wait()
		return nil
	case <-time.After(timeout):
		c.kill()
		return fmt.Errorf("%s did not exit within %v of SIGTERM: killed", c.name, timeout)
	}
}
