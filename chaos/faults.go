package chaos

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"time"
)

// Fault kinds, injected one at a time in a seeded random order (every kind once per round).
const (
	KillInstance    = "kill-instance"    // kill -9 of an instance, restarted after 2–5 s
	StopInstance    = "stop-instance"    // SIGSTOP of an instance for 5–7 s (session timeout 3 s), then SIGCONT
	KillZKLeader    = "kill-zk-leader"   // kill -9 of the ZooKeeper leader, restarted after 2–5 s
	KillZKFollower  = "kill-zk-follower" // kill -9 of a ZooKeeper follower, restarted after 2–5 s
	RestartInstance = "restart-instance" // SIGTERM of an instance (graceful stop), then a new process
	PauseEnsemble   = "pause-ensemble"   // SIGSTOP of every ZooKeeper node for 1–2 s, then SIGCONT
)

var faultKinds = []string{KillInstance, StopInstance, KillZKLeader, KillZKFollower, RestartInstance, PauseEnsemble}

// Fault is one injected fault. Instance names the instance it took down (kill-instance and
// stop-instance: a crash as ZooKeeper sees it) from Start; End is when it was undone.
type Fault struct {
	Kind     string
	Target   string
	Instance string
	PID      string    // the instance's process
	Start    time.Time // the fault: SIGKILL, SIGSTOP, SIGTERM
	End      time.Time // undone: restarted, SIGCONT
	Noticed  time.Time // a crash: ZooKeeper deleted the instance node (zero: never seen)
}

// crash reports whether the fault leaves an instance's items to failover.
func (f Fault) crash() bool { return f.Kind == KillInstance || f.Kind == StopInstance }

// injector applies faults to the ensemble and the services.
type injector struct {
	rng   *rand.Rand
	zk    *ensemble
	svc   *services
	gens  []int // generation of each slot's process
	log   func(format string, args ...any)
	order []string
}

func (in *injector) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(in.rng.Int64N(int64(hi-lo)))
}

// next applies the next fault and undoes it; it returns once the fault is undone.
func (in *injector) next() (Fault, error) {
	if len(in.order) == 0 {
		in.order = append([]string(nil), faultKinds...)
		in.rng.Shuffle(len(in.order), func(a, b int) { in.order[a], in.order[b] = in.order[b], in.order[a] })
	}
	kind := in.order[0]
	in.order = in.order[1:]
	f := Fault{Kind: kind}
	var err error
	switch kind {
	case KillInstance, StopInstance, RestartInstance:
		err = in.instanceFault(&f)
	case KillZKLeader, KillZKFollower:
		err = in.zkKill(&f)
	case PauseEnsemble:
		err = in.zkPause(&f)
	}
	return f, err
}

func (in *injector) instanceFault(f *Fault) error {
	s := in.rng.IntN(len(in.gens))
	f.Target = in.svc.name(s)
	pid := in.svc.pid(s)
	f.PID = pid
	f.Start = time.Now()
	switch f.Kind {
	case KillInstance:
		f.Instance = f.Target
		in.log("%s %s (pid %s): SIGKILL", f.Kind, f.Target, pid)
		if err := in.svc.stop(s, syscall.SIGKILL, 10*time.Second); err != nil {
			return err
		}
		time.Sleep(in.between(2*time.Second, 5*time.Second))
	case StopInstance:
		f.Instance = f.Target
		in.log("%s %s (pid %s): SIGSTOP", f.Kind, f.Target, pid)
		if err := in.svc.signal(s, syscall.SIGSTOP); err != nil {
			return err
		}
		time.Sleep(in.between(5*time.Second, 7*time.Second))
		f.End = time.Now()
		in.log("%s %s: SIGCONT", f.Kind, f.Target)
		return in.svc.signal(s, syscall.SIGCONT)
	case RestartInstance:
		in.log("%s %s (pid %s): SIGTERM", f.Kind, f.Target, pid)
		if err := in.svc.stop(s, syscall.SIGTERM, 15*time.Second); err != nil {
			return err
		}
		in.log("%s %s: exited", f.Kind, f.Target)
	}
	// Like a process supervisor, start the service again when it gives up at start-up (it cannot
	// reach ZooKeeper within its connection bound while the ensemble recovers from a fault).
	for attempt := 1; ; attempt++ {
		in.gens[s]++
		if err := in.svc.start(s, in.gens[s]); err != nil {
			return err
		}
		f.End = time.Now()
		in.log("%s: %s started (pid %s)", f.Kind, in.svc.name(s), in.svc.pid(s))
		err := in.svc.waitRunning(s, 30*time.Second)
		if err == nil || in.svc.alive(s) || attempt == 3 {
			return err
		}
		in.log("%s: %v; starting it again", f.Kind, err)
	}
}

func (in *injector) zkKill(f *Fault) error {
	leader, followers, err := in.zk.roles(30 * time.Second)
	if err != nil {
		return err
	}
	n := leader
	if f.Kind == KillZKFollower {
		if len(followers) == 0 {
			return fmt.Errorf("%s: no follower serves", f.Kind)
		}
		n = followers[in.rng.IntN(len(followers))]
	}
	f.Target = fmt.Sprintf("zk%d", n)
	f.Start = time.Now()
	in.log("%s %s (pid %d): SIGKILL", f.Kind, f.Target, in.zk.pid(n))
	if err := in.zk.kill(n); err != nil {
		return err
	}
	time.Sleep(in.between(2*time.Second, 5*time.Second))
	if err := in.zk.restart(n); err != nil {
		return err
	}
	f.End = time.Now()
	in.log("%s: %s serves again (pid %d)", f.Kind, f.Target, in.zk.pid(n))
	return nil
}

func (in *injector) zkPause(f *Fault) error {
	f.Target = "zk1,zk2,zk3"
	d := in.between(time.Second, 2*time.Second)
	f.Start = time.Now()
	in.log("%s: SIGSTOP for %v", f.Kind, d.Round(time.Millisecond))
	var first error
	for n := 1; n <= 3; n++ {
		if err := in.zk.signal(n, syscall.SIGSTOP); err != nil && first == nil {
			first = err
		}
	}
	time.Sleep(d)
	for n := 1; n <= 3; n++ {
		if err := in.zk.signal(n, syscall.SIGCONT); err != nil && first == nil {
			first = err
		}
	}
	f.End = time.Now()
	in.log("%s: SIGCONT", f.Kind)
	return first
}
