package engine

import (
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
)

// A different class in /{job} is a conflict (even with overwrite); without overwrite the registry's
// configuration wins; with overwrite the local one is written and running peers adopt it. The
// nodes of a registered instance are as ElasticJob writes them.
func TestRegistrationConflictOverwriteAndNodes(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("regJob", 2)
	cfg.Cron = never
	a := cl.start("10.0.0.1", 100)
	ja := a.register(t, cfg, &recorder{})
	c := a.center
	if got, _ := c.Get("/regJob"); got != "com.example.TestJob" {
		t.Fatalf("/regJob holds %q", got)
	}
	if got, _ := c.Get("/regJob/config"); got != nodedata.MarshalJobConfig(cfg) {
		t.Fatalf("config %q", got)
	}
	if got, _ := c.Get("/regJob/servers/10.0.0.1"); got != "ENABLED" {
		t.Fatalf("server node %q", got)
	}
	if got, _ := c.Get("/regJob/instances/10.0.0.1@-@100"); got != "jobInstanceId: 10.0.0.1@-@100\nserverIp: 10.0.0.1\n" {
		t.Fatalf("instance node %q", got)
	}

	b := cl.start("10.0.0.2", 200)
	other := cfg
	other.Overwrite = true
	_, err := b.rt.Register(Spec{Config: other, ClassName: "com.example.Other", Runner: (&recorder{}).runner(b.id)})
	if err == nil || err.Error() != `engine: job conflict with register center: /`+cl.ns+`/regJob holds class "com.example.TestJob", this job is "com.example.Other"; to share the job with the instances that recorded it (ElasticJob ones: their Java class), set the job's jobClassName (directive or YAML key; starter.WithJobClassName) to "com.example.TestJob"` {
		t.Fatalf("conflict error %v", err)
	}
	if _, ok := b.rt.Job("regJob"); ok {
		t.Fatal("a refused job stays registered")
	}

	local := cfg
	local.ShardingTotalCount = 5
	jb := b.register(t, local, &recorder{})
	if got := jb.Config().ShardingTotalCount; got != 2 {
		t.Fatalf("without overwrite the registry's count wins: got %d", got)
	}

	cc := cl.start("10.0.0.3", 300)
	local.Overwrite = true
	local.Disabled = true
	jc := cc.register(t, local, &recorder{})
	if got := jc.Config().ShardingTotalCount; got != 5 {
		t.Fatalf("with overwrite the local count wins: got %d", got)
	}
	if got, _ := c.Get("/regJob/servers/10.0.0.3"); got != "DISABLED" {
		t.Fatalf("disabled job's server node %q", got)
	}
	testkit.Eventually(t, 3*time.Second, func() bool { return ja.Config().ShardingTotalCount == 5 }, "peer adopts the overwritten config")
}
