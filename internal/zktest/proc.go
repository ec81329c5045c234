package zktest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const mainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain"

// isServer reports whether pid is a live QuorumPeerMain started on cfg. PIDs wrap, so a
// recorded PID proves nothing alone; a zombie's cmdline is empty, so a dead server never passes.
func isServer(pid int, cfg string) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	var main, conf bool
	for _, arg := range bytes.Split(b, []byte{0}) {
		main = main || string(arg) == mainClass
		conf = conf || string(arg) == cfg
	}
	return main && conf
}

// stopped reports whether pid is stopped by a signal (SIGSTOP).
func stopped(pid int) bool {
	s, ok := state(pid)
	return ok && s == 'T'
}

// state is pid's state letter in /proc/PID/stat (R, S, T, Z…); ok is false when there is no pid.
func state(pid int) (s byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')') // the command name may hold spaces and parentheses
	if i < 0 || i+2 >= len(b) {
		return 0, false
	}
	return b[i+2], true
}

// pauseOrResume sends SIGSTOP or SIGCONT to pid and waits until the kernel has applied it:
// signals are delivered asynchronously.
func pauseOrResume(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(pid, sig); err != nil {
		return err
	}
	want := sig == syscall.SIGSTOP
	for deadline := time.Now().Add(2 * time.Second); stopped(pid) != want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d: still %s 2s after %v", pid, map[bool]string{true: "running", false: "stopped"}[want], sig)
		}
	}
	return nil
}

// children holds the servers this process started and has not reaped yet, by PID: a killed
// child must be waited for, or it stays a zombie.
var children = struct {
	sync.Mutex
	m map[int]*exec.Cmd
}{m: make(map[int]*exec.Cmd)}

// launch starts argv with stdin from /dev/null and output appended to dir/zk.log, in its own
// session: a shared ensemble node that outlives this test binary.
func launch(dir string, argv []string) (*exec.Cmd, error) {
	return start(dir, argv, &syscall.SysProcAttr{Setsid: true})
}

// launchTied starts argv like launch, but the kernel kills it (SIGKILL) when this test binary
// dies, whatever way: a private server never outlives its tests. The kernel ties the child to the
// thread that forked it, so that thread stays locked, parked, until release is called (after the
// server has been stopped).
func launchTied(dir string, argv []string) (cmd *exec.Cmd, release func(), err error) {
	type result struct {
		cmd *exec.Cmd
		err error
	}
	started := make(chan result)
	let, gone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(gone)
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		cmd, err := start(dir, argv, &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL})
		started <- result{cmd, err}
		if err == nil {
			<-let
		}
	}()
	r := <-started
	if r.err != nil {
		<-gone
		return nil, nil, r.err
	}
	var once sync.Once
	return r.cmd, func() { once.Do(func() { close(let); <-gone }) }, nil
}

func start(dir string, argv []string, attr *syscall.SysProcAttr) (*exec.Cmd, error) {
	log, err := os.OpenFile(filepath.Join(dir, "zk.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer log.Close() // the child has its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	children.Lock()
	children.m[cmd.Process.Pid] = cmd
	children.Unlock()
	return cmd, nil
}

// terminate stops the server pid (started on cfg): SIGCONT (a stopped JVM ignores TERM until
// continued), then sig, then SIGKILL after grace; it returns once the process is gone and
// reaped when it is our child. A pid that is no longer our server is left alone.
func terminate(pid int, cfg string, sig syscall.Signal, grace time.Duration) error {
	if !isServer(pid, cfg) {
		reap(pid)
		return nil
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if sig != syscall.SIGKILL {
		_ = p.Signal(syscall.SIGCONT)
	}
	if err := p.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal %v to pid %d: %w", sig, pid, err)
	}
	if !waitGone(pid, grace) {
		_ = p.Signal(syscall.SIGKILL)
		if !waitGone(pid, 5*time.Second) {
			return fmt.Errorf("pid %d (%s) survived SIGKILL", pid, cfg)
		}
	}
	reap(pid)
	return nil
}

// waitGone waits until pid, which was our server, has exited. Its cmdline empties before its
// sockets close, so isServer alone would return while it still listens.
func waitGone(pid int, d time.Duration) bool {
	for deadline := time.Now().Add(d); !dead(pid); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// dead reports whether pid has exited: no such process, or a zombie whose other threads are
// gone too. A JVM's main thread can be a zombie while other threads still hold its sockets.
func dead(pid int) bool {
	s, ok := state(pid)
	if !ok {
		return true
	}
	if s != 'Z' && s != 'X' {
		return false
	}
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	return err != nil || len(tasks) <= 1
}

// reap waits for pid if it is our child, so it does not linger as a zombie, and returns how it
// ended ("exit status 1", "signal: killed"), or "" when it is not our child.
func reap(pid int) string {
	children.Lock()
	cmd := children.m[pid]
	delete(children.m, pid)
	children.Unlock()
	if cmd == nil {
		return ""
	}
	_ = cmd.Wait() // the process has exited (or been killed): returns at once
	return cmd.ProcessState.String()
}

// readPID reads a pid file written by scripts/zookeeper.sh or by this package.
func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return pid, nil
}

// logTail returns the last n lines of a server's log, for error messages.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
