package lifecycle_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
)

// servers reads every servers/{ip} value of the jobs, "job/ip=value", sorted.
func (r *registry) serverNodes(jobs ...string) []string {
	r.t.Helper()
	var out []string
	for _, job := range jobs {
		ips, _ := r.c.Children("/" + job + "/servers")
		for _, ip := range ips {
			v, _ := r.get("/" + job + "/servers/" + ip)
			out = append(out, job+"/"+ip+"="+v)
		}
	}
	slices.Sort(out)
	return out
}

func (r *registry) children(path string) []string {
	r.t.Helper()
	kids, err := r.c.Children(path)
	if err != nil {
		r.t.Fatal(err)
	}
	slices.Sort(kids)
	return kids
}

// twoJobs: jobs a and b, both on 10.0.0.1 and 10.0.0.2, with one instance per server each.
func twoJobs(r *registry) {
	for _, job := range []string{"a", "b"} {
		r.job(jobapi.NewJobConfiguration(job, 2), map[string]string{"10.0.0.1": "ENABLED", "10.0.0.2": "ENABLED"})
		r.instance(job, "10.0.0.1", 1)
		r.instance(job, "10.0.0.2", 2)
	}
}

// Disable and Enable by job, by server and by both write servers/{ip} as ElasticJob does; a
// job or server that does not exist is an error and nothing is written.
func TestDisableEnable(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	check := func(want ...string) {
		t.Helper()
		if got := r.serverNodes("a", "b"); !slices.Equal(got, want) {
			t.Errorf("servers = %v\nwant      %v", got, want)
		}
	}
	must(t, r.op.Disable(ctx(), "a", "10.0.0.1"))
	check("a/10.0.0.1=DISABLED", "a/10.0.0.2=ENABLED", "b/10.0.0.1=ENABLED", "b/10.0.0.2=ENABLED")
	must(t, r.op.Disable(ctx(), "", "10.0.0.2"))
	check("a/10.0.0.1=DISABLED", "a/10.0.0.2=DISABLED", "b/10.0.0.1=ENABLED", "b/10.0.0.2=DISABLED")
	must(t, r.op.Enable(ctx(), "a", ""))
	check("a/10.0.0.1=ENABLED", "a/10.0.0.2=ENABLED", "b/10.0.0.1=ENABLED", "b/10.0.0.2=DISABLED")
	must(t, r.op.Disable(ctx(), "b", ""))
	check("a/10.0.0.1=ENABLED", "a/10.0.0.2=ENABLED", "b/10.0.0.1=DISABLED", "b/10.0.0.2=DISABLED")
	must(t, r.op.Enable(ctx(), "", "10.0.0.1"))
	check("a/10.0.0.1=ENABLED", "a/10.0.0.2=ENABLED", "b/10.0.0.1=ENABLED", "b/10.0.0.2=DISABLED")

	for _, c := range []struct{ job, ip, want string }{
		{"", "", "lifecycle: give a job name, a server IP or both"},
		{"nosuch", "", `lifecycle: job "nosuch": not found`},
		{"nosuch", "10.0.0.1", `lifecycle: job "nosuch": not found`},
		{"a", "10.0.0.9", `lifecycle: job "a" has no server "10.0.0.9": not found`},
		{"", "10.0.0.9", `lifecycle: server "10.0.0.9": not found`},
		{"", "10.0.0.1/x", `lifecycle: "10.0.0.1/x" is not a server IP`},
		{"a/b", "", `lifecycle: "a/b": job name must not contain / (it is a ZooKeeper path segment)`},
	} {
		err := r.op.Disable(ctx(), c.job, c.ip)
		if err == nil || err.Error() != c.want {
			t.Errorf("Disable(%q, %q) = %v, want %s", c.job, c.ip, err, c.want)
		}
	}
	check("a/10.0.0.1=ENABLED", "a/10.0.0.2=ENABLED", "b/10.0.0.1=ENABLED", "b/10.0.0.2=DISABLED")
	if got := r.children("/"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("errors wrote nodes: / holds %v", got)
	}
}

