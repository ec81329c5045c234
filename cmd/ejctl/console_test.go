package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// A console reachable from other hosts without an account is refused before anything opens.
func TestConsoleRefusesAnOpenAddressWithoutAccounts(t *testing.T) {
	t.Chdir(t.TempDir()) // no application.yaml
	var stdout, stderr strings.Builder
	code := runIn(context.Background(), []string{"console", "--listen", "0.0.0.0:0", "--server-lists", "127.0.0.1:1"}, &stdout, &stderr, time.UTC)
	if code != 2 || !strings.Contains(stderr.String(), "not a loopback address and no credentials are set") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// ejctl console serves the console of a registry, with the service's accounts, until Ctrl-C.
func TestConsoleServes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ELASTICJOB_HTTP_CONSOLE", "true")
	t.Setenv("ELASTICJOB_HTTP_AUTH_USERNAME", "root")
	t.Setenv("ELASTICJOB_HTTP_AUTH_PASSWORD", "pw-root")
	ns := fmt.Sprintf("ejctl-console-%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &testkit.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- runIn(ctx, []string{"console", "--listen", "127.0.0.1:0", "--server-lists", zktest.Servers(t), "--namespace", ns,
			"--tracing-url", "jdbc:sqlite:" + filepath.Join(dir, "trace.db")}, pw, stderr, time.UTC)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v; stderr %s", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	addr := regexp.MustCompile(`http://[0-9.:]+/`).FindString(line)
	if addr == "" {
		t.Fatalf("printed %q", line)
	}
	resp, err := http.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the account: status %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, addr, nil)
	req.SetBasicAuth("root", "pw-root")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), ns) {
		t.Errorf("with the account: status %d, body lacks the namespace:\n%s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest(http.MethodGet, addr+"history", nil)
	req.SetBasicAuth("root", "pw-root")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "0 executions") {
		t.Errorf("the history of the empty tracing database:\n%s", body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after Ctrl-C; stderr %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ejctl console did not stop")
	}
	if strings.Contains(stderr.String(), "pw-root") {
		t.Errorf("the password reached the log: %s", stderr.String())
	}
}
