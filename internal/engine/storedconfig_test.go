package engine

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/jobconf/jobconftest"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// lines are the lines of what buf holds that contain substr.
func lines(buf *testkit.Buffer, substr string) []string {
	var out []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

// /{job}/config is validated as every other surface: a stored configuration that differs from
// the local one wins at start-up and the log says which keys differ; one that does not validate
// (a strategy this version does not know, written by an operator) is left alone, the job runs on
// the local configuration at start-up and keeps its last good one when running, and the log
// names the node with its namespace.
func TestStoredConfigurationIsComparedAndValidated(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	var logs testkit.Buffer
	cl.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	node := "/" + cl.ns + "/storedJob/config"
	cfg := jobapi.NewJobConfiguration("storedJob", 2)
	cfg.Cron = never
	a := cl.start("10.0.0.1", 100)
	ja := a.register(t, cfg, &recorder{})
	if got := lines(&logs, "differs"); len(got) != 0 {
		t.Fatalf("a first registration reports a difference: %q", got)
	}

	local := cfg
	local.ShardingTotalCount, local.Failover, local.JobShardingStrategyType = 5, true, "AVG_ALLOCATION"
	jb := cl.start("10.0.0.2", 200).register(t, local, &recorder{})
	if got := jb.Config().ShardingTotalCount; got != 2 {
		t.Fatalf("the stored count wins: got %d", got)
	}
	want := `level=WARN msg="configuration in the registry differs from the local one in shardingTotalCount, failover and wins; set overwrite=true for this job (directive, YAML or environment) to apply the local values"`
	if got := lines(&logs, "differs"); len(got) != 1 || !strings.Contains(got[0], want) || !strings.Contains(got[0], "path="+node) {
		t.Fatalf("difference lines %q, want one with %s and path=%s", got, want, node)
	}

	bad := cfg
	bad.JobShardingStrategyType, bad.ShardingTotalCount = "AVG", 3
	writeConfig(t, a.center, bad)
	invalid := `jobShardingStrategyType: \"AVG\" is not allowed: want one of AVG_ALLOCATION, ODEVITY, ROUND_ROBIN, SINGLE_SHARDING_BALANCE (did you mean \"AVG_ALLOCATION\"?)`
	testkit.Eventually(t, 5*time.Second, func() bool {
		for _, line := range lines(&logs, "keeping the last good one") {
			if strings.Contains(line, "path="+node) && strings.Contains(line, invalid) {
				return true
			}
		}
		return false
	}, "a running job reports the invalid stored configuration")
	if got := ja.Config(); got.ShardingTotalCount != 2 || got.JobShardingStrategyType != "" {
		t.Fatalf("running job took the invalid configuration: %+v", got)
	}

	jc := cl.start("10.0.0.3", 300).register(t, local, &recorder{})
	if got := jc.Config().ShardingTotalCount; got != 5 {
		t.Fatalf("a job starting on an invalid stored configuration runs on the local one: count %d", got)
	}
	if got := lines(&logs, "running on the local one"); len(got) != 1 || !strings.Contains(got[0], "path="+node) || !strings.Contains(got[0], invalid) {
		t.Fatalf("start-up lines %q", got)
	}
	if got, _ := a.center.Get("/storedJob/config"); got != nodedata.MarshalJobConfig(bad) {
		t.Fatalf("the invalid node was rewritten: %q", got)
	}
}

// /{job}/config accepts and refuses each key's values as every other surface does: the cases
// come from jobconf's table.
func TestStoredKeysFollowTheSchema(t *testing.T) {
	for _, c := range jobconftest.Cases(jobconf.Stored) {
		t.Run(c.Name(), func(t *testing.T) {
			value := c.Value
			if c.Key.Type == jobconf.String {
				value = strconv.Quote(value)
			}
			_, err := storedConfig("storedJob", "jobName: storedJob\nshardingTotalCount: 1\n"+c.Key.Name+": "+value+"\n")
			switch {
			case !c.Bad && err != nil:
				t.Fatalf("refused: %v", err)
			case c.Bad && err == nil:
				t.Fatal("accepted")
			case c.Bad && !strings.Contains(err.Error(), c.Key.Name+": ") || c.Bad && !strings.Contains(err.Error(), c.Contains):
				t.Fatalf("error %q, want %s: ...%s", err, c.Key.Name, c.Contains)
			}
		})
	}
}