// Shutdown deletes the instance nodes the job and/or server select, matching instances to a
// server by the serverIp of their YAML; Remove does that and deletes the server nodes.
func TestShutdownAndRemove(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	// An instance whose id names 10.0.0.1 but whose YAML says 10.0.0.2 is on 10.0.0.2.
	r.put("/a/instances/10.0.0.1@-@3", "jobInstanceId: 10.0.0.1@-@3\nserverIp: 10.0.0.2\n")

	must(t, r.op.Shutdown(ctx(), "a", "10.0.0.2"))
	if got := r.children("/a/instances"); !slices.Equal(got, []string{"10.0.0.1@-@1"}) {
		t.Errorf("a's instances after shutdown on 10.0.0.2: %v", got)
	}
	if got := r.children("/b/instances"); len(got) != 2 {
		t.Errorf("b's instances: %v", got)
	}
	if got := r.serverNodes("a"); len(got) != 2 {
		t.Errorf("shutdown removed server nodes: %v", got)
	}
	must(t, r.op.Shutdown(ctx(), "", "10.0.0.1"))
	if a, b := r.children("/a/instances"), r.children("/b/instances"); len(a) != 0 || !slices.Equal(b, []string{"10.0.0.2@-@2"}) {
		t.Errorf("after shutdown of 10.0.0.1: a %v, b %v", a, b)
	}
	must(t, r.op.Remove(ctx(), "b", ""))
	if b, s := r.children("/b/instances"), r.serverNodes("b"); len(b) != 0 || len(s) != 0 {
		t.Errorf("after remove b: instances %v, servers %v", b, s)
	}
	if _, ok := r.get("/b/config"); !ok {
		t.Error("remove deleted the configuration")
	}
	r.instance("a", "10.0.0.2", 5)
	must(t, r.op.Remove(ctx(), "", "10.0.0.2"))
	if got := r.serverNodes("a", "b"); !slices.Equal(got, []string{"a/10.0.0.1=ENABLED"}) {
		t.Errorf("servers after remove of 10.0.0.2: %v", got)
	}
	if got := r.children("/a/instances"); len(got) != 0 {
		t.Errorf("a's instances after remove of 10.0.0.2: %v", got)
	}
	if err := r.op.Shutdown(ctx(), "", "10.0.0.2"); !errors.Is(err, lifecycle.ErrNotFound) {
		t.Errorf("shutdown of a removed server: %v", err)
	}
}

// Trigger recreates trigger/ with a node per instance, empty as ElasticJob's; with a parameter
// the nodes carry it. A job without instances or configuration is an error.
func TestTrigger(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	r.put("/a/trigger/10.0.0.9@-@9", "") // a leftover of a gone instance
	must(t, r.op.Trigger(ctx(), "a"))
	if got := r.children("/a/trigger"); !slices.Equal(got, []string{"10.0.0.1@-@1", "10.0.0.2@-@2"}) {
		t.Errorf("trigger/ = %v", got)
	}
	if v, _ := r.get("/a/trigger/10.0.0.1@-@1"); v != "" {
		t.Errorf("plain trigger data %q", v)
	}
	must(t, r.op.Remove(ctx(), "b", "10.0.0.1"))
	must(t, r.op.TriggerWithParameter(ctx(), "b", "day=2026-12-07"))
	if got := r.children("/b/trigger"); !slices.Equal(got, []string{"10.0.0.2@-@2"}) {
		t.Errorf("trigger/ = %v", got)
	}
	v, _ := r.get("/b/trigger/10.0.0.2@-@2")
	if p, ok, err := nodedata.UnmarshalTrigger(v); !ok || err != nil || p != "day=2026-12-07" {
		t.Errorf("trigger data %q: %q %v %v", v, p, ok, err)
	}
	must(t, r.op.Shutdown(ctx(), "b", ""))
	if err := r.op.Trigger(ctx(), "b"); !errors.Is(err, lifecycle.ErrNoInstance) || err.Error() != `lifecycle: job "b": no instance online to run a trigger` {
		t.Errorf("trigger without instances: %v", err)
	}
	if err := r.op.Trigger(ctx(), "nosuch"); !errors.Is(err, lifecycle.ErrNotFound) {
		t.Errorf("trigger of an unknown job: %v", err)
	}
	if _, ok := r.get("/nosuch"); ok {
		t.Error("trigger of an unknown job wrote /nosuch")
	}
}

// DisableItem and EnableItem write sharding/{i}/disabled for an item of the job.
func TestDisableEnableItem(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	must(t, r.op.DisableItem(ctx(), "a", 1))
	if v, ok := r.get("/a/sharding/1/disabled"); !ok || v != "" {
		t.Errorf("sharding/1/disabled = %q, %v", v, ok)
	}
	must(t, r.op.EnableItem(ctx(), "a", 1))
	if _, ok := r.get("/a/sharding/1/disabled"); ok {
		t.Error("sharding/1/disabled still there")
	}
	for _, item := range []int{2, -1} {
		err := r.op.DisableItem(ctx(), "a", item)
		if !errors.Is(err, lifecycle.ErrNotFound) || !strings.Contains(err.Error(), `job "a" has items 0 to 1`) {
			t.Errorf("DisableItem(a, %d): %v", item, err)
		}
	}
	if err := r.op.DisableItem(ctx(), "nosuch", 0); !errors.Is(err, lifecycle.ErrNotFound) {
		t.Errorf("DisableItem(nosuch): %v", err)
	}
	if got := r.children("/a/sharding"); len(got) != 1 {
		t.Errorf("sharding/ = %v", got)
	}
}

