package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/examples/cluster/clustertest"
	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testdata is absolute: a test changes the working directory.
var testdata, _ = filepath.Abs("testdata")

func TestMain(m *testing.M) { goleak.VerifyTestMain(zktest.Wrap(m)) }

// fixture is a namespace holding what a three-instance cluster leaves in the registry (two
// instances on 10.0.0.1, one on 10.0.0.2), written node by node so that the output is the same
// at every run: fires in 2099, fixed instance ids.
type fixture struct {
	t       *testing.T
	servers string
	ns      string
	c       *reg.Center
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("ejctl-%s-%d", t.Name(), time.Now().UnixNano())
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	f := &fixture{t: t, servers: servers, ns: ns, c: c}

	order := jobapi.NewJobConfiguration("orderSync", 3)
	order.Cron, order.TimeZone, order.Failover, order.Description = "0 0 0 1 1 ? 2099", "UTC", true, "sync orders"
	f.job(order, map[string]string{"10.0.0.1": "ENABLED", "10.0.0.2": "ENABLED"}, "10.0.0.1@-@101", "10.0.0.1@-@102", "10.0.0.2@-@201")
	f.put("/orderSync/sharding/0", "4070908800000") // make-up's record: the fire of 2099-01-01 00:00 UTC
	f.put("/orderSync/sharding/0/instance", "10.0.0.1@-@101")
	f.put("/orderSync/sharding/1/instance", "10.0.0.1@-@102")
	f.put("/orderSync/sharding/1/running", "")
	f.put("/orderSync/sharding/1/failover", "10.0.0.1@-@102")
	f.put("/orderSync/sharding/2/instance", "10.0.0.2@-@201")
	f.put("/orderSync/sharding/2/disabled", "")

	report := jobapi.NewJobConfiguration("report", 2)
	report.Cron, report.TimeZone, report.Description = "0 30 2 * * ? 2099", "Asia/Shanghai", "nightly report"
	f.job(report, map[string]string{"10.0.0.1": "DISABLED", "10.0.0.2": "DISABLED"}, "10.0.0.2@-@201")
	f.put("/report/sharding/0/instance", "10.0.0.2@-@201")
	f.put("/report/sharding/1/instance", "10.0.0.2@-@201")

	reshard := jobapi.NewJobConfiguration("reshard", 2)
	reshard.Cron, reshard.TimeZone = "0 0 12 1 6 ? 2099", "UTC"
	f.job(reshard, map[string]string{"10.0.0.1": "ENABLED"}, "10.0.0.1@-@101")
	f.put("/reshard/sharding/0/instance", "10.0.0.1@-@101")
	f.put("/reshard/sharding/1/instance", "10.0.0.1@-@999") // gone

	f.job(jobapi.NewJobConfiguration("cleanup", 1), map[string]string{"10.0.0.1": "ENABLED"})
	return f
}

func (f *fixture) put(path, value string) {
	f.t.Helper()
	if err := f.c.Persist(path, value); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) get(path string) string {
	f.t.Helper()
	v, err := f.c.Get(path)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return v
}

func (f *fixture) job(cfg jobapi.JobConfiguration, servers map[string]string, instances ...string) {
	f.t.Helper()
	f.put("/"+cfg.JobName, "example.com/jobs.Job")
	f.put("/"+cfg.JobName+"/config", nodedata.MarshalJobConfig(cfg))
	for ip, state := range servers {
		f.put("/"+cfg.JobName+"/servers/"+ip, state)
	}
	for _, id := range instances {
		ip, _, _ := strings.Cut(id, "@-@")
		f.put("/"+cfg.JobName+"/instances/"+id, nodedata.MarshalInstance(nodedata.Instance{JobInstanceID: id, ServerIP: ip}))
	}
}

