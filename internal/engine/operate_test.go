package engine

import (
	"slices"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

const never = "0 0 0 1 1 ?" // once a year: the test drives the runs

func writeConfig(t *testing.T, c *reg.Center, cfg jobapi.JobConfiguration) {
	t.Helper()
	if err := c.Update("/"+cfg.JobName+"/config", nodedata.MarshalJobConfig(cfg)); err != nil {
		t.Fatal(err)
	}
}

func ranCount(rec *recorder, pred func(run) bool) int {
	n := 0
	for _, r := range rec.all() {
		if pred(r) {
			n++
		}
	}
	return n
}

// Manual trigger reaches every instance once; trigger nodes are consumed. A live cron change
// starts firing; a time-zone change reschedules.
func TestTriggerAndLiveCronAndTimeZoneChange(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("trigJob", 2)
	cfg.Cron = never
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	ja := a.register(t, cfg, rec)
	ja.Schedule()
	b.register(t, cfg, rec).Schedule()
	testkit.Eventually(t, 5*time.Second, func() bool { ids, _ := a.center.Children("/trigJob/instances"); return len(ids) == 2 }, "two instances")
	before := time.Now()
	if err := ja.TriggerAll(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{b.id: {0}, a.id: {1}}
	testkit.Eventually(t, 5*time.Second, func() bool {
		return ranCount(rec, func(r run) bool { return r.sc.FireTime.After(before) }) == 2
	}, "both instances ran once")
	for _, r := range rec.all() {
		if !slices.Equal(want[r.instance], []int{r.sc.ShardingItem}) {
			t.Fatalf("instance %s ran item %d, want %v", r.instance, r.sc.ShardingItem, want[r.instance])
		}
	}
	testkit.Eventually(t, 2*time.Second, func() bool { kids, _ := a.center.Children("/trigJob/trigger"); return len(kids) == 0 }, "trigger nodes consumed")

	// Time zone only: rescheduled in the new zone.
	cfg.TimeZone = "GMT+08:00"
	writeConfig(t, a.center, cfg)
	testkit.Eventually(t, 5*time.Second, func() bool {
		ja.mu.Lock()
		defer ja.mu.Unlock()
		s, ok := ja.sched.(interface{ Location() *time.Location })
		return ok && s.Location().String() == "GMT+08:00" && ja.hasEntry
	}, "schedule in GMT+08:00")

	// Cron: from yearly to every second.
	cfg.Cron = "* * * * * ?"
	changed := time.Now()
	writeConfig(t, a.center, cfg)
	waitFullFireWith(t, rec, changed, want)
}

// Disabling a server moves its items to the others and back on enable (a disabled leader
// abdicates); a disabled item is skipped by its owner until enabled.
func TestDisableAndEnableServerAndItem(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("disJob", 2)
	cfg.Cron = "* * * * * ?"
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	a.register(t, cfg, rec).Schedule()
	b.register(t, cfg, rec).Schedule()
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0}, a.id: {1}})

	// Disable the leader's server: it abdicates, the other instance leads and runs every item.
	leader, err := a.center.Get("/disJob/leader/election/instance")
	must(t, err)
	ip, other := "10.0.0.1", b.id
	if leader == b.id {
		ip, other = "10.0.0.2", a.id
	}
	must(t, a.center.Update("/disJob/servers/"+ip, "DISABLED"))
	waitFullFireWith(t, rec, time.Now(), map[string][]int{other: {0, 1}})
	if now, _ := a.center.Get("/disJob/leader/election/instance"); now != other {
		t.Fatalf("leader after disabling %s: %q, want %q", ip, now, other)
	}
	must(t, a.center.Update("/disJob/servers/"+ip, "ENABLED"))
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0}, a.id: {1}})

	if err := a.center.Persist("/disJob/sharding/1/disabled", ""); err != nil {
		t.Fatal(err)
	}
	disabled := time.Now()
	// Two full fires later, item 1 has not run since the disable took effect.
	waitFires(t, rec, disabled.Add(time.Second), 2)
	for _, r := range rec.all() {
		if r.sc.ShardingItem == 1 && r.sc.FireTime.After(disabled.Add(time.Second)) {
			t.Fatalf("disabled item 1 ran at %v", r.sc.FireTime)
		}
	}
	if err := a.center.Remove("/disJob/sharding/1/disabled"); err != nil {
		t.Fatal(err)
	}
	waitFullFireWith(t, rec, time.Now(), map[string][]int{b.id: {0}, a.id: {1}})
}

// waitFires waits until n distinct fire times after since have runs.
func waitFires(t *testing.T, rec *recorder, since time.Time, n int) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, func() bool {
		k := 0
		for ft := range rec.byFire() {
			if ft.After(since) {
				k++
			}
		}
		return k >= n
	}, "%d fires after %v", n, since)
}

// A trigger node carrying a one-off job parameter runs that trigger with it, on each instance
// once; the next plain trigger runs with the configured parameter again; unreadable trigger data
// runs as a plain trigger.
func TestTriggerWithOneOffParameter(t *testing.T) {
	cl := newCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("paramJob", 2)
	cfg.Cron = never
	cfg.JobParameter = "configured"
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	a.register(t, cfg, rec).Schedule()
	b.register(t, cfg, rec).Schedule()
	testkit.Eventually(t, 5*time.Second, func() bool { ids, _ := a.center.Children("/paramJob/instances"); return len(ids) == 2 }, "two instances")
	trigger := func(data string) {
		t.Helper()
		for _, id := range []string{a.id, b.id} {
			if err := a.center.Persist("/paramJob/trigger/"+id, data); err != nil {
				t.Fatal(err)
			}
		}
	}
	params := func(n int) []string {
		t.Helper()
		testkit.Eventually(t, 5*time.Second, func() bool { return len(rec.all()) >= n }, "runs")
		var got []string
		for _, r := range rec.all()[n-2:] {
			got = append(got, r.sc.JobParameter)
		}
		return got
	}
	trigger(nodedata.MarshalTrigger("once=42"))
	if got := params(2); !slices.Equal(got, []string{"once=42", "once=42"}) {
		t.Fatalf("one-off trigger ran with %q", got)
	}
	testkit.Eventually(t, 2*time.Second, func() bool { kids, _ := a.center.Children("/paramJob/trigger"); return len(kids) == 0 }, "trigger nodes consumed")
	trigger("")
	if got := params(4); !slices.Equal(got, []string{"configured", "configured"}) {
		t.Fatalf("plain trigger ran with %q", got)
	}
	testkit.Eventually(t, 2*time.Second, func() bool { kids, _ := a.center.Children("/paramJob/trigger"); return len(kids) == 0 }, "trigger nodes consumed")
	trigger("not json")
	if got := params(6); !slices.Equal(got, []string{"configured", "configured"}) {
		t.Fatalf("unreadable trigger data ran with %q", got)
	}
	if n := len(rec.all()); n != 6 {
		t.Fatalf("%d runs, want 6", n)
	}
}
