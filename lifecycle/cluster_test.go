package lifecycle_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/examples/cluster/clustertest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// cluster is three processes of lifecycletest/service: a and b on server 10.0.0.1, c on
// 10.0.0.2.
type cluster struct {
	*registry
	procs []*clustertest.Process
	ids   map[string]string // process name -> instance id
}

func startCluster(t *testing.T) *cluster {
	r := newRegistry(t)
	bin := clustertest.Build(t, "lifecycletest/service")
	cl := &cluster{registry: r, ids: map[string]string{}}
	for _, p := range []struct{ name, ip string }{{"a", "10.0.0.1"}, {"b", "10.0.0.1"}, {"c", "10.0.0.2"}} {
		env := clustertest.Env("LIFECYCLETEST_SERVERS="+r.servers, "LIFECYCLETEST_NAMESPACE="+r.ns, "LIFECYCLETEST_IP="+p.ip)
		proc := clustertest.Start(t, p.name, bin, ".", env)
		cl.procs = append(cl.procs, proc)
		cl.ids[p.name] = fmt.Sprintf("%s@-@%d", p.ip, proc.Pid)
	}
	clustertest.Eventually(t, 60*time.Second, "three instances of each job, alpha and beta sharded", func() (bool, string) {
		jobs, err := r.op.Jobs(ctx())
		if err != nil {
			return false, err.Error()
		}
		got := map[string]string{}
		for _, j := range jobs {
			got[j.JobName] = fmt.Sprintf("%s/%d", j.Status, j.InstanceCount)
		}
		want := map[string]string{"alpha": "OK/3", "beta": "OK/3", "gamma": "SHARDING_FLAG/3"}
		return maps.Equal(got, want), fmt.Sprint(got)
	})
	return cl
}

var runLine = regexp.MustCompile(`^run job=(\S+) instance=(\S+) item=(\d+) fire=(\d+) param=(.*)$`)

type itemRun struct {
	job, instance string
	item          int
	fire          time.Time
	param         string
}

// runs is every item run the processes printed.
func (cl *cluster) runs() []itemRun {
	var out []itemRun
	for _, p := range cl.procs {
		for _, l := range p.Lines() {
			m := runLine.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			item, _ := strconv.Atoi(m[3])
			ms, _ := strconv.ParseInt(m[4], 10, 64)
			out = append(out, itemRun{m[1], m[2], item, time.UnixMilli(ms), m[5]})
		}
	}
	return out
}

// since is the runs of job whose fire is at or after from, by instance: instance -> items.
func (cl *cluster) since(job string, from time.Time) map[string][]int {
	by := map[string][]int{}
	for _, r := range cl.runs() {
		if r.job == job && !r.fire.Before(from) {
			by[r.instance] = append(by[r.instance], r.item)
		}
	}
	return by
}

// fires is the runs of job whose fire is at or after from, by fire time: fire -> items.
func (cl *cluster) fires(job string, from time.Time) map[time.Time][]int {
	by := map[time.Time][]int{}
	for _, r := range cl.runs() {
		if r.job == job && !r.fire.Before(from) {
			by[r.fire] = append(by[r.fire], r.item)
		}
	}
	for f := range by {
		slices.Sort(by[f])
	}
	return by
}

// settled is a moment from which an operation done now has reached every instance: the cron
// fires every second, so a fire two seconds on starts after the instances' caches saw it.
func settled() time.Time { return time.Now().Truncate(time.Second).Add(3 * time.Second) }

// completeFires waits for n fires of job after from in which exactly items ran, and fails when
// a fire after from ran anything else.
func (cl *cluster) completeFires(t *testing.T, job string, from time.Time, items []int, n int) {
	t.Helper()
	clustertest.Eventually(t, 60*time.Second, fmt.Sprintf("%d fires of %s running items %v", n, job, items), func() (bool, string) {
		complete := 0
		for fire, got := range cl.fires(job, from) {
			if len(got) > len(items) || !isSubset(got, items) {
				t.Fatalf("fire %s of %s ran items %v, want %v", fire.Format(time.RFC3339), job, got, items)
			}
			if slices.Equal(got, items) {
				complete++
			}
		}
		return complete >= n, fmt.Sprint(cl.fires(job, from))
	})
}

func isSubset(got, of []int) bool {
	for _, i := range got {
		if !slices.Contains(of, i) {
			return false
		}
	}
	return true
}

