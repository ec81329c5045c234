package lifecycle_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/lifecycle"
)

const yearly = "0 0 0 1 1 ? 2099" // one fire: 2099-01-01 00:00 in the job's zone

// Each job status, from the nodes ElasticJob reads, checked in ElasticJob's order: CRASHED
// (no instance) before DISABLED (every server disabled, also with none) before SHARDING_FLAG
// (no item assigned, or one assigned to a gone instance) before OK.
func TestJobStatuses(t *testing.T) {
	r := newRegistry(t)
	cfg := func(name string) jobapi.JobConfiguration {
		c := jobapi.NewJobConfiguration(name, 2)
		c.Cron, c.TimeZone, c.Description = yearly, "UTC", name+" job"
		return c
	}
	// crashed: disabled and unassigned too, but no instance comes first.
	r.job(cfg("crashed"), map[string]string{"10.0.0.1": "DISABLED"})
	// disabled: every server disabled, items assigned to a gone instance.
	r.job(cfg("disabled"), map[string]string{"10.0.0.1": "DISABLED", "10.0.0.2": "DISABLED"})
	r.instance("disabled", "10.0.0.1", 1)
	r.put("/disabled/sharding/0/instance", "10.0.0.9@-@9")
	// noServers: an instance but no server node: vacuously all disabled.
	r.job(cfg("noServers"), nil)
	r.instance("noServers", "10.0.0.1", 1)
	// unassigned: one server enabled, no item assigned.
	r.job(cfg("unassigned"), map[string]string{"10.0.0.1": "ENABLED", "10.0.0.2": "DISABLED"})
	r.instance("unassigned", "10.0.0.1", 1)
	r.put("/unassigned/sharding/0", "")
	// goneOwner: item 1 belongs to an instance that left.
	r.job(cfg("goneOwner"), map[string]string{"10.0.0.1": "ENABLED"})
	a := r.instance("goneOwner", "10.0.0.1", 1)
	r.put("/goneOwner/sharding/0/instance", a)
	r.put("/goneOwner/sharding/1/instance", "10.0.0.1@-@2")
	// ok: both items on live instances.
	r.job(cfg("ok"), map[string]string{"10.0.0.1": "ENABLED"})
	a = r.instance("ok", "10.0.0.1", 1)
	b := r.instance("ok", "10.0.0.1", 2)
	r.put("/ok/sharding/0/instance", a)
	r.put("/ok/sharding/1/instance", b)
	// A node without config is not a job (but counts in JobsTotalCount, as in ElasticJob).
	r.put("/notAJob/servers/10.0.0.1", "ENABLED")

	jobs, err := r.op.Jobs(ctx())
	if err != nil {
		t.Fatal(err)
	}
	next := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	want := []lifecycle.JobBriefInfo{
		{JobName: "crashed", Status: lifecycle.JobCrashed, InstanceCount: 0},
		{JobName: "disabled", Status: lifecycle.JobDisabled, InstanceCount: 1},
		{JobName: "goneOwner", Status: lifecycle.JobShardingFlag, InstanceCount: 1},
		{JobName: "noServers", Status: lifecycle.JobDisabled, InstanceCount: 1},
		{JobName: "ok", Status: lifecycle.JobOK, InstanceCount: 2},
		{JobName: "unassigned", Status: lifecycle.JobShardingFlag, InstanceCount: 1},
	}
	if len(jobs) != len(want) {
		t.Fatalf("jobs = %+v", jobs)
	}
	for i, w := range want {
		w.Cron, w.ShardingTotalCount, w.Description = yearly, 2, w.JobName+" job"
		got := jobs[i]
		if got.NextFireTime == nil || !got.NextFireTime.Equal(next) {
			t.Errorf("%s: next fire %v, want %v", w.JobName, got.NextFireTime, next)
		}
		got.NextFireTime = nil
		if !reflect.DeepEqual(got, w) {
			t.Errorf("job %d = %+v\nwant    %+v", i, got, w)
		}
	}
	if n, err := r.op.JobsTotalCount(ctx()); err != nil || n != 7 {
		t.Errorf("JobsTotalCount = %d, %v; want 7", n, err)
	}
	one, err := r.op.Job(ctx(), "ok")
	if err != nil || one.Status != lifecycle.JobOK || one.InstanceCount != 2 {
		t.Errorf("Job(ok) = %+v, %v", one, err)
	}
	// JobWithConfig is Job and Config at once.
	both, gotCfg, err := r.op.JobWithConfig(ctx(), "ok")
	wantCfg, cfgErr := r.op.Config(ctx(), "ok")
	if err != nil || cfgErr != nil || !reflect.DeepEqual(both, one) || !reflect.DeepEqual(gotCfg, wantCfg) || gotCfg.JobName != "ok" {
		t.Errorf("JobWithConfig(ok) = %+v, %+v, %v; want %+v, %+v (%v)", both, gotCfg, err, one, wantCfg, cfgErr)
	}
	for _, name := range []string{"nosuch", "notAJob"} {
		_, err := r.op.Job(ctx(), name)
		if !errors.Is(err, lifecycle.ErrNotFound) || err.Error() != `lifecycle: job "`+name+`": not found` {
			t.Errorf("Job(%s): %v", name, err)
		}
		_, _, err = r.op.JobWithConfig(ctx(), name)
		if !errors.Is(err, lifecycle.ErrNotFound) || err.Error() != `lifecycle: job "`+name+`": not found` {
			t.Errorf("JobWithConfig(%s): %v", name, err)
		}
	}
}

