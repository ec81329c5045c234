package jobconf

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// Validate's rules between keys, and that it reports every problem at once.
func TestValidate(t *testing.T) {
	valid := jobapi.NewJobConfiguration("report", 3)
	valid.Cron = "0 0 3 * * ?"
	for _, tc := range []struct {
		name   string
		change func(c *jobapi.JobConfiguration)
		want   []Problem
	}{
		{"valid", func(*jobapi.JobConfiguration) {}, nil},
		{"items beyond the count warn once", func(c *jobapi.JobConfiguration) { c.ShardingItemParameters = "0=a,1=b,2=c,3=d,5=f" }, []Problem{
			{Key: "shardingItemParameters", Off: 12, Warning: true, Msg: "items 3, 5 are beyond shardingTotalCount 3 (items are 0..2): ElasticJob ignores their parameters"},
		}},
		{"one item beyond", func(c *jobapi.JobConfiguration) { c.ShardingItemParameters = "3=d" }, []Problem{
			{Key: "shardingItemParameters", Off: 0, Warning: true, Msg: "item 3 is beyond shardingTotalCount 3 (items are 0..2): ElasticJob ignores its parameter"},
		}},
		{"every problem at once", func(c *jobapi.JobConfiguration) {
			c.JobName = "a/b"
			c.ShardingTotalCount = 0
			c.MaxTimeDiffSeconds = -5
			c.ReconcileIntervalMinutes = -3
			c.ShardingItemParameters = "0=a,5=b,x"
			c.JobShardingStrategyType = "AVG"
			c.JobErrorHandlerType = "log"
			c.Cron = "0 0 0 30 2 ?"
		}, []Problem{
			{Key: "jobName", Off: -1, Msg: "job name must not contain / (it is a ZooKeeper path segment)"},
			{Key: "cron", Off: -1, Msg: `"0 0 0 30 2 ?" never fires (no date matches it, or its years are past)`},
			{Key: "shardingTotalCount", Off: -1, Msg: "0 is out of range: want a positive int"},
			{Key: "shardingItemParameters", Off: 8, Msg: `"x" is not item=parameter`},
			{Key: "maxTimeDiffSeconds", Off: -1, Msg: "-5 is out of range: want an int >= -1"},
			{Key: "reconcileIntervalMinutes", Off: -1, Msg: "-3 is out of range: want a non-negative int"},
			{Key: "jobShardingStrategyType", Off: -1, Msg: `"AVG" is not allowed: want one of AVG_ALLOCATION, ODEVITY, ROUND_ROBIN, SINGLE_SHARDING_BALANCE (did you mean "AVG_ALLOCATION"?)`},
			{Key: "jobErrorHandlerType", Off: -1, Msg: `"log" is not allowed: want one of LOG, THROW, IGNORE, EMAIL, WECHAT, DINGTALK (did you mean "LOG"?)`},
		}},
		{"a cron that never fires in its zone", func(c *jobapi.JobConfiguration) { c.Cron = "0 0 0 1 1 ? 2001"; c.TimeZone = "Asia/Shanghai" }, []Problem{
			{Key: "cron", Off: -1, Msg: `"0 0 0 1 1 ? 2001" never fires (no date matches it, or its years are past)`},
		}},
		{"an unknown zone", func(c *jobapi.JobConfiguration) { c.TimeZone = "Mars/Base" }, []Problem{
			{Key: "timeZone", Off: -1, Msg: `unknown time zone "Mars/Base"`},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid
			tc.change(&c)
			got := Validate(c)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v\nwant %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("problem %d: got %+v\nwant %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestDiffNamesTheKeysThatDiffer(t *testing.T) {
	a := jobapi.NewJobConfiguration("report", 3)
	b := a
	b.ShardingTotalCount, b.Failover, b.Overwrite, b.JobShardingStrategyType = 5, true, true, "AVG_ALLOCATION"
	b.Props = map[string]string{"k": "v"}
	if got := Diff(a, b); len(got) != 3 || got[0] != "shardingTotalCount" || got[1] != "failover" || got[2] != "props" {
		t.Fatalf("Diff = %v, want shardingTotalCount, failover, props (overwrite and a default spelled out do not count)", got)
	}
}

func TestPoolSize(t *testing.T) {
	if PoolSize("SINGLE_THREAD") != 1 || PoolSize("CPU") != PoolSize("") || PoolSize("") < 2 {
		t.Fatal("PoolSize")
	}
}