// Operations on a running three-instance cluster reach the instances: a disabled item is not
// run, a disabled server gets no items, a trigger with a parameter runs each item of a one-off
// job once with it, a shut-down instance stops that job and keeps its others, a configuration
// update reshards; the statistics show each state.
func TestOperationsOnRunningInstances(t *testing.T) {
	cl := startCluster(t)
	op, a, b, c := cl.op, cl.ids["a"], cl.ids["b"], cl.ids["c"]
	all6 := []int{0, 1, 2, 3, 4, 5}

	// Statistics of the running cluster.
	servers, err := op.Servers(ctx())
	must(t, err)
	if len(servers) != 2 || servers[0].ServerIP != "10.0.0.1" || servers[0].InstancesNum != 2 || servers[0].JobsNum != 3 ||
		servers[1].ServerIP != "10.0.0.2" || servers[1].InstancesNum != 1 || !slices.Equal(servers[1].Instances, []string{c}) {
		t.Errorf("servers = %+v", servers)
	}
	cl.completeFires(t, "alpha", settled(), all6, 2)
	items, err := op.Sharding(ctx(), "alpha")
	must(t, err)
	owners := map[string]int{}
	for _, it := range items {
		if it.Status != lifecycle.ItemPending && it.Status != lifecycle.ItemRunning || it.LastFireStarted == nil {
			t.Errorf("alpha item %+v", it)
		}
		owners[it.InstanceID]++
	}
	if !maps.Equal(owners, map[string]int{a: 2, b: 2, c: 2}) {
		t.Errorf("alpha owners %v", owners)
	}

	// A disabled item is not run at the next fires; enabled, it runs again.
	must(t, op.DisableItem(ctx(), "alpha", 1))
	from := settled()
	cl.completeFires(t, "alpha", from, []int{0, 2, 3, 4, 5}, 3)
	if items, _ := op.Sharding(ctx(), "alpha"); items[1].Status != lifecycle.ItemDisabled {
		t.Errorf("item 1: %+v", items[1])
	}
	must(t, op.EnableItem(ctx(), "alpha", 1))
	cl.completeFires(t, "alpha", settled(), all6, 2)

	// A disabled server gets no items of the job at the next resharding; its other jobs go on.
	must(t, op.Disable(ctx(), "alpha", "10.0.0.2"))
	clustertest.Eventually(t, 30*time.Second, "alpha's items off 10.0.0.2", func() (bool, string) {
		items, err := op.Sharding(ctx(), "alpha")
		if err != nil {
			return false, err.Error()
		}
		for _, it := range items {
			if it.ServerIP != "10.0.0.1" {
				return false, fmt.Sprintf("%+v", items)
			}
		}
		return true, ""
	})
	from = settled()
	cl.completeFires(t, "alpha", from, all6, 3)
	cl.completeFires(t, "beta", from, []int{0, 1, 2}, 1)
	if ran := cl.since("alpha", from); len(ran[c]) > 0 || len(ran[a]) == 0 || len(ran[b]) == 0 {
		t.Errorf("alpha runs since disabling 10.0.0.2: %v", ran)
	}
	if got := cl.since("beta", from); len(got[c]) == 0 {
		t.Errorf("c stopped running beta: %v", got)
	}
	on, err := op.JobsOnServer(ctx(), "10.0.0.2")
	must(t, err)
	if on[0].JobName != "alpha" || on[0].Status != lifecycle.JobDisabled || on[1].Status != lifecycle.JobOK {
		t.Errorf("jobs on 10.0.0.2: %+v", on)
	}
	must(t, op.Enable(ctx(), "alpha", "10.0.0.2"))
	from = time.Now()
	clustertest.Eventually(t, 30*time.Second, "c runs alpha again", func() (bool, string) {
		got := cl.since("alpha", from)
		return len(got[c]) > 0, fmt.Sprint(got)
	})

	// A trigger with a parameter runs each item of the one-off job once, with the parameter.
	must(t, op.TriggerWithParameter(ctx(), "gamma", "once=1"))
	var gamma []itemRun
	clustertest.Eventually(t, 30*time.Second, "gamma's three items run", func() (bool, string) {
		gamma = nil
		for _, r := range cl.runs() {
			if r.job == "gamma" {
				gamma = append(gamma, r)
			}
		}
		return len(gamma) >= 3, fmt.Sprint(gamma)
	})
	time.Sleep(2 * time.Second) // a second run of an item would show by now
	ran := map[int]int{}
	for _, r := range cl.runs() {
		if r.job == "gamma" {
			ran[r.item]++
			if r.param != "once=1" {
				t.Errorf("gamma ran with parameter %q", r.param)
			}
		}
	}
	if !maps.Equal(ran, map[int]int{0: 1, 1: 1, 2: 1}) {
		t.Errorf("gamma items run: %v, want each once", ran)
	}
	if j, _ := op.Job(ctx(), "gamma"); j.Status != lifecycle.JobOK {
		t.Errorf("gamma after its first run: %+v", j)
	}

	// A shut-down instance stops that job and keeps its other jobs.
	must(t, op.Shutdown(ctx(), "beta", "10.0.0.2"))
	from = settled()
	cl.completeFires(t, "beta", from, []int{0, 1, 2}, 3)
	cl.completeFires(t, "alpha", from, all6, 1)
	if got := cl.since("beta", from); len(got[c]) > 0 {
		t.Errorf("c still runs beta: %v", got)
	}
	if got := cl.since("alpha", from); len(got[c]) == 0 {
		t.Errorf("c stopped running alpha: %v", got)
	}
	if j, _ := op.Job(ctx(), "beta"); j.InstanceCount != 2 || j.Status != lifecycle.JobOK {
		t.Errorf("beta after the shutdown: %+v", j)
	}

	// A configuration update reaches the running instances: beta reshards to four items.
	cfg, err := op.Config(ctx(), "beta")
	must(t, err)
	cfg.ShardingTotalCount = 4
	must(t, op.UpdateConfig(ctx(), cfg))
	cl.completeFires(t, "beta", settled(), []int{0, 1, 2, 3}, 2)

	// Remove takes the server node away with the instances.
	must(t, op.Remove(ctx(), "beta", "10.0.0.2"))
	if got, _ := op.JobsOnServer(ctx(), "10.0.0.2"); len(got) != 2 {
		t.Errorf("jobs on 10.0.0.2 after remove of beta: %+v", got)
	}
	for _, p := range cl.procs {
		clustertest.CheckNoErrors(t, p)
	}
}