// UpdateConfig writes what ElasticJob writes, after the start-up's checks: what a service would
// refuse leaves the node as it was.
func TestUpdateConfig(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	r.put("/s", "SCRIPT") // a job declared by elasticJobType
	script := jobapi.NewJobConfiguration("s", 1)
	script.Props = map[string]string{"script.command.line": "/bin/true"}
	r.put("/s/config", nodedata.MarshalJobConfig(script))

	cfg, err := r.op.Config(ctx(), "a")
	must(t, err)
	cfg.Cron, cfg.TimeZone, cfg.ShardingTotalCount, cfg.JobParameter = "0/5 * * * * ?", "Asia/Shanghai", 4, "p"
	must(t, r.op.UpdateConfig(ctx(), cfg))
	if v, _ := r.get("/a/config"); v != nodedata.MarshalJobConfig(cfg) {
		t.Errorf("config = %q", v)
	}
	before, _ := r.get("/a/config")
	for _, c := range []struct {
		change func(*jobapi.JobConfiguration)
		want   string
	}{
		{func(c *jobapi.JobConfiguration) { c.ShardingTotalCount = 0 }, `shardingTotalCount: 0 is out of range: want a positive int`},
		{func(c *jobapi.JobConfiguration) { c.Cron = "0 0 25 * * ?" }, `job "a": cron: hours: value 25 out of range 0-23`},
		{func(c *jobapi.JobConfiguration) { c.TimeZone = "Mars/Base" }, `unknown time zone "Mars/Base"`},
		{func(c *jobapi.JobConfiguration) { c.JobErrorHandlerType = "EMAIL" }, `jobErrorHandlerType EMAIL: email.host: required`},
		{func(c *jobapi.JobConfiguration) { c.JobExecutorServiceHandlerType = "MANY" }, `jobExecutorServiceHandlerType: "MANY" is not allowed: want one of CPU, SINGLE_THREAD`},
		{func(c *jobapi.JobConfiguration) { c.JobErrorHandlerType = "PAGER" }, `jobErrorHandlerType: "PAGER" is not allowed`},
		{func(c *jobapi.JobConfiguration) { c.JobShardingStrategyType = "avg" }, `jobShardingStrategyType: "avg" is not allowed`},
		{func(c *jobapi.JobConfiguration) { c.JobName = "" }, `lifecycle: jobName is empty`},
	} {
		bad := cfg
		c.change(&bad)
		err := r.op.UpdateConfig(ctx(), bad)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("update %+v: %v, want %s", bad, err, c.want)
		}
	}
	if v, _ := r.get("/a/config"); v != before {
		t.Errorf("a refused update wrote %q", v)
	}
	// A SCRIPT job's props are checked as a service checks them.
	script.Props = nil
	if err := r.op.UpdateConfig(ctx(), script); err == nil || !strings.Contains(err.Error(), "script.command.line") {
		t.Errorf("SCRIPT job without its command line: %v", err)
	}
	missing := jobapi.NewJobConfiguration("nosuch", 1)
	if err := r.op.UpdateConfig(ctx(), missing); !errors.Is(err, lifecycle.ErrNotFound) {
		t.Errorf("update of an unknown job: %v", err)
	}
}

// RemoveConfig deletes the whole job, once no instance is online.
func TestRemoveConfig(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	err := r.op.RemoveConfig(ctx(), "a")
	if err == nil || err.Error() != `lifecycle: job "a" has 2 instance(s) online: shut it down before removing it` {
		t.Errorf("remove with instances online: %v", err)
	}
	must(t, r.op.Shutdown(ctx(), "a", ""))
	must(t, r.op.RemoveConfig(ctx(), "a"))
	if got := r.children("/"); !slices.Equal(got, []string{"b"}) {
		t.Errorf("/ = %v", got)
	}
	if err := r.op.RemoveConfig(ctx(), "a"); !errors.Is(err, lifecycle.ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
}

// ParseConfig refuses keys the registry's lenient reader would ignore, naming file and line;
// FormatConfig is what ElasticJob writes.
func TestParseConfig(t *testing.T) {
	cfg := jobapi.NewJobConfiguration("x", 3)
	cfg.Cron = "0/5 * * * * ?"
	text := lifecycle.FormatConfig(cfg)
	got, err := lifecycle.ParseConfig("x.yaml", []byte(text))
	must(t, err)
	if lifecycle.FormatConfig(got) != text {
		t.Errorf("round trip:\n%s\nwant\n%s", lifecycle.FormatConfig(got), text)
	}
	_, err = lifecycle.ParseConfig("x.yaml", []byte("jobName: x\nshardingTotalCont: 3\ncron: '* * * * * ?'\nfoo: 1\n"))
	want := "x.yaml:2: \"shardingTotalCont\" is not a job configuration key (did you mean shardingTotalCount?)\nx.yaml:4: \"foo\" is not a job configuration key"
	if err == nil || err.Error() != want {
		t.Errorf("unknown keys: %v\nwant %s", err, want)
	}
	_, err = lifecycle.ParseConfig("x.yaml", []byte("shardingTotalCount: many\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "x.yaml: config YAML: shardingTotalCount") {
		t.Errorf("bad value: %v", err)
	}
}

// Every change is audited: who, what, which job and server.
func TestAudit(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	var buf bytes.Buffer
	op, err := lifecycle.Open(ctx(), starter.RegistryCenterConfig{ServerLists: r.servers, Namespace: r.ns},
		lifecycle.WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))),
		lifecycle.WithActor("alice"))
	must(t, err)
	defer op.Close()
	must(t, op.Disable(ctx(), "a", "10.0.0.1"))
	must(t, op.DisableItem(ctx(), "b", 0))
	if _, err := op.Jobs(ctx()); err != nil {
		t.Fatal(err)
	}
	want := `level=INFO msg="elasticjob: operator action" actor=alice action=disable job=a server=10.0.0.1
level=INFO msg="elasticjob: operator action" actor=alice action=disable-item job=b item=0
`
	if buf.String() != want {
		t.Errorf("audit:\n%s\nwant\n%s", buf.String(), want)
	}
}

