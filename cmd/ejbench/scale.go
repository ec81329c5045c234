package main

import (
	"fmt"
	"strings"
	"time"
)

const (
	holdSettle = 5 * time.Second  // after registration, before the counts
	holdWindow = 20 * time.Second // one idle CPU window; three make the 60 s
	holdCron   = "0 0 3 * * ?"
	fireCron   = "0/10 * * * * ?"
)

// scaled is row 5 for one number of jobs.
type scaled struct {
	n                      int
	reg                    time.Duration
	regReads, regWrites    float64 // requests per job registered
	rss, gor, thr, cpu     summary
	watches, znodes        int64
	cpuPerFire, reqPerSec  summary
	firstFires             time.Duration // the cron change until the registry traffic of the first fires is over
	firstFireReqs          int64         // the requests the server received meanwhile
	floorRSS, floorCPU     map[string]summary
	floorGor, floorRSSRate map[string]summary
}

// Rows 5 and 6: N jobs of 2 items in one process. Holding: a daily cron, idle; then firing: the
// same jobs with their cron changed to every 10 s through /{job}/config, as ElasticJob's console
// does. For the largest N, plain robfig/cron and gocron v2 hold the same jobs in the same windows.
// Registration is timed once per N (10,000 registrations take minutes).
func (b *bench) scale() error {
	var all []scaled
	for k, n := range b.scales {
		s, err := b.scaleOnce(n, k == len(b.scales)-1 && b.only["6"])
		if err != nil {
			return err
		}
		setup := fmt.Sprintf("%d jobs × 2 items, cron %s (idle), 1 process", n, holdCron)
		big := n >= 10000
		b.add(row{id: "5", measure: "time to register (s, 1 run)", setup: setup,
			value:     fmt.Sprintf("%.1f (%.1f ms per job; %.1f reads + %.1f writes per job)", s.reg.Seconds(), ms(s.reg)/float64(n), s.regReads, s.regWrites),
			reference: fmt.Sprintf("ElasticJob 3.0.4: ≈ 190 ms per job (%.0f s)", 0.19*float64(n)),
			target:    target(big, "< 60 s"), verdict: verdictIf(big, s.reg < time.Minute)})
		b.add(row{id: "5", measure: "RSS (MB)", setup: setup, value: s.rss.format("%.0f"),
			reference: "ElasticJob 3.0.4: 0.9–1.1 GB for 200 jobs", target: target(big, "< 512 MB"), verdict: verdictIf(big, s.rss.med < 512)})
		b.add(row{id: "5", measure: "goroutines (OS threads)", setup: setup,
			value:     fmt.Sprintf("%s (%s)", s.gor.format("%.0f"), s.thr.format("%.0f")),
			reference: fmt.Sprintf("ElasticJob 3.0.4: 4 threads per job + 25 (%d)", 4*n+25),
			target:    target(big, "independent of the number of jobs"), verdict: goroutineVerdict(big, all, s.gor)})
		b.add(row{id: "5", measure: "ZooKeeper watches / znodes (mntr delta)", setup: setup,
			value: fmt.Sprintf("%d / %d", s.watches, s.znodes), reference: "—", target: "—", verdict: "—"})
		b.add(row{id: "5", measure: "idle CPU (% of one core)", setup: setup + fmt.Sprintf(", %d windows of %v", b.reps, holdWindow),
			value: s.cpu.format("%.2f"), reference: "—", target: target(big, "< 5 %"), verdict: verdictIf(big, s.cpu.med < 5)})
		fsetup := fmt.Sprintf("the same %d jobs, cron %s (%d fires/s)", n, fireCron, n/10)
		b.add(row{id: "5", measure: "CPU per fire (µs)", setup: fsetup, value: s.cpuPerFire.format("%.0f"),
			reference: "—", target: "—", verdict: "—"})
		b.add(row{id: "5", measure: "ZooKeeper requests per second", setup: fsetup + ", after the first fires", value: s.reqPerSec.format("%.0f"),
			reference: "ElasticJob 3.0.4: ≈ 22 per job, process and fire", target: "—", verdict: "—"})
		b.add(row{id: "5", measure: "first fires: time and requests (1 run)", setup: fmt.Sprintf("%d jobs: after their cron change, until every job's first fire has sharded it and the registry traffic is below %d requests/s", n, quietRate),
			value:     fmt.Sprintf("%.0f s, %d requests (%.1f per job)", s.firstFires.Seconds(), s.firstFireReqs, float64(s.firstFireReqs)/float64(n)),
			reference: "ElasticJob 3.0.4 shards lazily at the first fire too", target: "—", verdict: "—"})
		if s.floorRSS != nil {
			b.floorRows(s)
		}
		all = append(all, s)
	}
	if len(all) >= 2 {
		lo, hi := all[0], all[len(all)-1]
		g := func(name string, a, b float64) string {
			if a == 0 { // idle CPU rounds to 0 at both sizes: give the values instead
				return fmt.Sprintf("%s %.2f → %.2f", name, a, b)
			}
			return fmt.Sprintf("%s ×%.2f", name, b/a)
		}
		parts := []string{
			g("register", lo.reg.Seconds(), hi.reg.Seconds()), g("RSS", lo.rss.med, hi.rss.med), g("goroutines", lo.gor.med, hi.gor.med),
			g("watches", float64(lo.watches), float64(hi.watches)), g("znodes", float64(lo.znodes), float64(hi.znodes)),
			g("idle CPU", lo.cpu.med, hi.cpu.med), g("CPU per fire", lo.cpuPerFire.med, hi.cpuPerFire.med),
			g("requests/s", lo.reqPerSec.med, hi.reqPerSec.med),
		}
		b.add(row{id: "5", measure: fmt.Sprintf("growth %d → %d jobs (×%d)", lo.n, hi.n, hi.n/lo.n),
			setup: "ratios of the medians above", value: strings.Join(parts, "; "), reference: "—", target: "—", verdict: "—"})
	}
	return nil
}