// Each item status (DISABLED before RUNNING before SHARDING_FLAG before PENDING), the failover
// flag, the instance's IP and id from its YAML, and the fire last started from sharding/{i}.
func TestItemStatuses(t *testing.T) {
	r := newRegistry(t)
	cfg := jobapi.NewJobConfiguration("items", 6)
	r.job(cfg, map[string]string{"10.0.0.1": "ENABLED", "10.0.0.2": "ENABLED"})
	a := r.instance("items", "10.0.0.1", 1)
	b := r.instance("items", "10.0.0.2", 2)
	started := time.Date(2026, 12, 7, 10, 0, 5, 0, time.UTC)
	r.put("/items/sharding/0", "1796637605000") // the make-up record: unix millis of started
	r.put("/items/sharding/0/instance", a)      // pending
	r.put("/items/sharding/1/instance", a)      // disabled and running: disabled first
	r.put("/items/sharding/1/disabled", "")
	r.put("/items/sharding/1/running", "")
	r.put("/items/sharding/2/instance", b) // running, failover
	r.put("/items/sharding/2/running", "")
	r.put("/items/sharding/2/failover", b)
	r.put("/items/sharding/3/instance", "10.0.0.3@-@3") // gone
	r.put("/items/sharding/4", "")                      // no instance
	r.put("/items/sharding/5/instance", b)              // pending
	r.put("/items/sharding/x", "")                      // not an item

	got, err := r.op.Sharding(ctx(), "items")
	if err != nil {
		t.Fatal(err)
	}
	want := []lifecycle.ShardingInfo{
		{Item: 0, ServerIP: "10.0.0.1", InstanceID: a, Status: lifecycle.ItemPending, LastFireStarted: &started},
		{Item: 1, ServerIP: "10.0.0.1", InstanceID: a, Status: lifecycle.ItemDisabled},
		{Item: 2, ServerIP: "10.0.0.2", InstanceID: b, Status: lifecycle.ItemRunning, Failover: true},
		{Item: 3, Status: lifecycle.ItemShardingFlag},
		{Item: 4, Status: lifecycle.ItemShardingFlag},
		{Item: 5, ServerIP: "10.0.0.2", InstanceID: b, Status: lifecycle.ItemPending},
	}
	if len(got) != len(want) {
		t.Fatalf("sharding = %+v", got)
	}
	for i := range want {
		if g, w := got[i].LastFireStarted, want[i].LastFireStarted; (g == nil) != (w == nil) || (g != nil && !g.Equal(*w)) {
			t.Errorf("item %d: last fire started %v, want %v", i, g, w)
		}
		got[i].LastFireStarted, want[i].LastFireStarted = nil, nil
		if got[i] != want[i] {
			t.Errorf("item %d = %+v\nwant     %+v", i, got[i], want[i])
		}
	}
	if _, err := r.op.Sharding(ctx(), "nosuch"); !errors.Is(err, lifecycle.ErrNotFound) {
		t.Errorf("Sharding(nosuch): %v", err)
	}
}

// Servers are the union of the jobs' servers/ nodes; instances are matched to them by the
// serverIp of their YAML (not by their id); a disabled server counts per job, and only exactly
// DISABLED disables, as the engine reads it ("disabled" runs items, so it is not shown disabled).
func TestServers(t *testing.T) {
	r := newRegistry(t)
	r.job(jobapi.NewJobConfiguration("one", 1), map[string]string{"10.0.0.1": "ENABLED", "10.0.0.2": "DISABLED"})
	r.job(jobapi.NewJobConfiguration("two", 1), map[string]string{"10.0.0.2": "disabled"})
	a := r.instance("one", "10.0.0.1", 1)
	r.instance("one", "10.0.0.2", 2)
	// An instance whose id says one IP and whose YAML says another belongs to the YAML's.
	r.put("/two/instances/10.0.0.1@-@3", "jobInstanceId: 10.0.0.1@-@3\nserverIp: 10.0.0.2\n")
	// An instance on a server without a server node is not counted.
	r.instance("two", "10.0.0.3", 4)

	got, err := r.op.Servers(ctx())
	if err != nil {
		t.Fatal(err)
	}
	want := []lifecycle.ServerBriefInfo{
		{ServerIP: "10.0.0.1", Instances: []string{a}, JobNames: []string{"one"}, InstancesNum: 1, JobsNum: 1},
		{ServerIP: "10.0.0.2", Instances: []string{"10.0.0.1@-@3", "10.0.0.2@-@2"}, JobNames: []string{"one", "two"}, InstancesNum: 2, JobsNum: 2, DisabledJobsNum: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("servers = %+v\nwant      %+v", got, want)
	}
	if n, err := r.op.ServersTotalCount(ctx()); err != nil || n != 2 {
		t.Errorf("ServersTotalCount = %d, %v", n, err)
	}
	onTwo, err := r.op.JobsOnServer(ctx(), "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	wantOn := []lifecycle.JobBriefInfo{
		{JobName: "one", Status: lifecycle.JobDisabled, InstanceCount: 1},
		{JobName: "two", Status: lifecycle.JobOK, InstanceCount: 1},
	}
	if !reflect.DeepEqual(onTwo, wantOn) {
		t.Errorf("JobsOnServer(10.0.0.2) = %+v", onTwo)
	}
	if _, err := r.op.JobsOnServer(ctx(), "10.9.9.9"); !errors.Is(err, lifecycle.ErrNotFound) || err.Error() != `lifecycle: server "10.9.9.9": not found` {
		t.Errorf("JobsOnServer(unknown): %v", err)
	}
}