// ejctl runs the command in process, on the fixture's registry unless noRegistry, and returns
// what a person sees: the command, stdout, stderr (log times and the actor, the servers and
// namespace replaced) and the exit status.
func (f *fixture) ejctl(noRegistry bool, args ...string) string {
	f.t.Helper()
	full := args
	if !noRegistry {
		full = append(append([]string(nil), args...), "--server-lists", f.servers, "--namespace", f.ns)
	}
	var out, errOut bytes.Buffer
	code := runIn(context.Background(), full, &out, &errOut, time.UTC)
	stderr := regexp.MustCompile(`time=\S+ `).ReplaceAllString(errOut.String(), "")
	stderr = regexp.MustCompile(`actor=\S+`).ReplaceAllString(stderr, "actor=USER@HOST")
	all := fmt.Sprintf("$ ejctl %s\n%s--- stderr\n%s--- exit %d\n", strings.Join(args, " "), out.String(), stderr, code)
	return strings.ReplaceAll(strings.ReplaceAll(all, f.servers, "ZK"), f.ns, "NS")
}

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testdata, name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to record it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// The read commands print aligned tables for people and ElasticJob's field names with -o json.
func TestReadCommands(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"jobs", []string{"jobs"}},
		{"jobs-json", []string{"jobs", "-o", "json"}},
		{"jobs-on-server", []string{"jobs", "--server", "10.0.0.2"}},
		{"job", []string{"job", "orderSync"}},
		{"job-json", []string{"job", "report", "-o", "json"}},
		{"servers", []string{"servers"}},
		{"servers-json", []string{"servers", "-o", "json"}},
		{"sharding", []string{"sharding", "orderSync"}},
		{"sharding-json", []string{"sharding", "orderSync", "-o", "json"}},
		{"config-get", []string{"config", "get", "orderSync"}},
		{"config-get-json", []string{"config", "get", "report", "-o", "json"}},
	} {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, f.ejctl(false, c.args...)) })
	}
}

