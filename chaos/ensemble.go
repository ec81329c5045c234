package chaos

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ensemble is the three-node ZooKeeper ensemble that scripts/zookeeper.sh start-ensemble wrote
// to dir: each node's directory holds cmd (its command line, one argument per line), pid, addr
// and zoo.cfg, so that a node can be killed and started again.
type ensemble struct {
	root, dir string
	connect   string
	nodes     []string // node directories; node n is nodes[n-1]
}

// syncLimit is the ensemble's syncLimit in 200 ms ticks: 4 s, longer than a pause-ensemble fault
// (at most 2 s) and the 3 s session. With the tests' 1 s, every such pause (and a CPU-starved JVM
// on this 2-core machine) made the leader drop both followers and the ensemble elect again, over
// and over, so that no new session could be made for tens of seconds. A production ensemble
// waits 10 s (tickTime 2000, syncLimit 5).
const syncLimit = "20"

// startEnsemble runs scripts/zookeeper.sh (install, start-ensemble) from the repository root.
func startEnsemble(root, dir string) (*ensemble, error) {
	script := filepath.Join(root, "scripts", "zookeeper.sh")
	for _, args := range [][]string{{"install"}, {"start-ensemble", dir}} {
		cmd := exec.Command("bash", append([]string{script}, args...)...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "ZK_SYNC_LIMIT="+syncLimit)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("zookeeper.sh %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "ensemble"))
	if err != nil {
		return nil, err
	}
	e := &ensemble{root: root, dir: dir, connect: strings.TrimSpace(string(b))}
	for n := 1; n <= 3; n++ {
		e.nodes = append(e.nodes, filepath.Join(dir, "node"+strconv.Itoa(n)))
	}
	return e, nil
}

// stop stops every node (scripts/zookeeper.sh stop resumes paused ones first).
func (e *ensemble) stop() error {
	cmd := exec.Command("bash", filepath.Join(e.root, "scripts", "zookeeper.sh"), "stop", e.dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("zookeeper.sh stop %s: %v\n%s", e.dir, err, out)
	}
	return nil
}

// pid is node n's recorded PID when that process still runs its zoo.cfg, else 0 (PIDs wrap).
func (e *ensemble) pid(n int) int {
	b, err := os.ReadFile(filepath.Join(e.nodes[n-1], "pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || !strings.Contains(string(cmdline), filepath.Join(e.nodes[n-1], "zoo.cfg")) {
		return 0
	}
	return pid
}

// mode asks node n with srvr: "leader", "follower", or "" when it does not serve.
func (e *ensemble) mode(n int) string {
	addr, err := os.ReadFile(filepath.Join(e.nodes[n-1], "addr"))
	if err != nil {
		return ""
	}
	conn, err := net.DialTimeout("tcp", strings.TrimSpace(string(addr)), time.Second)
	if err != nil {
		return ""
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("srvr")); err != nil {
		return ""
	}
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		if m, ok := strings.CutPrefix(sc.Text(), "Mode: "); ok {
			return m
		}
	}
	return ""
}

// leader waits up to timeout for a node to lead and returns it; followers are the others that
// serve.
func (e *ensemble) roles(timeout time.Duration) (leader int, followers []int, err error) {
	deadline := time.Now().Add(timeout)
	for {
		leader, followers = 0, nil
		for n := 1; n <= len(e.nodes); n++ {
			switch e.mode(n) {
			case "leader":
				leader = n
			case "follower":
				followers = append(followers, n)
			}
		}
		if leader != 0 {
			return leader, followers, nil
		}
		if time.Now().After(deadline) {
			return 0, nil, fmt.Errorf("no ZooKeeper leader after %v", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill sends SIGKILL to node n and waits until it is gone.
func (e *ensemble) kill(n int) error {
	pid := e.pid(n)
	if pid == 0 {
		return fmt.Errorf("ZooKeeper node %d is not running", n)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill ZooKeeper node %d (pid %d): %w", n, pid, err)
	}
	for k := 0; k < 100 && e.pid(n) != 0; k++ {
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// restart starts node n again from its cmd file, detached like the script's nodes, and waits
// until it serves.
func (e *ensemble) restart(n int) error {
	dir := e.nodes[n-1]
	b, err := os.ReadFile(filepath.Join(dir, "cmd"))
	if err != nil {
		return err
	}
	argv := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	log, err := os.OpenFile(filepath.Join(dir, "zk.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("restart ZooKeeper node %d: %w", n, err)
	}
	go func() { _ = cmd.Wait() }() // reap it when it is killed later
	if err := os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for e.mode(n) == "" {
		if time.Now().After(deadline) {
			return fmt.Errorf("ZooKeeper node %d (pid %d) does not serve 60 s after its restart", n, cmd.Process.Pid)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// signal sends sig (SIGSTOP, SIGCONT) to node n.
func (e *ensemble) signal(n int, sig syscall.Signal) error {
	pid := e.pid(n)
	if pid == 0 {
		return fmt.Errorf("%v to ZooKeeper node %d: not running", sig, n)
	}
	return syscall.Kill(pid, sig)
}
