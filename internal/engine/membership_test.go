package engine

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// oneEach: every instance of ins owns exactly one item of a 3-item job.
func oneEach(t *testing.T, job string, ins ...*instance) bool {
	got := assignment(t, ins[0].center, job, 3)
	for _, in := range ins {
		if len(got[in.id]) != 1 {
			return false
		}
	}
	return true
}

// settle fires the job on every instance until each owns one item.
func settle(t *testing.T, job string, what string, jobs []*Job, ins ...*instance) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, func() bool {
		if oneEach(t, job, ins...) {
			return true
		}
		for _, j := range jobs {
			if !j.idle() {
				return false
			}
		}
		must(t, jobs[0].TriggerAll())
		time.Sleep(200 * time.Millisecond)
		return false
	}, "%s: assignment %v", what, testkit.Later[map[string][]int](func() map[string][]int { return assignment(t, ins[0].center, job, 3) }))
}

// An instance that registers while the leader reshards (after it read the membership, before
// its transaction) is included: its registration raises the flag again, which fails the
// transaction, and the leader reshards with it. Reconcile is off: the resharding itself must
// include the joiner.
func TestAJoinerRegisteringDuringAReshardingIsIncluded(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	cfg := jobapi.NewJobConfiguration("joinJob", 3)
	cfg.Cron = never
	cfg.ReconcileIntervalMinutes = 0
	rec := &recorder{}
	a, b := cl.start("10.0.0.1", 100), cl.start("10.0.0.2", 200)
	ja, jb := a.register(t, cfg, rec), b.register(t, cfg, rec)
	ja.Schedule()
	jb.Schedule()
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 15*time.Second, func() bool {
		got := assignment(t, a.center, "joinJob", 3)
		return len(got[a.id])+len(got[b.id]) == 3 && ja.idle() && jb.idle()
	}, "first assignment over a and b")

	c := cl.start("10.0.0.3", 300)
	inResharding, asked, proceed := make(chan struct{}), make(chan struct{}, 16), make(chan struct{})
	var once sync.Once
	var joined atomic.Bool
	hook := func(point, job string) {
		switch {
		case job != "joinJob":
		case point == "resharding":
			once.Do(func() { close(inResharding); <-proceed })
		case point == "flag" && joined.Load():
			asked <- struct{}{}
		}
	}
	testHook.Store(&hook)
	t.Cleanup(func() { testHook.Store(nil) })
	must(t, a.center.Persist(nodepath.ShardingNecessary("joinJob"), "")) // a resharding is asked for
	must(t, ja.TriggerAll())
	select {
	case <-inResharding:
	case <-time.After(15 * time.Second):
		t.Fatal("no resharding began")
	}
	joined.Store(true)
	jc := c.register(t, cfg, rec)
	jc.Schedule()
	// The leader's own request, on seeing c's nodes, falls into the resharding too.
	select {
	case <-asked:
	case <-time.After(15 * time.Second):
		t.Fatal("the leader did not ask for a resharding when c joined")
	}
	close(proceed)
	settle(t, "joinJob", "the joiner owns an item", []*Job{ja, jb, jc}, a, b, c)
}

// A resharding that left an available instance out (it owns nothing while another owns two of
// three items) is found by reconcile, which asks for a resharding, though every owner is alive.
func TestReconcileReshardsWhenAnInstanceWasLeftOut(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	cfg := jobapi.NewJobConfiguration("leftOutJob", 3)
	cfg.Cron = never
	cfg.ReconcileIntervalMinutes = 1
	rec := &recorder{}
	a, b, c := cl.start("10.0.0.1", 100), cl.start("10.0.0.2", 200), cl.start("10.0.0.3", 300)
	jobs := []*Job{a.register(t, cfg, rec), b.register(t, cfg, rec), c.register(t, cfg, rec)}
	for _, j := range jobs {
		j.Schedule()
	}
	settle(t, "leftOutJob", "first assignment", jobs, a, b, c)

	item := assignment(t, a.center, "leftOutJob", 3)[c.id][0]
	must(t, a.center.Update(nodepath.ItemInstance("leftOutJob", item), a.id))
	if ok, _ := a.center.Exists(nodepath.ShardingNecessary("leftOutJob")); ok {
		t.Fatal("a resharding is already asked for")
	}
	testkit.Eventually(t, 10*time.Second, func() bool {
		for _, j := range jobs {
			if v, _ := j.cached(nodepath.ItemInstance("leftOutJob", item)); v != a.id {
				return false
			}
		}
		return true
	}, "every instance's cache sees a own item %d", item)
	for _, j := range jobs {
		j.mu.Lock()
		j.lastReconcile = time.Time{} // due at the next pass, which sees the new owner
		j.mu.Unlock()
	}
	settle(t, "leftOutJob", "reconcile gives c an item again", jobs, a, b, c)
}