// Errors are one line naming what failed, exit 1, nothing changed; bad usage exits 2.
func TestErrorsAndUsage(t *testing.T) {
	f := newFixture(t)
	var got strings.Builder
	for _, args := range [][]string{
		{"job", "nosuch"},
		{"sharding", "nosuch"},
		{"trigger", "cleanup"},
		{"disable-item", "orderSync", "3"},
		{"disable", "--server", "10.9.9.9"},
		{"enable", "orderSync", "--server", "10.9.9.9"},
		{"shutdown", "nosuch"},
		{"config", "set", "orderSync", "-f", "testdata/bad-config.yaml"},
		{"config", "set", "orderSync", "-f", "testdata/refused-config.yaml"},
		{"config", "set", "orderSync", "-f", "testdata/other-job.yaml"},
		{"config", "remove", "orderSync"},
		{"jobs", "extra"},
		{"job"},
		{"disable"},
		{"disable-item", "orderSync", "x"},
		{"config", "set", "orderSync"},
		{"config", "list", "orderSync"},
		{"jobs", "-o", "xml"},
		{"jobs", "--color"},
		{"bogus"},
	} {
		got.WriteString(f.ejctl(false, args...))
	}
	got.WriteString(f.ejctl(true))
	golden(t, "errors", got.String())
	// Nothing was changed.
	for path, want := range map[string]string{
		"/orderSync/servers/10.0.0.2":    "ENABLED",
		"/orderSync/config":              f.get("/orderSync/config"),
		"/orderSync/sharding/2/disabled": "",
	} {
		if got := f.get(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if kids, _ := f.c.Children("/"); len(kids) != 4 {
		t.Errorf("/ holds %v", kids)
	}
}

// The write commands say what they did, change the nodes ElasticJob's API changes, and audit
// each change on stderr.
func TestWriteCommands(t *testing.T) {
	f := newFixture(t)
	var got strings.Builder
	run := func(args ...string) { got.WriteString(f.ejctl(false, args...)) }
	run("disable", "orderSync", "--server", "10.0.0.2")
	if v := f.get("/orderSync/servers/10.0.0.2"); v != "DISABLED" {
		t.Errorf("servers/10.0.0.2 = %q", v)
	}
	run("enable", "--server", "10.0.0.1")
	if v := f.get("/report/servers/10.0.0.1"); v != "ENABLED" {
		t.Errorf("report/servers/10.0.0.1 = %q", v)
	}
	run("trigger", "orderSync", "--param", "day=2099-01-01")
	if v := f.get("/orderSync/trigger/10.0.0.2@-@201"); v != `{"jobParameter":"day=2099-01-01"}` {
		t.Errorf("trigger data %q", v)
	}
	run("enable-item", "orderSync", "2")
	run("disable-item", "orderSync", "0")
	run("sharding", "orderSync")
	run("shutdown", "orderSync", "--server", "10.0.0.1")
	run("remove", "reshard")
	run("jobs")
	run("config", "set", "report", "-f", "testdata/report-config.yaml")
	if v := f.get("/report/config"); !strings.Contains(v, "shardingTotalCount: 4") {
		t.Errorf("report/config = %q", v)
	}
	run("config", "remove", "cleanup")
	run("servers", "-o", "json")
	golden(t, "writes", got.String())
}

// In a service's directory ejctl reads the registry from application.yaml, as the service
// does, and the ELASTICJOB_* environment over it; a file that does not validate is an error
// naming it.
func TestRegistryFromTheServiceConfiguration(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	t.Chdir(dir)
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "application.yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(fmt.Sprintf("elasticjob:\n  regCenter:\n    serverLists: %s\n    namespace: %s\n  jobs:\n    codeOnly:\n      cron: '0 * * * * ?'\n", f.servers, f.ns))
	var got strings.Builder
	got.WriteString(f.ejctl(true, "jobs"))
	write(fmt.Sprintf("elasticjob:\n  regCenter:\n    serverLists: %s\n    namespace: elsewhere\n", f.servers))
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", f.ns)
	got.WriteString(f.ejctl(true, "job", "reshard"))
	write("elasticjob:\n  regCenter:\n    serverList: 127.0.0.1:2181\n")
	got.WriteString(f.ejctl(true, "jobs"))
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte(fmt.Sprintf("elasticjob:\n  regCenter:\n    serverLists: %s\n", f.servers)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ELASTICJOB_CONFIG", other) // instead of application.yaml
	got.WriteString(f.ejctl(true, "job", "cleanup"))
	t.Setenv("ELASTICJOB_CONFIG", "")
	os.Remove(filepath.Join(dir, "application.yaml"))
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", "")
	got.WriteString(f.ejctl(true, "jobs"))
	golden(t, "service-config", got.String())
}

// A registry that cannot be reached within the retry bound and a refused digest are one line,
// exit 1.
func TestUnreachableAndRefused(t *testing.T) {
	f := newFixture(t)
	guarded, err := reg.Connect(context.Background(), reg.Config{ServerLists: f.servers, Namespace: f.ns + "-guarded", Digest: "ops:right"})
	if err != nil {
		t.Fatal(err)
	}
	defer guarded.Close()
	cfg := jobapi.NewJobConfiguration("guarded", 1)
	if err := guarded.Persist("/guarded/config", nodedata.MarshalJobConfig(cfg)); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	t.Setenv("ELASTICJOB_REGCENTER_MAXSLEEPTIMEMILLISECONDS", "200")
	t.Setenv("ELASTICJOB_REGCENTER_MAXRETRIES", "2")
	got.WriteString(f.ejctl(true, "jobs", "--server-lists", "127.0.0.1:1"))
	got.WriteString(f.ejctl(true, "job", "guarded", "--server-lists", f.servers, "--namespace", f.ns+"-guarded", "--digest", "ops:wrong"))
	got.WriteString(f.ejctl(true, "disable", "guarded", "--server-lists", f.servers, "--namespace", f.ns+"-guarded", "--digest", "ops:wrong"))
	got.WriteString(f.ejctl(true, "job", "guarded", "--server-lists", f.servers, "--namespace", f.ns+"-guarded", "--digest", "ops:right"))
	out := got.String()
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "$ ") && strings.Contains(l, "ops:") {
			t.Errorf("a digest is in the output: %s", l)
		}
	}
	golden(t, "unreachable-refused", out)
}

// The built command exits with the status run returns: 0, 1 on an error, 2 on bad usage.
func TestExitStatus(t *testing.T) {
	f := newFixture(t)
	bin := clustertest.Build(t, ".")
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"jobs", "--server-lists", f.servers, "--namespace", f.ns}, 0},
		{[]string{"job", "nosuch", "--server-lists", f.servers, "--namespace", f.ns}, 1},
		{[]string{"job"}, 2},
		{nil, 2},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = clustertest.Env()
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.want {
			t.Errorf("ejctl %v: exit %d, want %d\n%s", c.args, code, c.want, out)
		}
	}
}
