package jobtype

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

var testContext = jobapi.ShardingContext{
	JobName:            "myJob",
	TaskID:             "myJob@-@0,1@-@READY@-@10.0.0.1@-@4321",
	ShardingTotalCount: 3,
	JobParameter:       "p=1",
	ShardingItem:       1,
	ShardingParameter:  "Shanghai",
}

const testContextJSON = `{"jobName":"myJob","taskId":"myJob@-@0,1@-@READY@-@10.0.0.1@-@4321","shardingTotalCount":3,"jobParameter":"p\u003d1","shardingItem":1,"shardingParameter":"Shanghai"}`

// writeScript writes an executable shell script into a temporary directory.
func writeScript(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func newScript(t *testing.T, line string) (*ScriptJob, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	job, err := Script(map[string]string{ScriptCommandLineKey: line})
	if err != nil {
		t.Fatalf("Script(%q): %v", line, err)
	}
	var stdout, stderr bytes.Buffer
	job.Stdout, job.Stderr = &stdout, &stderr
	return job, &stdout, &stderr
}

func TestScriptArguments(t *testing.T) {
	path := writeScript(t, "args.sh", `for a in "$@"; do printf '[%s]\n' "$a"; done; echo oops >&2`)
	job, stdout, stderr := newScript(t, path+` plain 'two words' "" "it's"`)
	if err := job.RunItem(context.Background(), testContext); err != nil {
		t.Fatal(err)
	}
	want := "[plain]\n[two words]\n[]\n[it's]\n[" + testContextJSON + "]\n"
	if stdout.String() != want {
		t.Errorf("stdout:\n got %s\nwant %s", stdout, want)
	}
	if stderr.String() != "oops\n" {
		t.Errorf("stderr = %q; want %q", stderr, "oops\n")
	}
}

func TestScriptRunsWithoutShell(t *testing.T) {
	job, stdout, _ := newScript(t, "echo $HOME ; ls | wc")
	if err := job.RunItem(context.Background(), testContext); err != nil {
		t.Fatal(err)
	}
	want := "$HOME ; ls | wc " + testContextJSON + "\n"
	if stdout.String() != want {
		t.Errorf("stdout:\n got %s\nwant %s", stdout, want)
	}
}

func TestScriptExitCode(t *testing.T) {
	path := writeScript(t, "fail.sh", "exit 3\n")
	job, _, _ := newScript(t, path+" --password=secret")
	err := job.RunItem(context.Background(), testContext)
	want := "script job: " + path + " exited with code 3"
	if err == nil || err.Error() != want {
		t.Errorf("RunItem error = %v; want %s", err, want)
	}
}

func TestScriptProgramNotFound(t *testing.T) {
	job, _, _ := newScript(t, "no-such-program-ejgo --token=secret")
	err := job.RunItem(context.Background(), testContext)
	want := `script job: "no-such-program-ejgo": executable file not found in $PATH`
	if err == nil || err.Error() != want {
		t.Errorf("RunItem error = %v; want %s", err, want)
	}
}

func TestScriptCancelKillsProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "sleep.pid")
	path := writeScript(t, "sleeper.sh", "sleep 30 &\necho $! > "+pidFile+"\nwait\n")
	job, _, _ := newScript(t, path)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- job.RunItem(ctx, testContext) }()
	pid := waitForPID(t, pidFile)
	cancel()

	select {
	case err := <-done:
		want := "script job: " + path + " stopped: context canceled"
		if err == nil || err.Error() != want {
			t.Errorf("RunItem error = %v; want %s", err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunItem did not return after cancel")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("sleep child %d still alive after cancel", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitForPID(t *testing.T, file string) int {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		data, err := os.ReadFile(file)
		if err != nil || !strings.HasSuffix(string(data), "\n") {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}
	t.Fatal("the script did not write the pid of its child")
	return 0
}

// processGone reports whether pid has ended: it no longer exists, or it is a zombie waiting
// for a reaper (a container's init may never reap it).
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return os.IsNotExist(err)
	}
	// The state follows the parenthesised command name.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

func TestScriptValidation(t *testing.T) {
	tests := []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{}, "script.command.line: required"},
		{map[string]string{ScriptCommandLineKey: "   "}, "script.command.line: required"},
		{map[string]string{ScriptCommandLineKey: `run.sh 'secret`}, "script.command.line: unbalanced quotes"},
		{map[string]string{ScriptCommandLineKey: `'' arg`}, "script.command.line: empty program name"},
	}
	for _, tt := range tests {
		if _, err := Script(tt.props); err == nil || err.Error() != tt.want {
			t.Errorf("Script(%q) error = %v; want %s", tt.props, err, tt.want)
		}
	}
}
