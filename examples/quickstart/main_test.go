package main

import (
	"bufio"
	"context"
	"io"
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
	"github.com/elasticjob-go/elasticjob/examples/quickstart/jobs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The graph is complete without starting anything.
func TestValidateApp(t *testing.T) {
	if err := fx.ValidateApp(autoconfig.Module, jobs.Module); err != nil {
		t.Fatal(err)
	}
}

// The service as `make run` starts it: both jobs print items within 10 s, and Ctrl-C stops
// it cleanly (exit code 0, no error logged).
func TestQuickstartRunsAndStopsCleanly(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = "." // application.yaml is here
	cmd.Env = withoutElasticjobVars(os.Environ())
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
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
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
