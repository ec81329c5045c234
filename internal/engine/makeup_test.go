package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// An instance whose connection is suspended for less than the session timeout, but longer than
// the third of it after which running items are fenced: its fenced item and the fires it skipped
// meanwhile are owed to the session, and made up by one run, with the latest skipped fire, once
// the same session is back. Nobody else runs the item (the session never expired), and no fire
// of it runs twice.
func TestSuspensionIsMadeUpWhenTheSessionComesBack(t *testing.T) {
	const session = 6 * time.Second // fencing after 2 s
	cl := newCluster(t, session)
	proxy := zktest.NewProxy(t, cl.servers)
	cfg := jobapi.NewJobConfiguration("owedJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	bID := InstanceID("10.0.0.2", 200)
	waitHeld := rec.holdFirst(t, func(sc jobapi.ShardingContext) bool { return sc.TaskID == "owedJob@-@0@-@READY@-@"+bID })
	a := cl.start("10.0.0.1", 100)
	b := cl.startOn(cl.connectTo(proxy.Addr()), "10.0.0.2", 200)
	a.register(t, cfg, rec).Schedule()
	b.register(t, cfg, rec).Schedule()
	held := waitHeld(15*time.Second, "B never ran item 0")
	sessionID := b.center.SessionID()

	proxy.Blackhole()
	proxy.Cut() // B sees the connection go at once; its reconnections hang until Restore
	cut := time.Now()
	testkit.Eventually(t, 5*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.instance == bID && r.sc.FireTime.Equal(held.FireTime) && errors.Is(r.err, context.Canceled) {
				return true
			}
		}
		return false
	}, "B's held item fenced")
	time.Sleep(cut.Add(3500 * time.Millisecond).Sub(time.Now()))
	proxy.Restore()
	restored := time.Now()
	testkit.Eventually(t, 10*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.instance == bID && r.sc.ShardingItem == 0 && r.start.After(restored) && r.err == nil {
				return true
			}
		}
		return false
	}, "B runs item 0 again after the restore")
	waitFullFireWith(t, rec, time.Now(), map[string][]int{bID: {0}, a.id: {1}})
	if got := b.center.SessionID(); got != sessionID {
		t.Fatalf("B's session changed (%x → %x): the test needs it to survive", sessionID, got)
	}

	// Item 0's fires after the held one: the first run after the restore is the make-up, with a
	// fire of the suspension; every later fire runs once; nobody but B ran it.
	seen := map[time.Time]int{}
	var makeUp *run
	for _, r := range rec.all() {
		if r.sc.ShardingItem != 0 || !r.sc.FireTime.After(held.FireTime) {
			continue
		}
		if r.instance != bID {
			t.Errorf("%s ran item 0 of fire %v: the session survived, nothing was to fail over", r.instance, r.sc.FireTime)
		}
		ft := r.sc.FireTime.UTC()
		if seen[ft]++; seen[ft] == 2 {
			t.Errorf("item 0 of fire %v ran twice", ft)
		}
		if makeUp == nil || r.sc.FireTime.Before(makeUp.sc.FireTime) {
			makeUp = &r
		}
	}
	if makeUp == nil {
		t.Fatal("item 0 never ran after the held fire")
	}
	if !makeUp.sc.FireTime.After(cut) || !makeUp.sc.FireTime.Before(restored) || makeUp.start.Before(restored) {
		t.Errorf("first run of item 0 after the held fire: fire %v started %v; want the make-up of a fire between the cut (%v) and the restore (%v), after the restore",
			makeUp.sc.FireTime.UTC(), makeUp.start.UTC(), cut.UTC(), restored.UTC())
	}
	assertNothingStuck(t, a.center, "owedJob", 2)
}
