package engine

import (
	"slices"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// Three instances, six items: AVG_ALLOCATION over the reverse-ordered ids gives 2/2/2 as Java
// computes it; a fourth instance changes the assignment at the next fire; when the leader
// leaves, a new leader reshards before the next run.
func TestShardingThreeInstancesThenAFourthThenTheLeaderLeaves(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("shardJob", 6)
	cfg.Cron = "* * * * * ?"
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	c := cl.start("10.0.0.3", 300)
	for _, in := range []*instance{a, b, c} {
		in.register(t, cfg, rec).Schedule()
	}
	want := map[string][]int{c.id: {0, 1}, b.id: {2, 3}, a.id: {4, 5}}
	testkit.Eventually(t, 10*time.Second, func() bool { return sameAssignment(assignment(t, a.center, "shardJob", 6), want) },
		"assignment %v, want %v", assignment(t, a.center, "shardJob", 6), want)
	// A later fire runs every item exactly once, on its owner.
	waitFullFireWith(t, rec, time.Now(), want)

	d := cl.start("10.0.0.4", 400)
	d.register(t, cfg, rec).Schedule()
	joined := time.Now()
	want = map[string][]int{d.id: {0, 4}, c.id: {1, 5}, b.id: {2}, a.id: {3}}
	waitFullFireWith(t, rec, joined, want)
	if got := assignment(t, a.center, "shardJob", 6); !sameAssignment(got, want) {
		t.Fatalf("assignment %v, want %v", got, want)
	}

	leader, err := a.center.Get("/shardJob/leader/election/instance")
	if err != nil {
		t.Fatal(err)
	}
	var rest []*instance
	for _, in := range []*instance{a, b, c, d} {
		if in.id == leader {
			in.close()
		} else {
			rest = append(rest, in)
		}
	}
	left := time.Now()
	// Every fire after the leader left runs on the survivors only, with the new assignment.
	order := []string{}
	for _, in := range []*instance{d, c, b, a} {
		if in.id != leader {
			order = append(order, in.id)
		}
	}
	want = avg(order, 6)
	waitFullFireWith(t, rec, left, want)
	for ft, items := range rec.byFire() {
		if !ft.After(left.Add(time.Second)) {
			continue
		}
		for item, ids := range items {
			if slices.Contains(ids, leader) {
				t.Fatalf("fire %v: item %d ran on the departed leader", ft, item)
			}
		}
	}
	newLeader, err := rest[0].center.Get("/shardJob/leader/election/instance")
	if err != nil || newLeader == leader {
		t.Fatalf("leader after departure: %q, %v (old %q)", newLeader, err, leader)
	}
}

// avg is AVG_ALLOCATION for the expectations.
func avg(order []string, total int) map[string][]int {
	out := map[string][]int{}
	n := len(order)
	per := total / n
	for k, id := range order {
		for i := k * per; i < (k+1)*per; i++ {
			out[id] = append(out[id], i)
		}
	}
	for r := 0; r < total%n; r++ {
		out[order[r]] = append(out[order[r]], n*per+r)
	}
	return out
}

// waitFullFireWith waits for a fire after since whose items all ran exactly once, each on the
// owner want names.
func waitFullFireWith(t *testing.T, rec *recorder, since time.Time, want map[string][]int) {
	t.Helper()
	owner := map[int]string{}
	for id, items := range want {
		for _, i := range items {
			owner[i] = id
		}
	}
	testkit.Eventually(t, 15*time.Second, func() bool {
		for ft, items := range rec.byFire() {
			if !ft.After(since) || len(items) != len(owner) {
				continue
			}
			ok := true
			for i, ids := range items {
				if len(ids) != 1 || ids[0] != owner[i] {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
		return false
	}, "no fire after %v ran %v", since, want)
}
