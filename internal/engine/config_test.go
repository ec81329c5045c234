package engine

import (
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// Configuration changes applied live: a new total count reshards; monitorExecution off clears
// running nodes; failover off clears failover nodes. Garbage written by another tool (config
// that is not YAML, a non-numeric sharding child, an instance node without serverIp) is skipped
// and the job keeps its last good configuration and keeps running.
func TestLiveConfigChangesAndGarbage(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("cfgJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	ja := a.register(t, cfg, rec)
	ja.Schedule()
	b.register(t, cfg, rec).Schedule()
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0}, a.id: {1}})

	cfg.ShardingTotalCount = 4
	writeConfig(t, a.center, cfg)
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0, 1}, a.id: {2, 3}})

	// Garbage from another tool.
	c := a.center
	if err := c.Persist("/cfgJob/sharding/abc", "x"); err != nil {
		t.Fatal(err)
	}
	if err := c.Persist("/cfgJob/instances/10.0.0.9@-@900", "garbage: [\n"); err != nil {
		t.Fatal(err)
	}
	if err := c.Update("/cfgJob/config", "this is: [not yaml"); err != nil {
		t.Fatal(err)
	}
	garbage := time.Now()
	waitFires(t, rec, garbage.Add(time.Second), 2)
	waitFullFireWith(t, rec, garbage.Add(time.Second), map[string][]int{b.id: {0, 1}, a.id: {2, 3}})
	if got := ja.Config().ShardingTotalCount; got != 4 {
		t.Fatalf("config after garbage: total %d, want the last good 4", got)
	}
	if err := c.Remove("/cfgJob/instances/10.0.0.9@-@900"); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, c, cfg)

	// failover off: failover nodes go; monitorExecution off: running nodes go.
	if err := c.Persist("/cfgJob/sharding/3/failover", a.id); err != nil {
		t.Fatal(err)
	}
	cfg.Failover = false
	writeConfig(t, c, cfg)
	testkit.Eventually(t, 5*time.Second, func() bool { ok, _ := c.Exists("/cfgJob/sharding/3/failover"); return !ok }, "failover node cleared")
	if err := c.Persist("/cfgJob/sharding/2/running", "10.0.0.9@-@900"); err != nil {
		t.Fatal(err)
	}
	cfg.MonitorExecution = false
	writeConfig(t, c, cfg)
	testkit.Eventually(t, 5*time.Second, func() bool { ok, _ := c.Exists("/cfgJob/sharding/2/running"); return !ok }, "running node cleared")
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0, 1}, a.id: {2, 3}})
}
