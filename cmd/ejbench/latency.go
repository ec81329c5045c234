package main

import (
	"fmt"
	"slices"
	"time"
)

// latencyJobs × latencyWindow seconds of a one-second cron: 1,000 fires per window.
const (
	latencyJobs   = 100
	latencyWindow = 10 * time.Second
)

// Row 2: fire latency, the scheduled fire time to the start of Execute, on one instance, beside
// the ZooKeeper round-trip time measured just before each window and beside plain robfig/cron
// firing the same 100 jobs (the local floor: timer wake-up and goroutine start).
func (b *bench) fireLatency() error {
	cl, err := dial(b.srv.addr)
	if err != nil {
		return err
	}
	defer cl.close()
	floor, err := spawn("robfig latency", "robfig", b.log, time.Minute, "-jobs", fmt.Sprint(latencyJobs), "-cron", "* * * * * ?", "-lat")
	if err != nil {
		return err
	}
	fp50, fp99, _, _, err := b.latencyWindows(floor, cl)
	_ = floor.quit()
	if err != nil {
		return err
	}
	floorRef := fmt.Sprintf("robfig/cron alone, same %d jobs: p50 %s, p99 %s ms", latencyJobs, summarize(fp50).format("%.2f"), summarize(fp99).format("%.2f"))
	// ZooKeeper's own time for the writes of the 100 fires (monitorExecution): what a run waits
	// for beyond the RTT, measured in the same run.
	mp50, mp99, err := cl.markingTime(b.namespace("marking"), latencyJobs, 2, 200, false)
	if err != nil {
		return err
	}
	ap50, ap99, err := cl.markingTime(b.namespace("marking"), latencyJobs, 2, 200, true)
	if err != nil {
		return err
	}
	markRef := fmt.Sprintf("ZooKeeper alone, the %d fires' marking as one multi: p50 %.2f, p99 %.2f ms; as %d multis at once, to the last: p50 %.2f, p99 %.2f ms",
		latencyJobs, mp50, mp99, latencyJobs, ap50, ap99)
	for _, monitor := range []bool{true, false} {
		ns := b.namespace("latency")
		c, err := b.instance("latency instance", 2*time.Minute, "-ns", ns, "-jobs", fmt.Sprint(latencyJobs),
			"-items", "2", "-cron", "* * * * * ?", "-lat", "-monitor="+fmt.Sprint(monitor))
		if err != nil {
			return err
		}
		time.Sleep(2 * time.Second) // the first fires shard
		p50, p99, rtts, fires, err := b.latencyWindows(c, cl)
		_ = c.quit()
		if err != nil {
			return err
		}
		ratio := make([]float64, len(p99))
		for k := range p99 {
			ratio[k] = p99[k] / (2*rtts[k] + 5)
		}
		setup := fmt.Sprintf("1 instance, %d jobs × 2 items firing together every 1 s, monitorExecution %s; %d fires in %d windows of %v",
			latencyJobs, onOff(monitor), fires, b.reps, latencyWindow)
		b.add(row{id: "2", measure: "fire latency p50 (ms)", setup: setup, value: summarize(p50).format("%.2f"),
			reference: "ZooKeeper RTT " + summarize(rtts).format("%.3f") + " ms; " + floorRef, target: "—", verdict: "—"})
		r := summarize(ratio)
		ref := fmt.Sprintf("p99 ÷ (2 × RTT + 5 ms) = %s", r.format("%.2f"))
		if monitor {
			ref += "; " + markRef
		}
		b.add(row{id: "2", measure: "fire latency p99 (ms)", setup: setup, value: summarize(p99).format("%.2f"),
			reference: ref,
			target:    "p99 ≤ 2 × RTT + 5 ms", verdict: verdict(r.med <= 1)})
	}
	return nil
}

// latencyWindows measures reps windows: p50 and p99 of each (ms), the RTT measured before each
// (ms), and the number of fires (item starts ÷ 2 for an instance, runs for robfig).
func (b *bench) latencyWindows(c *child, cl *client) (p50, p99, rtts []float64, fires int, err error) {
	for range b.reps {
		rtt, err := cl.rtt(100)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		sleepUntilPhase(time.Second, 500*time.Millisecond)
		if _, err := c.latencies(); err != nil { // drop what came before the window
			return nil, nil, nil, 0, err
		}
		time.Sleep(latencyWindow)
		l, err := c.latencies()
		if err != nil {
			return nil, nil, nil, 0, err
		}
		if len(l) == 0 {
			return nil, nil, nil, 0, fmt.Errorf("%s: nothing started in %v", c.name, latencyWindow)
		}
		slices.Sort(l)
		if c.id == "robfig" {
			fires += len(l)
		} else {
			fires += len(l) / 2
		}
		p50 = append(p50, ms(percentile(l, 50)))
		p99 = append(p99, ms(percentile(l, 99)))
		rtts = append(rtts, ms(rtt))
	}
	return p50, p99, rtts, fires, nil
}
