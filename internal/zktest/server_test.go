package zktest

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

func TestStartStandaloneAppliesOptionsAndStops(t *testing.T) {
	s := StartStandalone(t, Options{TickTime: 100 * time.Millisecond, MaxSessionTimeout: 5 * time.Second})

	srvr, err := Srvr(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if srvr["Mode"] != "standalone" || srvr["Node count"] != "5" {
		t.Fatalf("srvr Mode %q, Node count %q; want standalone, 5", srvr["Mode"], srvr["Node count"])
	}
	conf, err := fourLetter(s.Addr(), "conf")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tickTime=100\n", "minSessionTimeout=200\n", "maxSessionTimeout=5000\n", "clientPort=" + strings.Split(s.Addr(), ":")[1] + "\n"} {
		if !strings.Contains(conf, want) {
			t.Errorf("conf lacks %q:\n%s", want, conf)
		}
	}

	pid, cfg := s.PID(), s.cfg()
	s.Stop()
	if isServer(pid, cfg) {
		t.Fatalf("pid %d still runs after Stop", pid)
	}
	if _, err := Srvr(s.Addr()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("srvr after Stop: %v; want connection refused", err)
	}
	s.Stop() // idempotent
}

func TestPausedServerNeverAnswers(t *testing.T) {
	s := StartStandalone(t, Options{})
	s.Pause()
	if !stopped(s.PID()) {
		t.Fatalf("pid %d not stopped after Pause", s.PID())
	}
	start := time.Now()
	_, err := Srvr(s.Addr())
	if err == nil || !strings.Contains(err.Error(), "i/o timeout") {
		t.Fatalf("srvr to a paused server: %v; want an i/o timeout", err)
	}
	if d := time.Since(start); d < fourLetterTimeout || d > fourLetterTimeout+time.Second {
		t.Errorf("srvr gave up after %v; want about %v", d, fourLetterTimeout)
	}
	s.Resume()
	if m, err := Srvr(s.Addr()); err != nil || m["Mode"] != "standalone" {
		t.Fatalf("srvr after Resume: %v, %v", m, err)
	}
	// The cleanup stops a paused server too: it sends SIGCONT before SIGTERM.
	s.Pause()
}

func TestMntrCountsClientWork(t *testing.T) {
	s := StartStandalone(t, Options{})
	conn := connect(t, s.Addr())
	if _, err := conn.Create("/zktest", []byte("x"), zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := conn.ExistsW("/zktest"); err != nil {
		t.Fatal(err)
	}

	m, err := Mntr(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"zk_server_state":     "standalone",
		"zk_znode_count":      "6", // 5 of a fresh server, and /zktest
		"zk_ephemerals_count": "1",
		"zk_watch_count":      "1",
		"zk_global_sessions":  "1",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("mntr %s = %q; want %q", k, m[k], v)
		}
	}

	conn.Close()
	if m, err = Mntr(s.Addr()); err != nil {
		t.Fatal(err)
	}
	if m["zk_ephemerals_count"] != "0" || m["zk_znode_count"] != "5" {
		t.Errorf("after Close: zk_ephemerals_count %q, zk_znode_count %q; want 0, 5", m["zk_ephemerals_count"], m["zk_znode_count"])
	}
}

func TestFourLetterErrorsNameTheServer(t *testing.T) {
	s := StartStandalone(t, Options{})
	addr := s.Addr()
	s.Stop()
	_, err := Mntr(addr)
	if err == nil || !strings.HasPrefix(err.Error(), "mntr "+addr+": ") {
		t.Fatalf("Mntr on a stopped server: %v; want an error starting with %q", err, "mntr "+addr+": ")
	}
}

func TestServersStartsOnePrivateServerWhenUnset(t *testing.T) {
	t.Setenv(EnvServers, "")
	addr := Servers(t)
	if again := Servers(t); again != addr {
		t.Fatalf("second Servers = %q; want the same server %q", again, addr)
	}
	m, err := Srvr(addr)
	if err != nil || m["Mode"] != "standalone" {
		t.Fatalf("srvr %s: %v, %v", addr, m, err)
	}
	// Wrap stops it after the last test; TestMain's goleak check runs after that.
}

func TestServersPrefersZKServers(t *testing.T) {
	t.Setenv(EnvServers, "10.0.0.1:2181,10.0.0.2:2181")
	if got := Servers(t); got != "10.0.0.1:2181,10.0.0.2:2181" {
		t.Fatalf("Servers = %q; want ZK_SERVERS", got)
	}
}

func TestKillIgnoresARecycledPID(t *testing.T) {
	// Our own PID is certainly not a ZooKeeper server on that zoo.cfg.
	if err := terminate(syscall.Getpid(), "/nonexistent/zoo.cfg", syscall.SIGKILL, time.Second); err != nil {
		t.Fatal(err)
	}
}

// connect opens a session and waits until it exists: zk.Connect returns before.
func connect(t *testing.T, servers string) *zk.Conn {
	t.Helper()
	conn, events, err := zk.Connect(strings.Split(servers, ","), 4*time.Second, zk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == zk.StateHasSession {
				return conn
			}
		case <-timeout:
			t.Fatalf("no session with %s after 10s", servers)
		}
	}
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

func TestStartFailureSaysWhyWithTheLog(t *testing.T) {
	if err := installed(); err != nil {
		testkit.Unavailable(t, err.Error())
	}
	dir := t.TempDir()
	_, err := startServer(dir, Options{MinSessionTimeout: 10 * time.Second, MaxSessionTimeout: 5 * time.Second})
	if err == nil {
		t.Fatal("a server with minSessionTimeout > maxSessionTimeout started")
	}
	for _, want := range []string{"standalone server in " + dir + ": pid ", " exited: exit status ", "minSessionTimeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
