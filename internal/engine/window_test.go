package engine

import (
	"context"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// An instance killed before its first run of an item it was given (the first fault of the
// 10-minute chaos run of seed 20261207 killed one 0.4 s after its start): no fire was ever
// recorded on the item, yet the fires from its assignment to the moment the crash is seen were
// its own, and are made up by the survivor (one run, with the latest of them), as a crash after
// a run is. Here the victim is a Go instance registered but never scheduled, killed a few fires
// after the first resharding gave it its items; its session ends at once.
func TestInstanceKilledBeforeItsFirstRunIsMadeUp(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	cfg := jobapi.NewJobConfiguration("firstRunJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	x := cl.start("10.0.0.2", 200)
	ja := a.register(t, cfg, rec)
	x.register(t, cfg, rec) // never scheduled: it never runs an item
	ja.Schedule()

	var mine []int
	testkit.Eventually(t, 20*time.Second, func() bool {
		mine = assignment(t, a.center, "firstRunJob", 2)[x.id]
		return len(mine) > 0
	}, "the first resharding gives the victim an item")
	item := mine[0]
	time.Sleep(2500 * time.Millisecond) // fires the victim misses while its session lives
	must(t, x.center.Close())           // killed: the session ends, nothing is cleaned up
	killed := time.Now()

	testkit.Eventually(t, 20*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.sc.ShardingItem == item && r.start.After(killed) && r.sc.FireTime.Before(killed) {
				return true
			}
		}
		return false
	}, "the survivor makes up item %d's fires up to the kill; runs %v", item, testkit.Later[[]run](rec.all))
	waitFullFireWith(t, rec, time.Now(), map[string][]int{a.id: {0, 1}})
	for fire, items := range rec.byFire() {
		if by := items[item]; len(by) > 1 {
			t.Errorf("item %d of fire %v ran %d times", item, fire, len(by))
		}
	}
	for _, r := range rec.all() {
		if r.sc.ShardingItem == item && r.instance != a.id {
			t.Errorf("the victim ran item %d: %v", item, r)
		}
	}
	assertNothingStuck(t, a.center, "firstRunJob", 2)
}

// An item handed over to the leader itself by a Go instance that is still there (another
// instance left, the items were spread again): the leader's run begins with the assignment it
// wrote, before its cache has seen the deletions of the old owners; it takes the record over
// from the previous owner all the same (notePrevOwners) and makes up the fire that owner missed.
func TestHandOverToTheLeaderMakesUpWhatThePreviousOwnerMissed(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("leaderGapJob", 3)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	// Listed C, A, B (reverse order of ids): 0, 1 and 2; once C has left, A gets 0 and 2
	// (AVG_ALLOCATION gives the remainder to the first), B 1: B's item 2 goes to A.
	a := cl.start("10.0.0.5", 500)
	ja := a.register(t, cfg, rec) // registered first: the leader
	b := cl.start("10.0.0.1", 100)
	jb := b.register(t, cfg, rec)
	c := cl.start("10.0.0.9", 900)
	jc := c.register(t, cfg, rec)
	testkit.Eventually(t, 5*time.Second, func() bool {
		ja.shardIfNecessary()
		return sameAssignment(assignment(t, a.center, "leaderGapJob", 3), map[string][]int{c.id: {0}, a.id: {1}, b.id: {2}}) &&
			!ja.exists(nodepath.ShardingNecessary("leaderGapJob"))
	}, "one item each: %v", testkit.Later[map[string][]int](func() map[string][]int { return assignment(t, a.center, "leaderGapJob", 3) }))
	testkit.Eventually(t, 5*time.Second, func() bool {
		owner, _ := ja.cached(nodepath.ItemInstance("leaderGapJob", 2))
		return len(jb.localItems(3)) == 1 && owner == b.id && parseRecord(get(a.center, nodepath.Item("leaderGapJob", 2))).by == b.id
	}, "B has taken item 2 over, and the caches have the assignment")

	fire := time.Now().Truncate(time.Second).Add(-10 * time.Second)
	runOnceAlone(t, jb, fire) // B's last run of item 2; it misses the next fire
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	must(t, jc.Shutdown(ctx))
	testkit.Eventually(t, 5*time.Second, func() bool { return ja.exists(nodepath.ShardingNecessary("leaderGapJob")) }, "the leader asks for a resharding")
	runOnceAlone(t, ja, fire.Add(2*time.Second))

	got := runsByFire(rec)
	if by := got[ms(fire.Add(time.Second))][2]; len(by) != 1 || by[0] != a.id {
		t.Fatalf("item 2 of the fire B missed ran on %v; want the leader's make-up (runs by fire %v)", by, got)
	}
	if by := got[ms(fire.Add(2*time.Second))][2]; len(by) != 1 || by[0] != a.id {
		t.Fatalf("item 2 of the leader's fire ran on %v (runs by fire %v)", by, got)
	}
}
