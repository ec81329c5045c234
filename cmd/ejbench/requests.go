package main

import (
	"fmt"
	"time"
)

// Row 1: ZooKeeper requests per fire and instance: the server's zk_packets_received delta over
// whole seconds of a one-second cron, less the idle rate (session pings) measured on the same
// instances before they fire, divided by fires and instances. The 3 s session makes the client
// ping exactly once a second (every third of the timeout), so that every window of whole seconds
// holds the same number of pings and the subtraction leaves none.
func (b *bench) requestsPerFire() error {
	for _, n := range []int{1, 3} {
		for _, monitor := range []bool{true, false} {
			per, reads, writes, err := b.requestsOnce(n, monitor)
			if err != nil {
				return err
			}
			// Judged at the precision shown: the idle rate subtracted is measured over other
			// windows, which leaves a few thousandths of a request either way.
			s := summarize(per)
			target, holds := "0", s.med < 0.005
			if monitor {
				target, holds = "≤ 2", s.med < 2.005
			}
			b.add(row{
				id: "1", measure: "ZooKeeper requests per fire and instance",
				setup:     fmt.Sprintf("%d instance(s), 1 job, 2 items, cron every 1 s, monitorExecution %s, failover on", n, onOff(monitor)),
				value:     fmt.Sprintf("%s (reads %s, writes %s)", s.format("%.2f"), summarize(reads).format("%.2f"), summarize(writes).format("%.2f")),
				reference: "ElasticJob 3.0.4: ≈ 22 (2 instances, monitorExecution on)",
				target:    target, verdict: verdict(holds),
			})
		}
	}
	return nil
}

func (b *bench) requestsOnce(n int, monitor bool) (per, reads, writes []float64, err error) {
	ns := b.namespace("requests")
	var inst []*child
	defer func() {
		for _, c := range inst {
			_ = c.quit()
		}
	}()
	for k := range n {
		c, err := b.instance(fmt.Sprintf("instance %d", k+1), time.Minute, "-ns", ns, "-ip", fmt.Sprintf("10.0.0.%d", k+1),
			"-jobs", "1", "-items", "2", "-cron", "* * * * * ?", "-failover", "-monitor="+fmt.Sprint(monitor), "-hold", "-session", "3s")
		if err != nil {
			return nil, nil, nil, err
		}
		inst = append(inst, c)
	}
	// Idle: registered, not firing.
	time.Sleep(time.Second)
	idle, el, err := b.trafficOver(b.window)
	if err != nil {
		return nil, nil, nil, err
	}
	rate := func(v int64) float64 { return float64(v) / el }
	idlePackets, idleReads, idleWrites := rate(idle.packets), rate(idle.reads), rate(idle.writes)
	for _, c := range inst {
		if _, err := c.ask("schedule", 10*time.Second); err != nil {
			return nil, nil, nil, err
		}
	}
	time.Sleep(2 * time.Second)                        // the first fire shards
	sleepUntilPhase(time.Second, 500*time.Millisecond) // windows start between fires
	for range b.reps {
		e0, err := execs(inst)
		if err != nil {
			return nil, nil, nil, err
		}
		t, el, err := b.trafficOver(b.window)
		if err != nil {
			return nil, nil, nil, err
		}
		e1, err := execs(inst)
		if err != nil {
			return nil, nil, nil, err
		}
		fires := float64(e1-e0) / 2 // 2 items per fire, across the instances
		if fires < 1 {
			return nil, nil, nil, fmt.Errorf("%d instances, monitorExecution %s: no fire in %v", n, onOff(monitor), b.window)
		}
		each := func(v int64, idle float64) float64 { return max(0, (float64(v)-idle*el)/fires/float64(n)) }
		per = append(per, each(t.packets, idlePackets))
		reads = append(reads, each(t.reads, idleReads))
		writes = append(writes, each(t.writes, idleWrites))
	}
	return per, reads, writes, nil
}

// trafficOver is what the server received during d, and how many seconds that really took.
func (b *bench) trafficOver(d time.Duration) (traffic, float64, error) {
	t0, err := b.srv.traffic()
	if err != nil {
		return traffic{}, 0, err
	}
	start := time.Now()
	time.Sleep(d)
	t1, err := b.srv.traffic()
	if err != nil {
		return traffic{}, 0, err
	}
	return t1.minus(t0), time.Since(start).Seconds(), nil
}

// execs sums the item executions of the children.
func execs(cs []*child) (int64, error) {
	var sum int64
	for _, c := range cs {
		s, err := c.stats()
		if err != nil {
			return 0, err
		}
		sum += s.execs
	}
	return sum, nil
}

func onOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

func verdict(holds bool) string {
	if holds {
		return "yes"
	}
	return "**no**"
}
