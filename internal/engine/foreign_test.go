package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// servers/{ip} holding a value other than ENABLED or DISABLED (an operator's typo, another
// tool's value) is read as ElasticJob reads it: enabled. The instance keeps its item, and the
// value is reported once, naming the node with its namespace.
func TestAForeignServerValueReadsAsEnabled(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	logs := cl.logToBuffer()
	a, b := cl.start("10.0.0.1", 100), cl.start("10.0.0.2", 200)
	cfg := jobapi.NewJobConfiguration("foreignJob", 2)
	cfg.Cron = never
	rec := &recorder{}
	ja, jb := a.register(t, cfg, rec), b.register(t, cfg, rec)
	ja.Schedule()
	jb.Schedule()
	must(t, a.center.Update(nodepath.Server("foreignJob", "10.0.0.1"), "enabled"))
	for range 3 { // the change asks for a resharding: fires until it is done, and after
		testkit.Eventually(t, 10*time.Second, func() bool { return ja.idle() && jb.idle() }, "idle")
		before := len(rec.all())
		must(t, ja.TriggerAll())
		testkit.Eventually(t, 10*time.Second, func() bool { return len(rec.all()) >= before+2 }, "both items ran; runs %v", testkit.Later[[]run](rec.all))
	}
	if got := assignment(t, a.center, "foreignJob", 2); len(got[a.id]) != 1 || len(got[b.id]) != 1 {
		t.Fatalf("assignment %v; want one item each", got)
	}
	line := `msg="server node holds neither ENABLED nor DISABLED; read as enabled, as ElasticJob does" instance=10.0.0.1@-@100 job=foreignJob path=/` + cl.ns + `/foreignJob/servers/10.0.0.1 value=enabled`
	if n := strings.Count(logs.String(), line); n != 1 {
		t.Fatalf("%d log lines %s\nlog:\n%s", n, line, logs.String())
	}
}

// A configuration whose resharding cannot fit one ZooKeeper transaction is refused, naming the
// node, the size and the limit; the job keeps its last good configuration and runs on it; no log
// line carries more than a summary.
func TestAnOversizedConfigurationIsRefused(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	logs := cl.logToBuffer()
	a := cl.start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration("hugeJob", 2)
	cfg.Cron = never
	rec := &recorder{}
	ja := a.register(t, cfg, rec)
	ja.Schedule()
	huge := cfg
	huge.ShardingTotalCount = 30000
	must(t, a.center.Update(nodepath.Config("hugeJob"), marshalConfig(huge)))
	want := `msg="configuration refused; keeping the last good one" instance=10.0.0.1@-@100 job=hugeJob path=/` + cl.ns + `/hugeJob/config error="shardingTotalCount 30000 needs a `
	testkit.Eventually(t, 10*time.Second, func() bool { return strings.Contains(logs.String(), want) }, "refusal logged; log:\n%s", testkit.Later[string](logs.String))
	if !strings.Contains(logs.String(), `-byte resharding transaction, over ZooKeeper's 1048575-byte request limit (jute.maxbuffer)"`) {
		t.Fatalf("the refusal names no size and limit:\n%s", logs.String())
	}
	if got := ja.Config().ShardingTotalCount; got != 2 {
		t.Fatalf("shardingTotalCount %d in effect; want the last good 2", got)
	}
	must(t, a.center.Persist(nodepath.ShardingNecessary("hugeJob"), "")) // a resharding asked for anyway
	testkit.Eventually(t, 10*time.Second, func() bool { return ja.idle() }, "idle")
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 20*time.Second, func() bool { return len(rec.all()) >= 2 }, "both items ran; runs %v", testkit.Later[[]run](rec.all))
	if kids, _ := a.center.Children(nodepath.Sharding("hugeJob")); len(kids) != 2 {
		t.Fatalf("%d sharding items; want 2", len(kids))
	}
	for _, l := range strings.Split(logs.String(), "\n") {
		if len(l) > 4096 {
			t.Fatalf("a %d-byte log line: %.300s…", len(l), l)
		}
	}
}
