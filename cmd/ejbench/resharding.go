package main

import (
	"fmt"
	"slices"
	"time"
)

// Row 4: resharding convergence. Instance A holds a 2-item job firing every second; B joins
// (from its registration done) and leaves gracefully (from its shutdown request); the figure is
// the time until sharding/{i}/instance in ZooKeeper shows the new assignment, and the number of
// fires (second boundaries) in between: ElasticJob reshards lazily, at the next fire.
func (b *bench) resharding() error {
	var joinMs, joinFires, leaveMs, leaveFires []float64
	for range b.reps {
		j, jf, l, lf, err := b.reshardOnce()
		if err != nil {
			return err
		}
		joinMs, joinFires = append(joinMs, ms(j)), append(joinFires, float64(jf))
		leaveMs, leaveFires = append(leaveMs, ms(l)), append(leaveFires, float64(lf))
	}
	for _, r := range []struct {
		what      string
		ms, fires []float64
	}{{"joins", joinMs, joinFires}, {"leaves (graceful)", leaveMs, leaveFires}} {
		b.add(row{
			id: "4", measure: "resharding convergence, ms (fires)",
			setup:     "a second instance " + r.what + "; 2 items, cron every 1 s",
			value:     fmt.Sprintf("%s ms (%s fires)", summarize(r.ms).format("%.0f"), summarize(r.fires).format("%.0f")),
			reference: "ElasticJob 3.0.4: lazy, at the next fire", target: "—", verdict: "—",
		})
	}
	return nil
}

func (b *bench) reshardOnce() (join time.Duration, joinFires int64, leave time.Duration, leaveFires int64, err error) {
	ns := b.namespace("resharding")
	common := []string{"-ns", ns, "-jobs", "1", "-items", "2", "-cron", "* * * * * ?"}
	cl, err := dial(b.srv.addr)
	if err != nil {
		return
	}
	defer cl.close()
	a, err := b.instance("instance A", time.Minute, append(common, "-ip", "10.0.0.1")...)
	if err != nil {
		return
	}
	defer a.quit()
	if _, err = b.waitOwners(cl, ns, []string{a.id, a.id}); err != nil {
		return
	}
	bi, err := b.instance("instance B", time.Minute, append(common, "-ip", "10.0.0.2")...)
	if err != nil {
		return
	}
	joined := time.Now()
	var at time.Time
	if at, err = b.waitOwnersWith(cl, ns, bi.id); err != nil {
		_ = bi.quit()
		return
	}
	join, joinFires = at.Sub(joined), at.Unix()-joined.Unix()
	left := time.Now()
	if err = bi.quit(); err != nil {
		return
	}
	if at, err = b.waitOwners(cl, ns, []string{a.id, a.id}); err != nil {
		return
	}
	leave, leaveFires = at.Sub(left), at.Unix()-left.Unix()
	return
}

// waitOwners polls the assignment of job0 until it is want.
func (b *bench) waitOwners(cl *client, ns string, want []string) (time.Time, error) {
	return b.pollOwners(cl, ns, fmt.Sprint(want), func(o []string) bool { return slices.Equal(o, want) })
}

// waitOwnersWith polls until id owns an item of job0.
func (b *bench) waitOwnersWith(cl *client, ns, id string) (time.Time, error) {
	return b.pollOwners(cl, ns, id+" owning an item", func(o []string) bool { return slices.Contains(o, id) })
}

func (b *bench) pollOwners(cl *client, ns, what string, ok func([]string) bool) (time.Time, error) {
	deadline := time.Now().Add(30 * time.Second)
	var last []string
	for time.Now().Before(deadline) {
		o, err := cl.owners(ns, "job0", 2)
		if err != nil {
			return time.Time{}, err
		}
		if ok(o) {
			return time.Now(), nil
		}
		last = o
		time.Sleep(5 * time.Millisecond)
	}
	return time.Time{}, fmt.Errorf("/%s/job0/sharding: want %s, still %v after 30s", ns, what, last)
}
