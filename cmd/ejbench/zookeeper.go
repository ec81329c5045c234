package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// server is the standalone ZooKeeper the harness starts with scripts/zookeeper.sh, with the JVM's
// full JIT as in production (the tests' servers stop at C1 to start fast).
type server struct{ script, dir, addr string }

func startServer(root, dir, heap string) (*server, error) {
	s := &server{script: filepath.Join(root, "scripts", "zookeeper.sh"), dir: dir}
	for _, args := range [][]string{{"install"}, {"start-standalone", dir}} {
		cmd := exec.Command("bash", append([]string{s.script}, args...)...)
		cmd.Env = append(os.Environ(), "ZK_HEAP="+heap, "ZK_JIT=full")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("zookeeper.sh %s: %w", strings.Join(args, " "), err)
		}
	}
	addr, err := os.ReadFile(filepath.Join(dir, "servers"))
	if err != nil {
		return nil, err
	}
	s.addr = strings.TrimSpace(string(addr))
	return s, nil
}

func (s *server) stop() error {
	cmd := exec.Command("bash", s.script, "stop", s.dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// counter reads one numeric mntr counter.
func (s *server) counter(name string) (int64, error) {
	m, err := zktest.Mntr(s.addr)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(m[name], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("mntr %s: %s = %q: %w", s.addr, name, m[name], err)
	}
	return n, nil
}

func (s *server) packets() (int64, error) { return s.counter("zk_packets_received") }

// traffic is what the server has received: every packet (pings included), and the read and
// the write requests among them (mntr's latency sample counts; a multi is one write).
type traffic struct{ packets, reads, writes int64 }

func (s *server) traffic() (traffic, error) {
	m, err := zktest.Mntr(s.addr)
	if err != nil {
		return traffic{}, err
	}
	var t traffic
	for name, v := range map[string]*int64{
		"zk_packets_received":  &t.packets,
		"zk_cnt_readlatency":   &t.reads,
		"zk_cnt_updatelatency": &t.writes,
	} {
		if *v, err = strconv.ParseInt(m[name], 10, 64); err != nil {
			return traffic{}, fmt.Errorf("mntr %s: %s = %q: %w", s.addr, name, m[name], err)
		}
	}
	return t, nil
}

func (t traffic) minus(u traffic) traffic {
	return traffic{t.packets - u.packets, t.reads - u.reads, t.writes - u.writes}
}

func (s *server) version() string {
	m, err := zktest.Srvr(s.addr)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	v, _, _ := strings.Cut(m["Zookeeper version"], ",")
	v, _, _ = strings.Cut(v, "-${") // Debian's build leaves the git placeholder unexpanded
	return strings.TrimSpace(v)
}

// client is the harness's own session: round trips and reading assignments. It is closed
// while requests are counted.
type client struct{ conn *zk.Conn }

func dial(addr string) (*client, error) {
	conn, ev, err := zk.Connect([]string{addr}, 10*time.Second, zk.WithLogger(quietLogger{}))
	if err != nil {
		return nil, err
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-ev:
			if e.State == zk.StateHasSession {
				go func() {
					for range ev { // drain
					}
				}()
				return &client{conn: conn}, nil
			}
		case <-deadline:
			conn.Close()
			return nil, fmt.Errorf("zookeeper %s: no session within 10s", addr)
		}
	}
}

func (c *client) close() { c.conn.Close() }

// rtt is the median of n sequential exists("/") round trips.
func (c *client) rtt(n int) (time.Duration, error) {
	d := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if _, _, err := c.conn.Exists("/"); err != nil {
			return 0, fmt.Errorf("exists /: %w", err)
		}
		d = append(d, time.Since(t))
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2], nil
}

// markingTime is what ZooKeeper alone takes for the writes that jobs fires of items items each
// make at the same instant with monitorExecution: per job, the check of its instance node and
// the creation of its running nodes. apart false sends them as the engine's group commit does,
// as one multi; true sends one multi per job, all at once from as many goroutines, and times
// until the last is acknowledged (what the last of the fires would wait for without group
// commit). It returns the median and the 99th percentile over n rounds (each followed by one
// multi deleting the nodes again, not timed), in ms.
func (c *client) markingTime(ns string, jobs, items, n int, apart bool) (p50, p99 float64, err error) {
	root := "/" + ns
	var setup []any
	setup = append(setup, &zk.CreateRequest{Path: root, Data: []byte{}, Acl: zk.WorldACL(zk.PermAll)})
	for j := range jobs {
		job := fmt.Sprintf("%s/job%d", root, j)
		setup = append(setup, &zk.CreateRequest{Path: job, Data: []byte{}, Acl: zk.WorldACL(zk.PermAll)},
			&zk.CreateRequest{Path: job + "/instance", Data: []byte{}, Acl: zk.WorldACL(zk.PermAll)})
		for i := range items {
			setup = append(setup, &zk.CreateRequest{Path: fmt.Sprintf("%s/%d", job, i), Data: []byte{}, Acl: zk.WorldACL(zk.PermAll)})
		}
	}
	if _, err := c.conn.Multi(setup...); err != nil {
		return 0, 0, fmt.Errorf("marking setup: %w", err)
	}
	marks := make([][]any, jobs) // per job
	var clear []any
	for j := range jobs {
		job := fmt.Sprintf("%s/job%d", root, j)
		marks[j] = append(marks[j], &zk.CheckVersionRequest{Path: job + "/instance", Version: -1})
		for i := range items {
			running := fmt.Sprintf("%s/%d/running", job, i)
			marks[j] = append(marks[j], &zk.CreateRequest{Path: running, Data: []byte("127.0.0.1@-@1"), Acl: zk.WorldACL(zk.PermAll), Flags: zk.FlagEphemeral})
			clear = append(clear, &zk.DeleteRequest{Path: running, Version: -1})
		}
	}
	round := func() error {
		if !apart {
			_, err := c.conn.Multi(slices.Concat(marks...)...)
			return err
		}
		errs := make([]error, jobs)
		var wg sync.WaitGroup
		for j := range jobs {
			wg.Go(func() { _, errs[j] = c.conn.Multi(marks[j]...) })
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	d := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if err := round(); err != nil {
			return 0, 0, fmt.Errorf("marking: %w", err)
		}
		d = append(d, time.Since(t))
		if _, err := c.conn.Multi(clear...); err != nil {
			return 0, 0, fmt.Errorf("clearing multi: %w", err)
		}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return ms(d[len(d)/2]), ms(d[len(d)*99/100]), nil
}

// owners reads sharding/{i}/instance of a job: item -> instance id ("" when unassigned).
func (c *client) owners(ns, job string, items int) ([]string, error) {
	out := make([]string, items)
	for i := range items {
		b, _, err := c.conn.Get(fmt.Sprintf("/%s/%s/sharding/%d/instance", ns, job, i))
		if err == zk.ErrNoNode {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// setCron replaces the "cron: " line of a /config node (ElasticJob's YAML).
func (c *client) setCron(path, cron string) error {
	data, stat, err := c.conn.Get(path)
	if err != nil {
		return fmt.Errorf("get %s: %w", path, err)
	}
	lines := strings.Split(string(data), "\n")
	found := false
	for k, l := range lines {
		if strings.HasPrefix(l, "cron: ") {
			lines[k], found = "cron: "+cron, true
		}
	}
	if !found {
		return fmt.Errorf("%s: no cron line in %q", path, data)
	}
	if _, err := c.conn.Set(path, []byte(strings.Join(lines, "\n")), stat.Version); err != nil {
		return fmt.Errorf("set %s: %w", path, err)
	}
	return nil
}
