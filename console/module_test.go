package console

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/starter"
	"github.com/elasticjob-go/elasticjob/tracing"
)

type tick struct{}

func (tick) Execute(context.Context, starter.ShardingContext) error { return nil }

// service starts a service (autoconfig.Module, Module and one job firing every second) on the
// embedded registry with the given elasticjob.http section.
func service(t *testing.T, http string) *autoconfig.HTTPServer {
	t.Helper()
	return serviceWith(t, "  http: "+http+"\n")
}

// serviceWith is service with more of the elasticjob section (indented YAML) and tracing.Module.
func serviceWith(t *testing.T, section string) *autoconfig.HTTPServer {
	t.Helper()
	dir := t.TempDir()
	yaml := "elasticjob:\n  regCenter: {namespace: console-module}\n" + strings.ReplaceAll(section, "DIR", dir)
	if err := os.WriteFile(filepath.Join(dir, "application.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(autoconfig.ConfigEnv, filepath.Join(dir, "application.yaml"))
	job := starter.JobDefinition{Name: "tick", Class: "example.com/jobs.Tick", Job: tick{},
		Settings: map[string]string{"cron": "* * * * * ?", "shardingTotalCount": "2"}}
	var srv *autoconfig.HTTPServer
	app := fxtest.New(t, autoconfig.Module, tracing.Module, Module, fx.NopLogger, fx.Populate(&srv),
		fx.Provide(fx.Annotate(func() starter.JobDefinition { return job }, fx.ResultTags(`group:"elasticjob.jobs"`))))
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	return srv
}

// With elasticjob.http.console the service serves the console with its accounts: the job
// and, from the engine, its runs.
func TestServiceServesTheConsole(t *testing.T) {
	srv := service(t, "{address: 127.0.0.1:0, console: true, auth: {username: root, password: pw}}")
	get := func(auth bool) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+srv.Addr()+"/jobs/tick", nil)
		if auth {
			req.SetBasicAuth("root", "pw")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(false); code != http.StatusUnauthorized {
		t.Fatalf("without the account: %d", code)
	}
	var body string
	testkit.Eventually(t, 30*time.Second, func() bool {
		var code int
		code, body = get(true)
		return code == http.StatusOK && strings.Contains(body, `class="ok"`)
	}, "the job page shows tick's runs: %s", testkit.Later[string](func() string { return body }))
}

// With a tracing database the console shows its history and the runs it holds.
func TestServiceConsoleReadsTheTracingDatabase(t *testing.T) {
	srv := serviceWith(t, "  http: {address: 127.0.0.1:0, console: true}\n  tracing: {type: RDB, dataSource: {url: \"jdbc:sqlite:DIR/trace.db\"}}\n")
	get := func(path string) string {
		resp, err := http.Get("http://" + srv.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + "\n" + string(b)
	}
	var history, job string
	testkit.Eventually(t, 30*time.Second, func() bool {
		history, job = get("/history?job=tick"), get("/jobs/tick")
		return strings.Contains(history, `class="result r-ok"`) && strings.Contains(job, "runs, from the tracing database") && strings.Contains(job, `class="ok"`)
	}, "the history and the job page show tick's runs from the database:\n%s\n%s", testkit.Later[string](func() string { return history }), testkit.Later[string](func() string { return job }))
	if s := get("/history/status?job=tick&state=TASK_FINISHED"); !strings.Contains(s, "TASK_FINISHED") {
		t.Errorf("the status trace lacks TASK_FINISHED:\n%s", s)
	}
}

// The job page's dump asks the service's dump service (elasticjob.dump) for the job's subtree.
func TestServiceConsoleDumps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	srv := serviceWith(t, fmt.Sprintf("  http: {address: 127.0.0.1:0, console: true}\n  dump: {port: %d}\n", port))
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + srv.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var ip string
	testkit.Eventually(t, 30*time.Second, func() bool {
		_, page := get("/jobs/tick")
		m := regexp.MustCompile(`data-server="([^"]+)"`).FindStringSubmatch(page)
		if m != nil {
			ip = m[1]
		}
		return m != nil
	}, "the job page lists tick's server")
	code, dump := get(fmt.Sprintf("/jobs/tick/dump?instance=%s:%d", ip, port))
	if code != http.StatusOK || !strings.Contains(dump, "/tick/config | ") || !strings.Contains(dump, "/tick/servers/ip1 | ENABLED") {
		t.Fatalf("the dump: %d %q", code, dump)
	}
}

// Without it the service serves no console.
func TestConsoleOffByDefault(t *testing.T) {
	srv := service(t, "{address: 127.0.0.1:0}")
	resp, err := http.Get("http://" + srv.Addr() + "/jobs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/jobs without the console: %d", resp.StatusCode)
	}
}