// Operators opened on the same registry share one session, which the last Close ends; a
// registry that cannot be reached or has no servers is an error naming it.
func TestOpen(t *testing.T) {
	r := newRegistry(t)
	twoJobs(r)
	cfg := starter.RegistryCenterConfig{ServerLists: r.servers, Namespace: r.ns}
	a, err := lifecycle.Open(ctx(), cfg)
	must(t, err)
	b, err := lifecycle.Open(ctx(), cfg)
	must(t, err)
	must(t, a.Close())
	must(t, a.Close()) // idempotent: b's share stays
	if _, err := b.Jobs(ctx()); err != nil {
		t.Fatalf("after the other's Close: %v", err)
	}
	must(t, b.Close())

	_, err = lifecycle.Open(ctx(), starter.RegistryCenterConfig{Namespace: r.ns})
	if err == nil || !strings.Contains(err.Error(), "serverLists is empty") {
		t.Errorf("no servers: %v", err)
	}
	_, err = lifecycle.Open(ctx(), starter.RegistryCenterConfig{ServerLists: "127.0.0.1:1", Namespace: r.ns,
		MaxSleepTime: 200e6, MaxRetries: 2})
	if err == nil || !strings.Contains(err.Error(), "no ZooKeeper session with 127.0.0.1:1") {
		t.Errorf("unreachable: %v", err)
	}
	c, cancel := context.WithCancel(ctx())
	cancel()
	if _, err := b.Jobs(c); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context: %v", err)
	}
}

// A registry whose nodes are protected by a digest refuses an operator without it, and the
// error says so; nothing is written.
func TestDigestRefused(t *testing.T) {
	r := newRegistry(t)
	cfg := starter.RegistryCenterConfig{ServerLists: r.servers, Namespace: r.ns + "-digest", Digest: "ops:right"}
	rightOp, err := lifecycle.Open(ctx(), cfg)
	must(t, err)
	defer rightOp.Close()
	// The service's registry writes with the digest: every node gets CREATOR_ALL_ACL.
	rc, err := starter.NewRegistryCenter(ctx(), cfg, starter.WithIP("10.0.0.1"), starter.WithLogger(slog.New(slog.DiscardHandler)))
	must(t, err)
	defer rc.Close(ctx())
	job := jobapi.NewJobConfiguration("guarded", 1)
	job.Cron = yearly
	_, err = starter.NewScheduleJobBootstrap(rc, starter.SimpleJobFunc(func(context.Context, starter.ShardingContext) error { return nil }), job)
	must(t, err)
	if _, err := rightOp.Job(ctx(), "guarded"); err != nil {
		t.Fatalf("with the digest: %v", err)
	}
	cfg.Digest = "ops:wrong"
	wrong, err := lifecycle.Open(ctx(), cfg)
	must(t, err)
	defer wrong.Close()
	_, err = wrong.Job(ctx(), "guarded")
	if err == nil || !strings.Contains(err.Error(), "refused access (wrong or missing digest)") || strings.Contains(err.Error(), "wrong:") {
		t.Errorf("wrong digest: %v", err)
	}
	if err := wrong.Disable(ctx(), "guarded", ""); err == nil {
		t.Error("wrong digest disabled the job")
	}
	if got, err := rightOp.Servers(ctx()); err != nil || got[0].DisabledJobsNum != 0 {
		t.Errorf("servers after the refused disable: %+v, %v", got, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
