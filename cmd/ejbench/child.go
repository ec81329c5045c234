package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a re-executed copy of this binary in a role (instance, robfig, gocron).
type child struct {
	name    string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan string // every line but start events
	events  chan event  // start lines (with -events)
	done    chan struct{}

	registerTime time.Duration
	id           string // instance id, or the floor's name
}

// event is one item start reported by an instance.
type event struct {
	job  string
	item int
	at   time.Time
}

// sample is one stats answer.
type sample struct {
	at         time.Time
	cpu        time.Duration
	rss        int64
	goroutines int
	threads    int
	execs      int64
}

// spawn starts this binary as role with args and waits up to timeout for its ready line; its
// stderr goes to logFile.
func spawn(name, role string, logFile *os.File, timeout time.Duration, args ...string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{"-role", role}, args...)...)
	cmd.Stderr = logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &child{
		name: name, cmd: cmd, stdin: stdin,
		replies: make(chan string, 16), events: make(chan event, 4096), done: make(chan struct{}),
	}
	go c.read(stdout)
	line, err := c.reply("ready", timeout)
	if err != nil {
		c.kill()
		return nil, err
	}
	f := strings.Fields(line)
	if len(f) != 3 {
		c.kill()
		return nil, fmt.Errorf("%s: ready line %q, want 3 fields", name, line)
	}
	ns, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		c.kill()
		return nil, fmt.Errorf("%s: ready line %q: %w", name, line, err)
	}
	c.registerTime, c.id = time.Duration(ns), f[2]
	return c, nil
}

func (c *child) read(r io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20) // lat lines are long
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "start "); ok {
			var e event
			var ns int64
			if _, err := fmt.Sscanf(rest, "%s %d %d", &e.job, &e.item, &ns); err == nil {
				e.at = time.Unix(0, ns)
				select {
				case c.events <- e:
				default: // nobody listens: events only matter to the rows that drain them
				}
			}
			continue
		}
		c.replies <- line
	}
}

// reply waits for the next line starting with prefix.
func (c *child) reply(prefix string, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case line := <-c.replies:
			if strings.HasPrefix(line, prefix) {
				return line, nil
			}
			if strings.HasPrefix(line, "error") {
				return "", fmt.Errorf("%s: %s", c.name, line)
			}
		case <-c.done:
			return "", fmt.Errorf("%s exited before %q (see the log)", c.name, prefix)
		case <-t.C:
			return "", fmt.Errorf("%s: no %q line within %v", c.name, prefix, timeout)
		}
	}
}

// ask sends a command and returns its answer.
func (c *child) ask(cmd string, timeout time.Duration) (string, error) {
	if _, err := fmt.Fprintln(c.stdin, cmd); err != nil {
		return "", fmt.Errorf("%s: %s: %w", c.name, cmd, err)
	}
	return c.reply(strings.Fields(cmd)[0], timeout)
}

func (c *child) stats() (sample, error) {
	line, err := c.ask("stats", 10*time.Second)
	if err != nil {
		return sample{}, err
	}
	s := sample{at: time.Now()}
	var cpu int64
	if _, err := fmt.Sscanf(line, "stats %d %d %d %d %d", &cpu, &s.rss, &s.goroutines, &s.threads, &s.execs); err != nil {
		return sample{}, fmt.Errorf("%s: stats line %q: %w", c.name, line, err)
	}
	s.cpu = time.Duration(cpu)
	return s, nil
}

// latencies drains the fire latencies recorded since the last call.
func (c *child) latencies() ([]time.Duration, error) {
	line, err := c.ask("lat", 30*time.Second)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(line)[1:]
	out := make([]time.Duration, 0, len(f))
	for _, v := range f {
		us, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: lat value %q: %w", c.name, v, err)
		}
		out = append(out, time.Duration(us)*time.Microsecond)
	}
	return out, nil
}

// latenciesByFire drains the fire latencies recorded since the last call, by fire (unix second).
func (c *child) latenciesByFire() (map[int64][]time.Duration, error) {
	line, err := c.ask("latfire", 30*time.Second)
	if err != nil {
		return nil, err
	}
	out := map[int64][]time.Duration{}
	for _, v := range strings.Fields(line)[1:] {
		sec, us, ok := strings.Cut(v, ":")
		fire, err1 := strconv.ParseInt(sec, 10, 64)
		d, err2 := strconv.ParseInt(us, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: latfire value %q", c.name, v)
		}
		out[fire] = append(out[fire], time.Duration(d)*time.Microsecond)
	}
	return out, nil
}

// gcEnds are the ends of the child's GC cycles (their last pause) since the last call.
func (c *child) gcEnds() ([]time.Time, error) {
	line, err := c.ask("gc", 30*time.Second)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for _, v := range strings.Fields(line)[2:] {
		ns, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: gc value %q: %w", c.name, v, err)
		}
		out = append(out, time.Unix(0, ns))
	}
	return out, nil
}

// quit shuts the child down gracefully (its ephemeral nodes go at once).
func (c *child) quit() error {
	var err error
	if _, werr := fmt.Fprintln(c.stdin, "quit"); werr != nil {
		err = fmt.Errorf("%s: quit: %w", c.name, werr)
	} else {
		_, err = c.reply("bye", 30*time.Second)
	}
	_ = c.stdin.Close()
	if err != nil {
		c.kill()
		return err
	}
	return c.cmd.Wait()
}

// kill is kill -9: the session stays until it expires.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	_ = c.cmd.Wait()
}
