package clustertest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles the main package in dir (a directory of a module, its own or this one) into
// a binary in a temporary directory and returns its path.
func Build(t testing.TB, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(abs))
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, out)
	}
	return bin
}

// Env is the test's environment without any ELASTICJOB_ variable, so that only the service's
// files and the given variables ("KEY=value") configure it.
func Env(vars ...string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(strings.ToUpper(e), "ELASTICJOB_") {
			env = append(env, e)
		}
	}
	return append(env, vars...)
}

// Process is a running service whose output (stdout and stderr, line by line) is recorded.
type Process struct {
	Name string
	Pid  int
	cmd  *exec.Cmd

	done chan struct{} // closed when the process has exited and its output is read
	err  error         // Wait's result, valid after done

	mu    sync.Mutex
	lines []string
}

// Start runs bin in dir with env. The test's cleanup kills the process if it still runs, and
// logs its output when the test failed.
func Start(t testing.TB, name, bin, dir string, env []string) *Process {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = env
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &Process{Name: name, Pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, pr) // a line too long for the scanner must not block the process
	}()
	go func() {
		err := cmd.Wait()
		pw.Close()
		<-read
		p.err = err
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("output of %s (pid %d):\n%s", name, p.Pid, p.Output())
		}
	})
	return p
}

// Lines is what the process printed so far.
func (p *Process) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

// Output is Lines joined by newlines.
func (p *Process) Output() string { return strings.Join(p.Lines(), "\n") }

// Kill sends SIGKILL, as a crash, and waits until the process is gone. It does nothing to a
// process that has exited.
func (p *Process) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Interrupt sends SIGINT (Ctrl-C) and returns how the process exited, or an error when it
// is still running after timeout (then it is killed).
func (p *Process) Interrupt(timeout time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return &timeoutError{p.Name, timeout}
	}
}

type timeoutError struct {
	name    string
	timeout time.Duration
}

func (e *timeoutError) Error() string {
	return e.name + " still running " + e.timeout.String() + " after SIGINT"
}
