// Package chaos is the harness behind `make chaos`: a three-node ZooKeeper ensemble, three
// processes of the service under test (chaos/service, a job firing every second on 6 items with
// failover and misfire, session timeout 3 s), faults injected on a seeded random schedule, and
// the figures of the merged ledgers: duplicates, pairs never completed (inside and outside the
// detection window of a crash), failover gaps, instances that stopped scheduling.
package chaos

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
)

// Config is one run.
type Config struct {
	Root     string        // the repository root (scripts/zookeeper.sh, ./chaos/service)
	Dir      string        // work directory: ensemble, binary, ledgers, logs; kept after the run
	Duration time.Duration // how long faults are injected
	Seed     uint64
	Settle   time.Duration // after the faults, before the figures; 0 = 15 s
	Out      io.Writer     // the fault log and the figures
}

const instances = 3

// Run runs the harness and returns the figures.
func Run(cfg Config) (Figures, error) {
	if cfg.Settle <= 0 {
		cfg.Settle = 15 * time.Second
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return Figures{}, err
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return Figures{}, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "services"), 0o755); err != nil {
		return Figures{}, err
	}
	t0 := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(cfg.Out, "%s +%6.1fs  %s\n", clock(time.Now()), time.Since(t0).Seconds(), fmt.Sprintf(format, args...))
	}
	logf("seed %d, faults for %v, settle %v, work directory %s", cfg.Seed, cfg.Duration, cfg.Settle, dir)

	bin, err := buildService(root, dir)
	if err != nil {
		return Figures{}, err
	}
	zk, err := startEnsemble(root, filepath.Join(dir, "zk"))
	if err != nil {
		return Figures{}, err
	}
	defer func() {
		if err := zk.stop(); err != nil {
			logf("%v", err)
		}
	}()
	logf("ensemble %s has quorum", zk.connect)

	namespace := fmt.Sprintf("chaos-%d-%d", cfg.Seed, t0.Unix())
	obs, err := observe(zk.connect, "/"+namespace+"/chaos/instances")
	if err != nil {
		return Figures{}, err
	}
	defer obs.stop()
	svc := newServices(bin, filepath.Join(dir, "services"), zk.connect, namespace, instances)
	for s := 0; s < instances; s++ {
		if err := svc.start(s, 1); err != nil {
			return Figures{}, err
		}
	}
	defer func() {
		for s := 0; s < instances; s++ {
			if svc.alive(s) {
				_ = svc.stop(s, syscall.SIGTERM, 15*time.Second)
			}
		}
	}()
	if err := warmUp(svc); err != nil {
		return Figures{}, err
	}
	logf("every instance runs items; faults start")

	in := &injector{rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), zk: zk, svc: svc, gens: []int{1, 1, 1}, log: logf}
	from := time.Now()
	var faults []Fault
	for time.Since(from) < cfg.Duration {
		f, err := in.next()
		faults = append(faults, f)
		if err != nil {
			return Figures{}, fmt.Errorf("%s %s: %w", f.Kind, f.Target, err)
		}
		time.Sleep(in.between(3*time.Second, 6*time.Second))
	}
	logf("faults stop; settling for %v", cfg.Settle)
	if _, _, err := zk.roles(30 * time.Second); err != nil {
		return Figures{}, err
	}
	time.Sleep(cfg.Settle)
	end := time.Now()
	var live []string
	for s := 0; s < instances; s++ {
		if svc.alive(s) {
			live = append(live, svc.name(s))
		} else {
			logf("%s has exited: see %s.log", svc.name(s), filepath.Join(svc.dir, svc.name(s)))
		}
	}
	for k := range faults {
		if faults[k].crash() {
			faults[k].Noticed, _ = obs.goneAt(faults[k].PID, faults[k].Start)
		}
	}
	paths, err := svc.ledgers()
	if err != nil {
		return Figures{}, err
	}
	entries, err := ledger.Read(paths)
	if err != nil {
		return Figures{}, err
	}
	// Fires of the last 3 s may still be running at the end: they are left out.
	fig := analyze(entries, faults, from, end.Add(-3*time.Second), live, end, 5*time.Second)
	// An instance that stopped scheduling is stuck somewhere: SIGQUIT makes it write its
	// goroutines to its log before it exits.
	for s := 0; s < instances; s++ {
		if slices.Contains(fig.Stopped, svc.name(s)) && svc.alive(s) {
			if err := svc.stop(s, syscall.SIGQUIT, 10*time.Second); err != nil {
				logf("%v", err)
			}
			logf("%s stopped scheduling: its goroutines are in %s", svc.name(s), filepath.Join(svc.dir, svc.name(s)+".log"))
		}
	}
	logf("seed %d: figures", cfg.Seed)
	fig.print(cfg.Out)
	return fig, nil
}

// warmUp waits until every instance has started items: the cluster is sharded among the three.
func warmUp(svc *services) error {
	deadline := time.Now().Add(90 * time.Second)
	for {
		paths, err := svc.ledgers()
		if err != nil {
			return err
		}
		entries, err := ledger.Read(paths)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if e.Event == "started" && time.Since(time.UnixMilli(e.At)) < 2*time.Second {
				seen[e.Instance] = true
			}
		}
		if len(seen) == instances {
			return nil
		}
		for s := 0; s < instances; s++ {
			if !svc.alive(s) {
				return fmt.Errorf("%s exited during start-up: see %s", svc.name(s), filepath.Join(svc.dir, svc.name(s)+".log"))
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not every instance runs items 90 s after the start (recently running: %v)", seen)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
