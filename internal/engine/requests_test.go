package engine

import (
	"strconv"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// ZooKeeper requests per fire and instance, counted by a private server's zk_packets_received
// above the idle rate (pings), for two instances and two items as in ElasticJob's observed run
// (a Java 3.0.4 instance measured on ZooKeeper 3.8: about 22 per job, process and fire). The fire path reads the cache: with monitorExecution
// (and failover, whose make-up record rides in the same transaction) it writes once to mark its
// items and once to clear them, and no cache re-reads anything (running nodes are not cached);
// without monitorExecution it sends nothing.
func TestRequestsPerFire(t *testing.T) {
	srv := zktest.StartStandalone(t, zktest.Options{})
	cl := &cluster{t: t, servers: srv.Addr(), ns: "requests", session: 3 * time.Second}
	packets := func() int64 {
		m, err := zktest.Mntr(srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(m["zk_packets_received"], 10, 64)
		if err != nil {
			t.Fatalf("zk_packets_received %q: %v", m["zk_packets_received"], err)
		}
		return n
	}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	ins := []*instance{a, b}
	const window = 6 * time.Second
	// Idle: the sessions' pings.
	idleJob := jobapi.NewJobConfiguration("idleJob", 2)
	idleJob.Cron = never
	for _, in := range ins {
		in.register(t, idleJob, &recorder{}).Schedule()
	}
	time.Sleep(500 * time.Millisecond) // registration traffic settles
	p0 := packets()
	time.Sleep(window)
	idle := float64(packets()-p0) / window.Seconds()

	measure := func(name string, monitor bool) float64 {
		cfg := jobapi.NewJobConfiguration(name, 2)
		cfg.Cron = "* * * * * ?"
		cfg.MonitorExecution = monitor
		cfg.Failover, cfg.Misfire = monitor, monitor
		rec := &recorder{}
		for _, in := range ins {
			in.register(t, cfg, rec).Schedule()
		}
		waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0}, a.id: {1}})
		f0, p0 := len(rec.byFire()), packets()
		start := time.Now()
		time.Sleep(window)
		f1, p1 := len(rec.byFire()), packets()
		el := time.Since(start).Seconds()
		fires := f1 - f0
		if fires < 2 {
			t.Fatalf("%s: only %d fires in %v", name, fires, window)
		}
		per := max(0, (float64(p1-p0)-idle*el)/float64(fires)/float64(len(ins)))
		t.Logf("%s (monitorExecution=%v): %.1f requests per fire and instance (%d packets, %d fires, %d instances, idle %.2f/s subtracted)",
			name, monitor, per, p1-p0, fires, len(ins), idle)
		for _, in := range ins {
			j, _ := in.rt.Job(name)
			must(t, j.Shutdown(t.Context()))
		}
		return per
	}
	off := measure("offJob", false)
	on := measure("onJob", true)
	if off > 1 {
		t.Errorf("monitorExecution off: %.1f requests per fire, want none", off)
	}
	if on < 1.5 || on > 2.5 {
		t.Errorf("monitorExecution on: %.1f requests per fire, want 2 (one transaction to mark, one to clear)", on)
	}
}
