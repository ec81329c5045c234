package zktest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestEnsembleDescribesItsNodes(t *testing.T) {
	e := Ensemble(t)
	if e.Size() != 3 {
		t.Fatalf("Size = %d; want 3", e.Size())
	}
	addrs := []string{e.Addr(1), e.Addr(2), e.Addr(3)}
	if got, want := e.Connect(), strings.Join(addrs, ","); got != want {
		t.Fatalf("Connect = %q; want the nodes' addresses %q", got, want)
	}
	leader, followers := e.Leader(), e.Followers()
	if len(followers) != 2 {
		t.Fatalf("followers %v; want 2 of them", followers)
	}
	for _, f := range followers {
		if f == leader {
			t.Fatalf("node %d is both leader and follower", f)
		}
	}
	if m, err := e.Mode(leader); err != nil || m != "leader" {
		t.Fatalf("Mode(%d) = %q, %v; want leader", leader, m, err)
	}
}

func TestEnsembleKillAndRestartFollower(t *testing.T) {
	e := Ensemble(t)
	leader := e.Leader()
	f := e.Followers()[0]

	e.Kill(f)
	if _, err := e.Mode(f); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Mode of killed node %d: %v; want connection refused", f, err)
	}
	if err := e.WaitQuorum(5 * time.Second); err != nil {
		t.Fatalf("two of three nodes must keep the quorum: %v", err)
	}

	e.Restart(f)
	if m, err := e.Mode(f); err != nil || m != "follower" {
		t.Fatalf("Mode(%d) after Restart = %q, %v; want follower", f, m, err)
	}
	if got := e.Leader(); got != leader {
		t.Fatalf("leader %d after a follower's restart; want %d unchanged", got, leader)
	}
}

func TestEnsemblePausedLeaderIsReplaced(t *testing.T) {
	e := Ensemble(t)
	old := e.Leader()

	e.Pause(old)
	if _, err := e.Mode(old); err == nil || !strings.Contains(err.Error(), "i/o timeout") {
		t.Fatalf("Mode of paused node %d: %v; want an i/o timeout", old, err)
	}
	if err := e.WaitQuorum(10 * time.Second); err != nil {
		t.Fatalf("no new leader while node %d is paused: %v", old, err)
	}
	if now := e.Leader(); now == old {
		t.Fatalf("paused node %d is still the leader", old)
	}

	e.Resume(old)
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, err := e.Mode(old)
		if err == nil && m == "follower" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("resumed node %d: Mode %q, %v; want follower within 10s", old, m, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEnsembleSubtestSharesItAndItsCleanupHeals(t *testing.T) {
	e := Ensemble(t)
	fs := e.Followers()
	t.Run("break", func(t *testing.T) {
		sub := Ensemble(t) // held by the parent: shared, not waited for
		sub.Kill(fs[0])
		sub.Pause(fs[1])
	})
	for i := 1; i <= e.Size(); i++ {
		if _, err := e.Mode(i); err != nil {
			t.Errorf("node %d after the subtest's cleanup (killed %d, paused %d): %v", i, fs[0], fs[1], err)
		}
	}
}

func TestEnsembleRejectsUnknownNode(t *testing.T) {
	ft := &fatalRecorder{TB: t}
	e := Ensemble(t)
	e.t = ft
	func() {
		defer func() { recover() }()
		e.Addr(4)
	}()
	if want := "zktest: no node 4: the ensemble's nodes are 1..3"; ft.msg != want {
		t.Fatalf("fatal %q; want %q", ft.msg, want)
	}
}

// fatalRecorder records a Fatalf and stops the caller with a panic instead of Goexit.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f.msg)
}
