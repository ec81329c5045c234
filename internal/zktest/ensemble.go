package zktest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// healTimeout bounds the repair of the ensemble before and after each test.
const healTimeout = 30 * time.Second

// Cluster is the shared ZooKeeper ensemble, held by one test at a time. Nodes are numbered
// 1..Size() like their myid and their directories node1, node2….
type Cluster struct {
	t       testing.TB
	dir     string
	connect string
	nodes   []clusterNode

	disturbed bool // a node was killed, paused, restarted or resumed through this handle
}

type clusterNode struct {
	id   int
	dir  string
	addr string
}

func (n clusterNode) cfg() string     { return filepath.Join(n.dir, "zoo.cfg") }
func (n clusterNode) pidFile() string { return filepath.Join(n.dir, "pid") }

// pid is the node's recorded PID when that process is still the node's server, else 0.
func (n clusterNode) pid() int {
	pid, err := readPID(n.pidFile())
	if err != nil || !isServer(pid, n.cfg()) {
		return 0
	}
	return pid
}

// Ensemble gives the test the shared ensemble of ZK_ENSEMBLE_DIR, healthy: every node serving,
// one leader. The test and its subtests hold it, other tests (of any package) wait, until it
// ends; then paused nodes are resumed and killed ones restarted for the next test. Without an
// ensemble the test is skipped (ZK_SERVERS given by the user) or, under CI=true, fails.
func Ensemble(t testing.TB) *Cluster {
	t.Helper()
	dir := os.Getenv(EnvEnsembleDir)
	if dir == "" {
		if userServers() {
			t.Skipf("zktest: ensemble tests skipped: %s was given by the user and %s is unset (run `make test` without %[1]s, or `make zk-up` and export what it prints)", EnvServers, EnvEnsembleDir)
		}
		testkit.Unavailable(t, fmt.Sprintf("zktest: no ZooKeeper ensemble: %s is unset; run the tests with `make test`, or `make zk-up` and export what it prints", EnvEnsembleDir))
	}
	c, err := openCluster(dir)
	if err != nil {
		t.Fatalf("zktest: %v", err)
	}
	first, err := acquire(dir, t.Name())
	if err != nil {
		t.Fatalf("zktest: ensemble %s: %v", dir, err)
	}
	c.t = t
	t.Cleanup(c.release)
	if first { // a test binary that died may have left a node down or paused
		if err := c.heal(); err != nil {
			t.Fatalf("zktest: ensemble %s is not healthy: %v", dir, err)
		}
	}
	return c
}

// openCluster reads the nodes' directories as scripts/zookeeper.sh writes them.
func openCluster(dir string) (*Cluster, error) {
	c := &Cluster{dir: dir, connect: os.Getenv(EnvEnsemble)}
	if c.connect == "" {
		b, err := os.ReadFile(filepath.Join(dir, "ensemble"))
		if err != nil {
			return nil, fmt.Errorf("%s unset and %w", EnvEnsemble, err)
		}
		c.connect = strings.TrimSpace(string(b))
	}
	for id := 1; ; id++ {
		n := clusterNode{id: id, dir: filepath.Join(dir, "node"+strconv.Itoa(id))}
		b, err := os.ReadFile(filepath.Join(n.dir, "addr"))
		if os.IsNotExist(err) && id > 1 {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ensemble %s: %w", dir, err)
		}
		n.addr = strings.TrimSpace(string(b))
		c.nodes = append(c.nodes, n)
	}
	return c, nil
}

// Connect is the ensemble's connect string, every node.
func (c *Cluster) Connect() string { return c.connect }

// Size is the number of nodes.
func (c *Cluster) Size() int { return len(c.nodes) }

// Addr is node i's client address.
func (c *Cluster) Addr(i int) string { return c.node(i).addr }

// Mode asks node i with srvr: "leader" or "follower"; an error when it is down, paused (after a
// 2 s timeout) or without quorum.
func (c *Cluster) Mode(i int) (string, error) {
	m, err := Srvr(c.node(i).addr)
	if err != nil {
		return "", fmt.Errorf("node %d: %w", i, err)
	}
	return m["Mode"], nil
}

// Leader waits (up to 30 s) for a quorum and returns the leader's number.
func (c *Cluster) Leader() int {
	c.t.Helper()
	modes, err := c.waitQuorum(healTimeout, false)
	if err != nil {
		c.t.Fatalf("zktest: no leader: %v", err)
	}
	for i, m := range modes {
		if m == "leader" {
			return i + 1
		}
	}
	panic("unreachable: waitQuorum returned without a leader")
}

// Followers waits (up to 30 s) for a quorum and returns the followers' numbers, in order.
func (c *Cluster) Followers() []int {
	c.t.Helper()
	modes, err := c.waitQuorum(healTimeout, false)
	if err != nil {
		c.t.Fatalf("zktest: no quorum: %v", err)
	}
	var ids []int
	for i, m := range modes {
		if m == "follower" {
			ids = append(ids, i+1)
		}
	}
	return ids
}

// Kill kills node i with SIGKILL, after checking that its recorded PID is still that node.
func (c *Cluster) Kill(i int) {
	c.t.Helper()
	n := c.node(i)
	pid := n.pid()
	if pid == 0 {
		c.t.Fatalf("zktest: kill node %d: not running", i)
	}
	c.disturbed = true
	if err := terminate(pid, n.cfg(), syscall.SIGKILL, 5*time.Second); err != nil {
		c.t.Fatalf("zktest: kill node %d: %v", i, err)
	}
}

