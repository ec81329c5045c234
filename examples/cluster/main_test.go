package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/examples/cluster/clustertest"
	"github.com/elasticjob-go/elasticjob/examples/cluster/jobs"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(zktest.Wrap(m)) }

// The graph is complete without starting anything.
func TestValidateApp(t *testing.T) {
	if err := fx.ValidateApp(autoconfig.Module, jobs.Module); err != nil {
		t.Fatal(err)
	}
}

const (
	job       = "split"
	items     = 6
	className = "github.com/elasticjob-go/elasticjob/examples/cluster/jobs.Split"
)

// Three processes of the service on one ZooKeeper share the six items 2/2/2 and write the
// tree ElasticJob does; a crashed process's items run on the two others; Ctrl-C stops the
// survivors cleanly and takes their instance nodes with them.
func TestThreeProcessesShareAndFailOver(t *testing.T) {
	servers := zktest.Servers(t)
	namespace := fmt.Sprintf("cluster-example-%d", time.Now().UnixNano())
	bin := clustertest.Build(t, ".")
	env := clustertest.Env(
		"ELASTICJOB_REGCENTER_SERVERLISTS="+servers,
		"ELASTICJOB_REGCENTER_NAMESPACE="+namespace,
		"ELASTICJOB_REGCENTER_SESSIONTIMEOUTMILLISECONDS=3000",
	)
	var procs []*clustertest.Process
	for _, name := range []string{"a", "b", "c"} {
		procs = append(procs, clustertest.Start(t, name, bin, ".", env))
	}
	tree := clustertest.OpenTree(t, servers, namespace)

	ids := clustertest.WaitSharded(t, tree, job, items, procs, 30*time.Second)
	clustertest.WaitEvenFire(t, procs, ids, items, 15*time.Second)
	clustertest.CheckTree(t, tree, job, className, items, ids)
	// ElasticJob's JobConfigurationPOJO as SnakeYAML writes it: keys sorted, empty strings quoted.
	wantConfig := `cron: '* * * * * ?'
description: six items shared by the cluster
disabled: false
failover: true
jobName: split
jobParameter: ''
maxTimeDiffSeconds: -1
misfire: true
monitorExecution: true
overwrite: false
reconcileIntervalMinutes: 10
shardingItemParameters: ''
shardingTotalCount: 6
staticSharding: false
`
	if config, _ := tree.Get(job + "/config"); config != wantConfig {
		t.Errorf("config =\n%s\nwant\n%s", config, wantConfig)
	}

	// Crash c: once ZooKeeper expires its session, a and b run all six items, three each.
	killed := time.Now().UTC()
	procs[2].Kill()
	survivors := procs[:2]
	clustertest.Eventually(t, 20*time.Second, "a and b run every item of one fire", func() (bool, string) {
		runs := clustertest.ParseRuns(survivors[0].Lines(), survivors[1].Lines())
		for _, fire := range runs.Fires() {
			if fire <= killed.Format(time.RFC3339) {
				continue
			}
			var all []int
			for _, its := range runs[fire] {
				all = append(all, its...)
			}
			slices.Sort(all)
			if slices.Equal(all, []int{0, 1, 2, 3, 4, 5}) && len(runs[fire]) == 2 &&
				len(runs[fire][ids[0]]) == 3 && len(runs[fire][ids[1]]) == 3 {
				return true, ""
			}
		}
		return false, fmt.Sprintf("runs since the kill: %v", clustertest.ParseRuns(survivors[0].Lines(), survivors[1].Lines()))
	})
	if got := tree.Children(job + "/instances"); !slices.Equal(got, sorted(ids[:2])) {
		t.Errorf("instances after the crash = %v, want %v", got, sorted(ids[:2]))
	}

	for _, p := range survivors {
		if err := p.Interrupt(20 * time.Second); err != nil {
			t.Errorf("%s: exit after SIGINT: %v", p.Name, err)
		}
		clustertest.CheckNoErrors(t, p)
	}
	if got := tree.Children(job + "/instances"); len(got) != 0 {
		t.Errorf("instances after shutdown = %v, want none", got)
	}
	if got, _ := tree.Get(job + "/leader/election/instance"); got != "" {
		t.Errorf("leader/election/instance after shutdown = %q, want none", got)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
