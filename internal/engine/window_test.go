package engine

import (
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
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
