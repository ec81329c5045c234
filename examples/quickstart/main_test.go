package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/console"
	"github.com/elasticjob-go/elasticjob/examples/quickstart/jobs"
	"github.com/elasticjob-go/elasticjob/tracing"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The graph is complete without starting anything.
func TestValidateApp(t *testing.T) {
	if err := fx.ValidateApp(autoconfig.Module, tracing.Module, console.Module, jobs.Module); err != nil {
		t.Fatal(err)
	}
}

// The service as `make run` starts it: it logs the console's address, both jobs print items
// within 10 s, the console shows them and their runs, and Ctrl-C stops it cleanly (exit code 0,
// no error logged).
func TestQuickstartRunsAndStopsCleanly(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = "." // application.yaml is here
	// a free port instead of application.yaml's 8899, which a developer's `make run` may hold,
	// and the history in the test's directory
	cmd.Env = append(withoutElasticjobVars(os.Environ()), "ELASTICJOB_HTTP_ADDRESS=127.0.0.1:0",
		"ELASTICJOB_TRACING_DATASOURCE_URL=jdbc:sqlite:"+filepath.Join(t.TempDir(), "trace.db"))
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.Close(); done <- err }()

	var mu sync.Mutex
	var lines []string
	seen := map[string]chan struct{}{"greeting": make(chan struct{}), "orderFeed": make(chan struct{})}
	item := regexp.MustCompile(`^job=(\w+) item=\d `)
	consoleURL := make(chan string, 1)
	announced := regexp.MustCompile(`web console at (http://\S+/)`)
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			if m := announced.FindStringSubmatch(sc.Text()); m != nil {
				consoleURL <- m[1]
			}
			if m := item.FindStringSubmatch(sc.Text()); m != nil {
				if ch, ok := seen[m[1]]; ok {
					select {
					case <-ch:
					default:
						close(ch)
					}
				}
			}
			mu.Unlock()
		}
	}()
	deadline := time.After(10 * time.Second)
	for job, ch := range seen {
		select {
		case <-ch:
		case <-deadline:
			_ = cmd.Process.Kill()
			<-done
			<-read
			t.Fatalf("job %s printed no item within 10s; output:\n%s", job, strings.Join(lines, "\n"))
		}
	}
	select {
	case url := <-consoleURL:
		checkConsole(t, url)
	case <-time.After(10 * time.Second):
		t.Error("the console's address was not logged")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := <-done
	<-read
	output := strings.Join(lines, "\n")
	if err != nil {
		t.Fatalf("exit: %v; output:\n%s", err, output)
	}
	for _, l := range lines {
		if strings.Contains(l, "ERROR") || strings.Contains(l, "level=ERROR") {
			t.Errorf("error line: %s", l)
		}
	}
}

// checkConsole reads the console's jobs page, a job's page and the history: both jobs OK,
// their runs, the execution log.
func checkConsole(t *testing.T, url string) {
	t.Helper()
	get := func(path string) string {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		jobs, greeting, history := get("jobs"), get("jobs/greeting"), get("history?job=orderFeed")
		ok := strings.Count(jobs, `<span class="status s-OK">OK</span>`) == 2 && strings.Contains(greeting, `class="ok"`) &&
			strings.Contains(history, `<span class="result r-ok"`)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console does not show both jobs OK with runs and history:\n%s\n%s\n%s", jobs, greeting, history)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// withoutElasticjobVars keeps the test's environment from configuring the service.
func withoutElasticjobVars(env []string) []string {
	var kept []string
	for _, e := range env {
		if !strings.HasPrefix(strings.ToUpper(e), "ELASTICJOB_") {
			kept = append(kept, e)
		}
	}
	return kept
}