func target(applies bool, t string) string {
	if applies {
		return t
	}
	return "—"
}

func verdictIf(applies, holds bool) string {
	if !applies {
		return "—"
	}
	return verdict(holds)
}

// goroutineVerdict: at the largest N, the goroutine count stays within 10 of the smallest N's.
func goroutineVerdict(big bool, smaller []scaled, g summary) string {
	if !big || len(smaller) == 0 {
		return "—"
	}
	d := g.med - smaller[0].gor.med
	return verdict(d <= 10 && d >= -10)
}

func (b *bench) scaleOnce(n int, floors bool) (scaled, error) {
	s := scaled{n: n}
	ns := b.namespace(fmt.Sprintf("scale%d", n))
	z0, err := b.srv.counter("zk_znode_count")
	if err != nil {
		return s, err
	}
	w0, err := b.srv.counter("zk_watch_count")
	if err != nil {
		return s, err
	}
	t0, err := b.srv.traffic()
	if err != nil {
		return s, err
	}
	c, err := b.instance(fmt.Sprintf("%d jobs", n), 15*time.Minute, "-ns", ns, "-jobs", fmt.Sprint(n), "-items", "2", "-cron", holdCron)
	if err != nil {
		return s, err
	}
	if floors || n == b.scales[len(b.scales)-1] {
		defer c.kill() // the last run: the session's expiry cleans up, no need to wait for its deletes
	} else {
		defer c.quit()
	}
	t1, err := b.srv.traffic()
	if err != nil {
		return s, err
	}
	s.reg = c.registerTime
	reg := t1.minus(t0)
	s.regReads, s.regWrites = float64(reg.reads)/float64(n), float64(reg.writes)/float64(n)
	procs := []*child{c}
	if floors {
		for _, role := range []string{"robfig", "gocron"} {
			f, err := spawn(role, role, b.log, 5*time.Minute, "-jobs", fmt.Sprint(n), "-cron", holdCron)
			if err != nil {
				return s, err
			}
			defer f.kill()
			procs = append(procs, f)
		}
	}
	time.Sleep(holdSettle)
	z1, err := b.srv.counter("zk_znode_count")
	if err != nil {
		return s, err
	}
	w1, err := b.srv.counter("zk_watch_count")
	if err != nil {
		return s, err
	}
	s.znodes, s.watches = z1-z0, w1-w0
	// Holding: reps idle windows, every process measured in the same window.
	series := make([]map[string][]float64, len(procs))
	for k := range series {
		series[k] = map[string][]float64{}
	}
	for range b.reps {
		s0, err := statsOf(procs)
		if err != nil {
			return s, err
		}
		time.Sleep(holdWindow)
		s1, err := statsOf(procs)
		if err != nil {
			return s, err
		}
		for k := range procs {
			series[k]["cpu"] = append(series[k]["cpu"], cpuPercent(s0[k], s1[k]))
			series[k]["rss"] = append(series[k]["rss"], mb(s1[k].rss))
			series[k]["gor"] = append(series[k]["gor"], float64(s1[k].goroutines))
			series[k]["thr"] = append(series[k]["thr"], float64(s1[k].threads))
			series[k]["rssRatio"] = append(series[k]["rssRatio"], float64(s1[0].rss)/float64(s1[k].rss))
		}
	}
	s.cpu, s.rss, s.gor, s.thr = summarize(series[0]["cpu"]), summarize(series[0]["rss"]), summarize(series[0]["gor"]), summarize(series[0]["thr"])
	if floors {
		s.floorRSS, s.floorCPU, s.floorGor, s.floorRSSRate = map[string]summary{}, map[string]summary{}, map[string]summary{}, map[string]summary{}
		for k, p := range procs[1:] {
			m := series[k+1]
			s.floorRSS[p.name], s.floorCPU[p.name] = summarize(m["rss"]), summarize(m["cpu"])
			s.floorGor[p.name], s.floorRSSRate[p.name] = summarize(m["gor"]), summarize(m["rssRatio"])
		}
	}
	// Firing.
	if err := b.setCron(ns, n, fireCron); err != nil {
		return s, err
	}
	// The first fire of every job shards it (lazily, as in ElasticJob): a storm of registry
	// requests (the resharding writes and the caches re-reading what they changed) that is not
	// the steady cost of firing. Wait until every job has fired once and the storm is over; it
	// is reported on its own.
	changed := time.Now()
	before, err := b.srv.packets()
	if err != nil {
		return s, err
	}
	if err := waitFired(c, n, 3*time.Minute); err != nil {
		return s, err
	}
	if err := waitQuiet(b.srv, 3*time.Minute); err != nil {
		return s, err
	}
	s.firstFires = time.Since(changed)
	if after, err := b.srv.packets(); err == nil {
		s.firstFireReqs = after - before
	}
	sleepUntilPhase(10*time.Second, 5*time.Second)
	var perFire, reqs []float64
	for range b.reps {
		s0, err := c.stats()
		if err != nil {
			return s, err
		}
		p0, err := b.srv.packets()
		if err != nil {
			return s, err
		}
		sleepUntilPhase(10*time.Second, 5*time.Second)
		p1, err := b.srv.packets()
		if err != nil {
			return s, err
		}
		s1, err := c.stats()
		if err != nil {
			return s, err
		}
		fires := float64(s1.execs-s0.execs) / 2
		if fires < 1 {
			return s, fmt.Errorf("%d jobs every 10 s: no fire in a window", n)
		}
		perFire = append(perFire, float64((s1.cpu-s0.cpu).Microseconds())/fires)
		reqs = append(reqs, float64(p1-p0)/s1.at.Sub(s0.at).Seconds())
	}
	s.cpuPerFire, s.reqPerSec = summarize(perFire), summarize(reqs)
	return s, nil
}

