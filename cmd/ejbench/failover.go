package main

import (
	"fmt"
	"time"
)

// Row 3: failover latency. A survivor and a victim share a 2-item job firing every second with
// failover on; the victim's items run until cancelled. Once the victim runs an item it is
// killed with SIGKILL; the figure is the time until that item starts on the survivor, over the
// session timeout.
func (b *bench) failoverLatency() error {
	for _, session := range []time.Duration{2 * time.Second, 10 * time.Second} {
		var ratios []float64
		for range b.reps {
			d, err := b.failoverOnce(session)
			if err != nil {
				return err
			}
			ratios = append(ratios, float64(d)/float64(session))
		}
		s := summarize(ratios)
		b.add(row{
			id: "3", measure: "failover latency ÷ session timeout",
			setup:     fmt.Sprintf("kill -9 of the instance running an item → the item starts on the survivor; session %v, cron every 1 s", session),
			value:     s.format("%.2f") + fmt.Sprintf(" (%.1f s)", s.med*session.Seconds()),
			reference: "ElasticJob 3.0.4: first item 11.6 s after the kill with a 6 s session (1.93)",
			target:    "≤ 1.1", verdict: verdict(s.med <= 1.1),
		})
	}
	return nil
}

func (b *bench) failoverOnce(session time.Duration) (time.Duration, error) {
	ns := b.namespace("failover")
	common := []string{"-ns", ns, "-jobs", "1", "-items", "2", "-cron", "* * * * * ?", "-failover",
		"-session", session.String(), "-events"}
	survivor, err := b.instance("survivor", time.Minute, append(common, "-ip", "10.0.0.1")...)
	if err != nil {
		return 0, err
	}
	defer survivor.quit()
	victim, err := b.instance("victim", time.Minute, append(common, "-ip", "10.0.0.2", "-block")...)
	if err != nil {
		return 0, err
	}
	var item int
	select {
	case e := <-victim.events:
		item = e.item
	case <-time.After(15 * time.Second):
		victim.kill()
		return 0, fmt.Errorf("session %v: the victim started no item in 15s", session)
	}
	time.Sleep(500 * time.Millisecond)
	killed := time.Now()
	victim.kill()
	deadline := time.After(3*session + 10*time.Second)
	for {
		select {
		case e := <-survivor.events:
			if e.item == item && e.at.After(killed) {
				return e.at.Sub(killed), nil
			}
		case <-deadline:
			return 0, fmt.Errorf("session %v: item %d did not start on the survivor within %v of the kill", session, item, 3*session+10*time.Second)
		}
	}
}
