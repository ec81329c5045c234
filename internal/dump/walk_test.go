package dump

import (
	"context"
	"errors"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/reg"
)

func tree() *fakeSource {
	return newFakeSource(map[string]string{
		"/job":                               "example.com/jobs.Job",
		"/job/config":                        "cron: 0/5 * * * * ?\nshardingTotalCount: 2\n",
		"/job/servers":                       "",
		"/job/servers/192.168.1.10":          "ENABLED",
		"/job/servers/10.0.0.5":              "ENABLED",
		"/job/instances":                     "",
		"/job/instances/10.0.0.5@-@4242":     "jobInstanceId: 10.0.0.5@-@4242\nserverIp: 10.0.0.5\n",
		"/job/sharding":                      "",
		"/job/sharding/0":                    "",
		"/job/sharding/0/instance":           "10.0.0.5@-@4242",
		"/job/sharding/0/running":            "",
		"/job/sharding/1":                    "",
		"/job/sharding/1/instance":           "192.168.1.10@-@7",
		"/job/sharding/10":                   "",
		"/other":                             "",
		"/other/config":                      "not this job's",
		"/jobx/config":                       "not this job's either",
		"/job/leader/election/instance":      "10.0.0.5@-@4242",
		"/job/leader":                        "",
		"/job/leader/election":               "",
		"/job/leader/sharding":               "",
		"/job/leader/sharding/necessary":     "",
		"/job/leader/failover":               "",
		"/job/leader/failover/items":         "",
		"/job/leader/failover/items/1":       "1700000000000",
		"/job/trigger":                       "",
		"/job/guarantee":                     "",
		"/job/guarantee/started":             "",
		"/job/guarantee/completed":           "",
		"/job/servers/10.0.0.5/unexpected/x": "y",
		"/job/servers/10.0.0.5/unexpected":   "",
	})
}

// TestJobWithoutCache: a process that does not run the job has no cache: every line is the
// two-column form, depth first in reverse Java string order ("servers" > "leader", "10" > "1").
func TestJobWithoutCache(t *testing.T) {
	got, err := Job(context.Background(), tree(), "job")
	if err != nil {
		t.Fatal(err)
	}
	const want = `/job/trigger | 
/job/sharding | 
/job/sharding/10 | 
/job/sharding/1 | 
/job/sharding/1/instance | ip1@-@7
/job/sharding/0 | 
/job/sharding/0/running | 
/job/sharding/0/instance | ip2@-@4242
/job/servers | 
/job/servers/ip1 | ENABLED
/job/servers/ip2 | ENABLED
/job/servers/ip2/unexpected | 
/job/servers/ip2/unexpected/x | y
/job/leader | 
/job/leader/sharding | 
/job/leader/sharding/necessary | 
/job/leader/failover | 
/job/leader/failover/items | 
/job/leader/failover/items/1 | 1700000000000
/job/leader/election | 
/job/leader/election/instance | ip2@-@4242
/job/instances | 
/job/instances/ip2@-@4242 | jobInstanceId: ip2@-@4242
serverIp: ip2

/job/guarantee | 
/job/guarantee/started | 
/job/guarantee/completed | 
/job/config | cron: 0/5 * * * * ?
shardingTotalCount: 2

`
	if got != want {
		t.Fatalf("dump:\n%s\nwant:\n%s", got, want)
	}
}

// TestJobComparesWithTheCache: the four-column form where the cache holds another value or
// misses the node; nodes the cache does not follow, and data it does not keep, are not compared.
func TestJobComparesWithTheCache(t *testing.T) {
	src := newFakeSource(map[string]string{
		"/job/config":              "cron: new",
		"/job/servers":             "",
		"/job/servers/10.0.0.5":    "DISABLED",
		"/job/sharding":            "",
		"/job/sharding/0":          "item data",
		"/job/sharding/0/running":  "",
		"/job/sharding/0/instance": "10.0.0.5@-@1",
	})
	src.caches["job"] = map[string]reg.Cached{
		"/job/config":              {Followed: true, Present: true, DataKept: true, Data: "cron: old"},
		"/job/servers":             {Followed: true, Present: true, DataKept: true},
		"/job/servers/10.0.0.5":    {Followed: true}, // missing from the cache
		"/job/sharding":            {Followed: true, Present: true, DataKept: true},
		"/job/sharding/0":          {Followed: true, Present: true}, // data not kept
		"/job/sharding/0/running":  {},                              // not followed
		"/job/sharding/0/instance": {Followed: true, Present: true, DataKept: true, Data: "10.0.0.6@-@1"},
	}
	got, err := Job(context.Background(), src, "job")
	if err != nil {
		t.Fatal(err)
	}
	const want = "/job/sharding | \n" +
		"/job/sharding/0 | item data\n" +
		"/job/sharding/0/running | \n" +
		"/job/sharding/0/instance | ip1@-@1 | /job/sharding/0/instance | ip2@-@1\n" +
		"/job/servers | \n" +
		"/job/servers/ip1 | DISABLED |  | \n" +
		"/job/config | cron: new | /job/config | cron: old\n"
	if got != want {
		t.Fatalf("dump:\n%q\nwant:\n%q", got, want)
	}
}

func TestUnknownJobIsANewline(t *testing.T) {
	got, err := Job(context.Background(), tree(), "nosuchjob")
	if err != nil || got != "\n" {
		t.Fatalf("Job(nosuchjob) = %q, %v; want \"\\n\"", got, err)
	}
}

func TestJobReportsARegistryError(t *testing.T) {
	src := tree()
	src.fail = "/job/servers"
	if _, err := Job(context.Background(), src, "job"); err == nil || err.Error() != "reg: /job/servers: connection lost" {
		t.Fatalf("Job = %v; want the registry's error", err)
	}
}

func TestJobStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Job(ctx, tree(), "job"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Job = %v; want context.Canceled", err)
	}
}
