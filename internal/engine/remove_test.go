package engine

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// A job removed from the registry (deleteall /{ns}/{job}) while two instances run it stops on
// both and leaves nothing behind, also when an election holds the latch across the deletion
// (forced: the leader node is deleted first, and the election waits at a test hook until the job
// is gone): it recreates nothing, and no resharding flag is left.
func TestAJobRemovedWhileRunningLeavesNothingBehind(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	a, b := cl.start("10.0.0.1", 100), cl.start("10.0.0.2", 200)
	cfg := jobapi.NewJobConfiguration("removedJob", 2)
	cfg.Cron = never
	ja, jb := a.register(t, cfg, &recorder{}), b.register(t, cfg, &recorder{})
	ja.Schedule()
	jb.Schedule()
	must(t, ja.TriggerAll())
	testkit.Eventually(t, 15*time.Second, func() bool {
		return len(assignment(t, a.center, "removedJob", 2)) == 2 && ja.idle() && jb.idle()
	}, "the job sharded over both instances")

	var removing atomic.Bool
	entered, removed := make(chan struct{}, 2), make(chan struct{})
	hook := func(point, job string) {
		if point == "elect" && job == "removedJob" && removing.Load() {
			entered <- struct{}{}
			<-removed
		}
	}
	testHook.Store(&hook)
	t.Cleanup(func() { testHook.Store(nil) })
	operator := cl.connect()
	defer operator.Close()
	removing.Store(true)
	must(t, operator.Remove(nodepath.LeaderElectionInstance("removedJob")))
	select {
	case <-entered:
	case <-time.After(15 * time.Second):
		t.Fatal("no election began")
	}
	deleteAll(t, operator, "/removedJob")
	close(removed)
	testkit.Eventually(t, 20*time.Second, func() bool {
		_, onA := a.rt.Job("removedJob")
		_, onB := b.rt.Job("removedJob")
		return !onA && !onB
	}, "the job stopped on both instances")
	testkit.Eventually(t, 20*time.Second, func() bool {
		ok, err := operator.Exists("/removedJob")
		return err == nil && !ok
	}, "/removedJob gone; leader/ holds %v", testkit.Later[[]string](func() []string {
		kids, _ := operator.Children("/removedJob/leader/sharding")
		return kids
	}))
}

// deleteAll is ZooKeeper's CLI deleteall: the tree is listed breadth first, then deleted in
// reverse order in one multi, so that the whole job vanishes at once.
func deleteAll(t *testing.T, c *reg.Center, root string) {
	t.Helper()
	tree := []string{root}
	for i := 0; i < len(tree); i++ {
		kids, err := c.Children(tree[i])
		must(t, err)
		for _, k := range kids {
			tree = append(tree, tree[i]+"/"+k)
		}
	}
	ops := make([]reg.Op, 0, len(tree))
	for i := len(tree) - 1; i >= 0; i-- {
		ops = append(ops, reg.Op{Kind: reg.OpDelete, Path: tree[i]})
	}
	must(t, c.Txn(ops...))
}
