package main

import (
	"fmt"
	"time"
)

// javaJobs is the setup ElasticJob was measured with (BENCHMARKS.md): 200 jobs `0/1 * * * * ?`
// with 2 items, monitorExecution on, failover off, on 2 processes.
const javaJobs = 200

// Row 7: the Java figures' setup, row by row.
func (b *bench) javaSetup() error {
	ns := b.namespace("java")
	var procs []*child
	defer func() {
		for _, c := range procs {
			_ = c.quit()
		}
	}()
	var regs []float64
	for k := range 2 {
		c, err := b.instance(fmt.Sprintf("process %d", k+1), 5*time.Minute, "-ns", ns, "-ip", fmt.Sprintf("10.0.0.%d", k+1),
			"-jobs", fmt.Sprint(javaJobs), "-items", "2", "-cron", "0/1 * * * * ?", "-monitor", "-failover=false")
		if err != nil {
			return err
		}
		procs = append(procs, c)
		regs = append(regs, c.registerTime.Seconds())
	}
	time.Sleep(3 * time.Second) // the first fires shard
	window := 2 * b.window
	var reqs, cpu, rss, gor, thr, execs []float64
	for range b.reps {
		sleepUntilPhase(time.Second, 500*time.Millisecond)
		s0, err := statsOf(procs)
		if err != nil {
			return err
		}
		p0, err := b.srv.packets()
		if err != nil {
			return err
		}
		time.Sleep(window)
		p1, err := b.srv.packets()
		if err != nil {
			return err
		}
		s1, err := statsOf(procs)
		if err != nil {
			return err
		}
		el := s1[0].at.Sub(s0[0].at).Seconds()
		reqs = append(reqs, float64(p1-p0)/el)
		var e int64
		for k := range procs {
			cpu = append(cpu, cpuPercent(s0[k], s1[k]))
			rss = append(rss, mb(s1[k].rss))
			gor = append(gor, float64(s1[k].goroutines))
			thr = append(thr, float64(s1[k].threads))
			e += s1[k].execs - s0[k].execs
		}
		execs = append(execs, float64(e)/el)
	}
	setup := "200 jobs 0/1 * * * * ?, 2 items, monitorExecution on, failover off, 2 processes"
	java := func(measure, value, ref string, javaFig, ours float64) {
		r := row{id: "7", measure: measure, setup: setup, value: value, reference: ref, target: "—", verdict: "—"}
		if javaFig > 0 {
			r.reference += fmt.Sprintf("; Java ÷ ours = %.1f", javaFig/ours)
			r.target, r.verdict = "Java ÷ ours ≥ 10", verdict(javaFig/ours >= 10)
		}
		b.add(r)
	}
	r, c, m, g, reg := summarize(reqs), summarize(cpu), summarize(rss), summarize(gor), summarize(regs)
	// The Java figures' midpoints: 41–53 % CPU, 0.9–1.1 GB RSS.
	java("ZooKeeper requests received per second", r.format("%.0f"), "ElasticJob 3.0.4: 8,700", 8700, r.med)
	java("CPU per process (% of one core)", c.format("%.1f"), "ElasticJob 3.0.4: 41–53 %", 47, c.med)
	java("RSS per process (MB)", m.format("%.0f"), "ElasticJob 3.0.4: 900–1,100 MB (430 MB with -Xmx256m)", 1000, m.med)
	java("goroutines (OS threads) per process", fmt.Sprintf("%s (%s)", g.format("%.0f"), summarize(thr).format("%.0f")),
		"ElasticJob 3.0.4: 825 threads (vs our goroutines)", 825, g.med)
	java("item executions per second (both processes)", summarize(execs).format("%.0f"), "the schedule: 400", 0, 0)
	java("time to register the 200 jobs (s)", reg.format("%.2f"), "ElasticJob 3.0.4: 38 s", 38, reg.med)
	return nil
}
