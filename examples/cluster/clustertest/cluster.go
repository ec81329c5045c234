package clustertest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// WaitSharded waits until every process has its instance node under /{job}/instances and the
// leader has shared the items evenly among them, and returns their instance ids (ip@-@pid),
// in the order of procs.
func WaitSharded(t testing.TB, tree *Tree, job string, items int, procs []*Process, timeout time.Duration) []string {
	t.Helper()
	ids := make([]string, len(procs))
	Eventually(t, timeout, "every instance registered and the items shared evenly", func() (bool, string) {
		instances := tree.Children(job + "/instances")
		for i, p := range procs {
			ids[i] = ""
			for _, id := range instances {
				if strings.HasSuffix(id, "@-@"+strconv.Itoa(p.Pid)) {
					ids[i] = id
				}
			}
			if ids[i] == "" {
				return false, fmt.Sprintf("instances %v: none of %s (pid %d)", instances, p.Name, p.Pid)
			}
		}
		owned := map[string]int{}
		for item := range items {
			owner, _ := tree.Get(fmt.Sprintf("%s/sharding/%d/instance", job, item))
			owned[owner]++
		}
		for _, id := range ids {
			if owned[id] != items/len(ids) {
				return false, fmt.Sprintf("items per owner: %v", owned)
			}
		}
		return true, ""
	})
	return ids
}

// WaitEvenFire waits for a fire in which each instance of ids ran items/len(ids) items and
// all of them together ran every item once.
func WaitEvenFire(t testing.TB, procs []*Process, ids []string, items int, timeout time.Duration) {
	t.Helper()
	Eventually(t, timeout, "a fire whose items are shared evenly", func() (bool, string) {
		var outputs [][]string
		for _, p := range procs {
			outputs = append(outputs, p.Lines())
		}
		runs := ParseRuns(outputs...)
		for _, fire := range runs.Fires() {
			if even(runs[fire], ids, items) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("runs: %v", runs)
	})
}

func even(byInstance map[string][]int, ids []string, items int) bool {
	if len(byInstance) != len(ids) {
		return false
	}
	var all []int
	for _, id := range ids {
		if len(byInstance[id]) != items/len(ids) {
			return false
		}
		all = append(all, byInstance[id]...)
	}
	slices.Sort(all)
	for i, item := range all {
		if item != i {
			return false
		}
	}
	return len(all) == items
}

// CheckTree checks the nodes ElasticJob-Lite 3.0.4 keeps for a running job (docs/compatibility.md, "ZooKeeper layout"):
// /{job} holds the class name; config; one server node per IP, ENABLED; one ephemeral
// instance node per instance, with its YAML; the items 0..items-1, each owned by one of the
// instances; an ephemeral leader node naming one of them.
func CheckTree(t testing.TB, tree *Tree, job, className string, items int, ids []string) {
	t.Helper()
	if got, _ := tree.Get(job); got != className {
		t.Errorf("/%s = %q, want %q", job, got, className)
	}
	if _, ok := tree.Get(job + "/config"); !ok {
		t.Errorf("/%s/config is missing", job)
	}
	ip, _, _ := strings.Cut(ids[0], "@-@")
	if got := tree.Children(job + "/servers"); !slices.Equal(got, []string{ip}) {
		t.Errorf("servers = %v, want [%s]", got, ip)
	}
	if got, _ := tree.Get(job + "/servers/" + ip); got != "ENABLED" {
		t.Errorf("servers/%s = %q, want ENABLED", ip, got)
	}
	instances := slices.Clone(ids)
	slices.Sort(instances)
	if got := tree.Children(job + "/instances"); !slices.Equal(got, instances) {
		t.Errorf("instances = %v, want %v", got, instances)
	}
	for _, id := range ids {
		p := job + "/instances/" + id
		if got, _ := tree.Get(p); got != fmt.Sprintf("jobInstanceId: %s\nserverIp: %s\n", id, ip) {
			t.Errorf("%s = %q", p, got)
		}
		if !tree.Ephemeral(p) {
			t.Errorf("%s is not ephemeral", p)
		}
	}
	var want []string
	for item := range items {
		want = append(want, strconv.Itoa(item))
		if owner, _ := tree.Get(fmt.Sprintf("%s/sharding/%d/instance", job, item)); !slices.Contains(ids, owner) {
			t.Errorf("sharding/%d/instance = %q, not one of %v", item, owner, ids)
		}
	}
	slices.Sort(want)
	if got := tree.Children(job + "/sharding"); !slices.Equal(got, want) {
		t.Errorf("sharding = %v, want %v", got, want)
	}
	leader, _ := tree.Get(job + "/leader/election/instance")
	if !slices.Contains(ids, leader) {
		t.Errorf("leader/election/instance = %q, not one of %v", leader, ids)
	}
	if !tree.Ephemeral(job + "/leader/election/instance") {
		t.Errorf("leader/election/instance is not ephemeral")
	}
}

// CheckNoErrors fails the test for every line the process logged at level ERROR.
func CheckNoErrors(t testing.TB, p *Process) {
	t.Helper()
	for _, l := range p.Lines() {
		if strings.Contains(l, "ERROR") {
			t.Errorf("%s logged an error: %s", p.Name, l)
		}
	}
}