// quietRate is the request rate (per second, over 2 s) below which the first fires' storm is
// over: the steady firing of 10,000 jobs costs about 10; the storm, about 12,000.
const quietRate = 200

// waitQuiet waits until the server receives fewer than quietRate requests per second.
func waitQuiet(srv *server, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	prev, err := srv.packets()
	if err != nil {
		return err
	}
	for {
		time.Sleep(2 * time.Second)
		p, err := srv.packets()
		if err != nil {
			return err
		}
		if rate := float64(p-prev) / 2; rate < quietRate {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("the first fires' registry traffic still at %.0f requests/s after %v", rate, timeout)
		}
		prev = p
	}
}

// waitFired waits until c has executed both items of n jobs once more.
func waitFired(c *child, n int, timeout time.Duration) error {
	base, err := c.stats()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		st, err := c.stats()
		if err != nil {
			return err
		}
		if st.execs-base.execs >= int64(2*n) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d jobs every 10 s: %d item executions in %v, want %d (every job's first fire)", n, st.execs-base.execs, timeout, 2*n)
		}
		time.Sleep(time.Second)
	}
}

// setCron rewrites the cron line of job0 … job{n-1}'s /config, from 16 goroutines.
func (b *bench) setCron(ns string, n int, cron string) error {
	cl, err := dial(b.srv.addr)
	if err != nil {
		return err
	}
	defer cl.close()
	jobs := make(chan int)
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			for k := range jobs {
				if err := cl.setCron(fmt.Sprintf("/%s/job%d/config", ns, k), cron); err != nil {
					errs <- err
					for range jobs { // drain
					}
					return
				}
			}
			errs <- nil
		}()
	}
	for k := range n {
		jobs <- k
	}
	close(jobs)
	for range 16 {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	return err
}

func statsOf(cs []*child) ([]sample, error) {
	out := make([]sample, len(cs))
	for k, c := range cs {
		s, err := c.stats()
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// cpuPercent is the CPU used between two samples, in % of one core.
func cpuPercent(a, b sample) float64 {
	return 100 * float64(b.cpu-a.cpu) / float64(b.at.Sub(a.at))
}
