package engine

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// A running item's context is cancelled when its ownership moves to another instance while it
// runs, with and without running nodes.
func TestFencingWhenTheItemIsNoLongerOurs(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	a := cl.start("10.0.0.1", 100)
	for _, tc := range []struct {
		name    string
		monitor bool
		steal   func(job string)
	}{
		{"ownerMovedMonitored", true, func(job string) { must(t, a.center.Update("/"+job+"/sharding/0/instance", "10.0.0.9@-@900")) }},
		{"ownerMoved", false, func(job string) { must(t, a.center.Update("/"+job+"/sharding/0/instance", "10.0.0.9@-@900")) }},
	} {
		cfg := jobapi.NewJobConfiguration(tc.name, 1)
		cfg.Cron = "* * * * * ?"
		cfg.MonitorExecution = tc.monitor
		rec := &recorder{}
		var first atomic.Bool
		first.Store(true)
		started := make(chan struct{})
		rec.hold = func(jobapi.ShardingContext) time.Duration {
			if first.CompareAndSwap(true, false) {
				close(started)
				return time.Minute
			}
			return 0
		}
		j := a.register(t, cfg, rec)
		j.Schedule()
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: item never started", tc.name)
		}
		if tc.monitor {
			testkit.Eventually(t, 3*time.Second, func() bool {
				ok, _ := a.center.Exists("/" + tc.name + "/sharding/0/running")
				return ok
			}, "running node written")
		}
		tc.steal(tc.name)
		testkit.Eventually(t, 5*time.Second, func() bool {
			runs := rec.all()
			return len(runs) > 0 && errors.Is(runs[0].err, context.Canceled)
		}, "%s: the item's context cancelled", tc.name)
	}
}
