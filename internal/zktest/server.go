package zktest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest/freeport"
)

// The Debian packages' jars (scripts/zookeeper.sh install). zookeeper.jar's manifest names its
// dependencies; slf4j-simple gives the server a log.
const (
	zkJar    = "/usr/share/java/zookeeper.jar"
	slf4jJar = "/usr/share/java/slf4j-simple.jar"
)

const (
	readyTimeout  = 60 * time.Second // a loaded 2-core machine starts JVMs slowly
	startAttempts = 3                // a port taken between choice and bind: try new ports
)

// Options configure a private server; zero values take the shared servers' settings.
type Options struct {
	TickTime          time.Duration // 0: 200 ms. Whole milliseconds.
	MinSessionTimeout time.Duration // 0: ZooKeeper's default, 2 × TickTime
	MaxSessionTimeout time.Duration // 0: 60 s
}

// Server is a private standalone ZooKeeper owned by one test (StartStandalone) or by the test
// binary (Servers without ZK_SERVERS).
type Server struct {
	t    testing.TB // nil for the binary's shared server
	dir  string
	addr string
	cmd  *exec.Cmd
	// release lets go of the thread that started the server (see launchTied).
	release func()
}

// StartStandalone starts a private standalone server in a temporary directory, waits until it
// serves, and stops it when the test ends. Without ZooKeeper installed the test is skipped, or
// fails under CI=true.
func StartStandalone(t testing.TB, opts Options) *Server {
	t.Helper()
	if err := installed(); err != nil {
		testkit.Unavailable(t, err.Error())
	}
	s, err := startServer(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("zktest: %v", err)
	}
	s.t = t
	t.Cleanup(s.Stop)
	return s
}

// Addr is the server's client address, "127.0.0.1:port": its connect string.
func (s *Server) Addr() string { return s.addr }

// Dir is the server's directory: zoo.cfg, data/, zk.log.
func (s *Server) Dir() string { return s.dir }

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop stops the server (TERM, then KILL after 5 s); it is idempotent.
func (s *Server) Stop() {
	if err := s.stop(); err != nil {
		s.t.Errorf("zktest: %v", err)
	}
}

// Pause freezes the server with SIGSTOP: it still accepts connections but never answers, so its
// clients' sessions time out.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.t.Helper()
	if !isServer(s.PID(), s.cfg()) {
		s.t.Fatalf("zktest: server %s (pid %d) is not running", s.addr, s.PID())
	}
	if err := pauseOrResume(s.PID(), sig); err != nil {
		s.t.Fatalf("zktest: %v to server %s: %v", sig, s.addr, err)
	}
}

func (s *Server) cfg() string { return filepath.Join(s.dir, "zoo.cfg") }

func (s *Server) stop() error {
	if err := terminate(s.PID(), s.cfg(), syscall.SIGTERM, 5*time.Second); err != nil {
		return fmt.Errorf("stop server %s: %w", s.addr, err)
	}
	s.release()
	return nil
}

// installed says what is missing to run a server here, if anything.
func installed() error {
	for _, f := range []string{zkJar, slf4jJar} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("zktest: ZooKeeper is not installed (%s is missing): run `make test` or `scripts/zookeeper.sh install`, or set %s=host:port", f, EnvServers)
		}
	}
	if _, err := exec.LookPath("java"); err != nil {
		return fmt.Errorf("zktest: java is not on PATH: run `scripts/zookeeper.sh install`, or set %s=host:port", EnvServers)
	}
	return nil
}

// startServer writes dir/zoo.cfg and starts a standalone server on a free port, trying other
// ports when the chosen one was taken meanwhile.
func startServer(dir string, opts Options) (*Server, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		ports, err := freeport.Ports(1)
		if err != nil {
			return nil, err
		}
		s := &Server{dir: dir, addr: "127.0.0.1:" + strconv.Itoa(ports[0])}
		if err := writeConfig(dir, ports[0], opts); err != nil {
			return nil, err
		}
		s.cmd, s.release, err = launchTied(dir, javaCommand(java, s.cfg()))
		if err != nil {
			return nil, err
		}
		err = waitServing(s.addr, s.PID(), s.cfg(), readyTimeout)
		if err == nil {
			return s, nil
		}
		_ = s.stop()
		log := logTail(filepath.Join(dir, "zk.log"), 25)
		if attempt < startAttempts && strings.Contains(log, "Address already in use") {
			continue
		}
		return nil, fmt.Errorf("standalone server in %s: %v; last log lines:\n%s", dir, err, log)
	}
}

// writeConfig writes zoo.cfg as scripts/zookeeper.sh does, with opts applied, and a fresh data dir.
func writeConfig(dir string, port int, opts Options) error {
	data := filepath.Join(dir, "data")
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return err
	}
	tick, maxSession := 200*time.Millisecond, 60*time.Second
	if opts.TickTime > 0 {
		tick = opts.TickTime
	}
	if opts.MaxSessionTimeout > 0 {
		maxSession = opts.MaxSessionTimeout
	}
	lines := []string{
		fmt.Sprintf("tickTime=%d", tick.Milliseconds()),
		fmt.Sprintf("maxSessionTimeout=%d", maxSession.Milliseconds()),
		"dataDir=" + data,
		fmt.Sprintf("clientPort=%d", port),
		"clientPortAddress=127.0.0.1",
		"maxClientCnxns=0",
		"admin.enableServer=false",
		"4lw.commands.whitelist=*",
		"preAllocSize=4096",
	}
	if opts.MinSessionTimeout > 0 {
		lines = append(lines, fmt.Sprintf("minSessionTimeout=%d", opts.MinSessionTimeout.Milliseconds()))
	}
	return os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// javaCommand is the server's command line, the same as scripts/zookeeper.sh records in cmd.
func javaCommand(java, cfg string) []string {
	return []string{java, "-Xms16m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Djava.net.preferIPv4Stack=true", "-Dzookeeper.forceSync=no", "-Dzookeeper.extendedTypesEnabled=true",
		"-Dznode.container.checkIntervalMs=1000",
		"-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
		"-cp", zkJar + ":" + slf4jJar, mainClass, cfg}
}

// waitServing waits until srvr at addr reports a Mode, failing early if the process exits.
func waitServing(addr string, pid int, cfg string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if !isServer(pid, cfg) {
			// Between fork and exec the child still shows the test binary's command line:
			// only a dead process has exited (reaping a live one would block forever).
			if !waitGone(pid, time.Second) {
				if time.Now().After(deadline) {
					return fmt.Errorf("pid %d is not a ZooKeeper server after %v", pid, timeout)
				}
				continue
			}
			if how := reap(pid); how != "" {
				return fmt.Errorf("pid %d exited: %s", pid, how)
			}
			return fmt.Errorf("pid %d exited", pid)
		}
		_, err := Srvr(addr)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not serving after %v: %w", timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shared is the private server Servers starts when ZK_SERVERS is unset: one per test binary.
var shared struct {
	mu  sync.Mutex
	srv *Server
	err error
}

func sharedServer() (string, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv == nil && shared.err == nil {
		dir, err := os.MkdirTemp("", "zktest-")
		if err == nil {
			shared.srv, err = startServer(dir, Options{})
		}
		if err != nil {
			_ = os.RemoveAll(dir)
		}
		shared.err = err
	}
	if shared.err != nil {
		return "", shared.err
	}
	return shared.srv.addr, nil
}

func stopShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv == nil {
		return nil
	}
	err := shared.srv.stop()
	if err == nil {
		err = os.RemoveAll(shared.srv.dir)
	}
	shared.srv = nil
	return err
}
