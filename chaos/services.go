package chaos

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
)

// services are the processes of the service under test, one per slot. A slot's process is
// replaced on restart; each process is an instance named "s{slot}.{generation}" in the ledger.
type services struct {
	bin, dir string
	env      []string

	mu    sync.Mutex
	procs []*proc // by slot
}

type proc struct {
	name   string
	cmd    *exec.Cmd
	ledger string
	done   chan struct{} // closed when the process has exited and been reaped
}

// buildService compiles chaos/service into dir.
func buildService(root, dir string) (string, error) {
	bin := filepath.Join(dir, "service")
	cmd := exec.Command("go", "build", "-o", bin, "./chaos/service")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./chaos/service: %v\n%s", err, out)
	}
	return bin, nil
}

func newServices(bin, dir, connect, namespace string, n int) *services {
	return &services{
		bin: bin, dir: dir, procs: make([]*proc, n),
		env: append(os.Environ(),
			"ELASTICJOB_REGCENTER_SERVERLISTS="+connect,
			"ELASTICJOB_REGCENTER_NAMESPACE="+namespace,
			"ELASTICJOB_REGCENTER_SESSIONTIMEOUTMILLISECONDS=3000",
			"ELASTICJOB_REGCENTER_CONNECTIONTIMEOUTMILLISECONDS=3000",
		),
	}
}

// start launches a new process in slot s; its ledger and log are named after it.
func (ss *services) start(s int, gen int) error {
	name := fmt.Sprintf("s%d.%d", s+1, gen)
	p := &proc{name: name, ledger: filepath.Join(ss.dir, name+".ledger"), done: make(chan struct{})}
	log, err := os.Create(filepath.Join(ss.dir, name+".log"))
	if err != nil {
		return err
	}
	defer log.Close()
	p.cmd = exec.Command(ss.bin)
	p.cmd.Dir = ss.dir
	p.cmd.Env = append(ss.env, "CHAOS_LEDGER="+p.ledger, "CHAOS_INSTANCE="+name)
	p.cmd.Stdout, p.cmd.Stderr = log, log
	// Its own process group: a Ctrl-C of the harness reaches the harness only, which stops it.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	ss.mu.Lock()
	ss.procs[s] = p
	ss.mu.Unlock()
	return nil
}

func (ss *services) proc(s int) *proc {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.procs[s]
}

// signal sends sig to slot s's process (not after it exited: its PID may be reused).
func (ss *services) signal(s int, sig syscall.Signal) error {
	p := ss.proc(s)
	select {
	case <-p.done:
		return fmt.Errorf("%v to %s: it has exited", sig, p.name)
	default:
	}
	return p.cmd.Process.Signal(sig)
}

// stop sends sig and waits up to grace for the exit, then kills.
func (ss *services) stop(s int, sig syscall.Signal, grace time.Duration) error {
	p := ss.proc(s)
	_ = ss.signal(s, syscall.SIGCONT) // a stopped process ignores TERM until continued
	if err := ss.signal(s, sig); err != nil {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not exit %v after %v: killed", p.name, grace, sig)
	}
}

// alive reports whether slot s's process still runs.
func (ss *services) alive(s int) bool {
	select {
	case <-ss.proc(s).done:
		return false
	default:
		return true
	}
}

// ledgers lists every process's ledger file, the replaced ones included.
func (ss *services) ledgers() ([]string, error) {
	return filepath.Glob(filepath.Join(ss.dir, "s*.ledger"))
}

// name is slot s's current instance name.
func (ss *services) name(s int) string { return ss.proc(s).name }

// pid is slot s's current process id, for the fault log.
func (ss *services) pid(s int) string { return strconv.Itoa(ss.proc(s).cmd.Process.Pid) }

// waitRunning waits until the process in slot s has started an item (it is connected,
// registered and sharded), so that the next fault does not hit a process still starting: a
// service that cannot reach ZooKeeper within its connection bound gives up, as ElasticJob does.
func (ss *services) waitRunning(s int, timeout time.Duration) error {
	p := ss.proc(s)
	deadline := time.Now().Add(timeout)
	for {
		entries, err := ledger.Read([]string{p.ledger})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			if e.Event == "started" {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited during start-up: see %s", p.name, filepath.Join(ss.dir, p.name+".log"))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s started no item within %v of its start", p.name, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