// Restart starts a killed node i again from its recorded command line and waits until it serves.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	n := c.node(i)
	if pid := n.pid(); pid != 0 {
		c.t.Fatalf("zktest: restart node %d: still running as pid %d; Kill it first", i, pid)
	}
	c.disturbed = true
	if err := c.start(n); err != nil {
		c.t.Fatalf("zktest: restart node %d: %v", i, err)
	}
}

// Pause freezes node i with SIGSTOP: it accepts connections but never answers.
func (c *Cluster) Pause(i int) { c.signal(i, syscall.SIGSTOP) }

// Resume continues a paused node i (SIGCONT).
func (c *Cluster) Resume(i int) { c.signal(i, syscall.SIGCONT) }

// WaitQuorum waits until a majority of the nodes serve under exactly one leader; down and
// paused nodes do not count. The error says what each node answered last.
func (c *Cluster) WaitQuorum(timeout time.Duration) error {
	_, err := c.waitQuorum(timeout, false)
	return err
}

func (c *Cluster) signal(i int, sig syscall.Signal) {
	c.t.Helper()
	pid := c.node(i).pid()
	if pid == 0 {
		c.t.Fatalf("zktest: %v to node %d: not running", sig, i)
	}
	c.disturbed = true
	if err := pauseOrResume(pid, sig); err != nil {
		c.t.Fatalf("zktest: %v to node %d (pid %d): %v", sig, i, pid, err)
	}
}

func (c *Cluster) node(i int) clusterNode {
	c.t.Helper()
	if i < 1 || i > len(c.nodes) {
		c.t.Fatalf("zktest: no node %d: the ensemble's nodes are 1..%d", i, len(c.nodes))
	}
	return c.nodes[i-1]
}

// start launches node n from its cmd file, detached so that it outlives this test binary like
// the nodes scripts/zookeeper.sh started, and waits until it serves.
func (c *Cluster) start(n clusterNode) error {
	b, err := os.ReadFile(filepath.Join(n.dir, "cmd"))
	if err != nil {
		return err
	}
	argv := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	cmd, err := launch(n.dir, argv)
	if err != nil {
		return err
	}
	pid := cmd.Process.Pid
	if err := os.WriteFile(n.pidFile(), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		return err
	}
	if err := waitServing(n.addr, pid, n.cfg(), readyTimeout); err != nil {
		return fmt.Errorf("node %d (pid %d): %v; last log lines:\n%s", n.id, pid, err, logTail(filepath.Join(n.dir, "zk.log"), 25))
	}
	return nil
}

// heal resumes paused nodes, restarts dead ones and waits until every node serves.
func (c *Cluster) heal() error {
	for _, n := range c.nodes {
		pid := n.pid()
		switch {
		case pid == 0:
			if err := c.start(n); err != nil {
				return err
			}
			c.disturbed = true
		case stopped(pid):
			if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
				return fmt.Errorf("SIGCONT to node %d (pid %d): %w", n.id, pid, err)
			}
			c.disturbed = true
		}
	}
	_, err := c.waitQuorum(healTimeout, true)
	return err
}

// release heals the ensemble for the next test and lets it go.
func (c *Cluster) release() {
	if err := c.heal(); err != nil {
		c.t.Errorf("zktest: ensemble %s left unhealthy: %v", c.dir, err)
	}
	if err := release(c.t.Name()); err != nil {
		c.t.Errorf("zktest: ensemble %s: %v", c.dir, err)
	}
}

// settleTime is how long a healed ensemble must look whole before it is handed on: a node
// resumed from SIGSTOP answers srvr with its old mode until it notices, after syncLimit ×
// tickTime (1 s in zookeeper.sh's configuration), that its leader dropped it.
const settleTime = 1500 * time.Millisecond

// waitQuorum polls the nodes until exactly one leads and a majority serve; it returns each
// node's mode ("" when down, paused or not serving). With every, all nodes must serve and,
// when this handle disturbed a node, keep doing so for settleTime.
func (c *Cluster) waitQuorum(timeout time.Duration, every bool) ([]string, error) {
	deadline := time.Now().Add(timeout)
	var whole time.Time // since when every node has served; zero when not
	for {
		modes := make([]string, len(c.nodes))
		why := make([]string, len(c.nodes))
		leaders, serving := 0, 0
		for i, n := range c.nodes {
			pid := n.pid()
			switch {
			case pid == 0:
				why[i] = "down"
			case stopped(pid):
				why[i] = "paused"
			default:
				m, err := Srvr(n.addr)
				if err != nil {
					why[i] = err.Error()
					break
				}
				modes[i], why[i] = m["Mode"], m["Mode"]
				if modes[i] == "leader" {
					leaders++
				}
				serving++
			}
		}
		switch {
		case !every && leaders == 1 && serving > len(c.nodes)/2:
			return modes, nil
		case every && leaders == 1 && serving == len(c.nodes):
			if whole.IsZero() {
				whole = time.Now()
			}
			if !c.disturbed || time.Since(whole) >= settleTime {
				return modes, nil
			}
		default:
			whole = time.Time{}
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for i, w := range why {
				fmt.Fprintf(&b, "; node %d: %s", i+1, w)
			}
			return nil, fmt.Errorf("no quorum after %v%s", timeout, b.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
