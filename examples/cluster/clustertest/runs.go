package clustertest

import (
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// runLine is how the examples' jobs report an item they ran.
var runLine = regexp.MustCompile(`^instance=(\S+) item=(\d+) fire=(\S+)$`)

// Runs is who ran which items of each fire: fire time -> instance id -> items, in order.
type Runs map[string]map[string][]int

// ParseRuns reads the lines "instance=<id> item=<n> fire=<time>" of the given outputs.
func ParseRuns(outputs ...[]string) Runs {
	runs := Runs{}
	for _, lines := range outputs {
		for _, l := range lines {
			m := runLine.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			item, _ := strconv.Atoi(m[2])
			if runs[m[3]] == nil {
				runs[m[3]] = map[string][]int{}
			}
			items := append(runs[m[3]][m[1]], item)
			slices.Sort(items)
			runs[m[3]][m[1]] = items
		}
	}
	return runs
}

// Fires is the fire times, in order (RFC 3339 in UTC sorts as time).
func (r Runs) Fires() []string {
	var fires []string
	for f := range r {
		fires = append(fires, f)
	}
	slices.Sort(fires)
	return fires
}

// Eventually calls cond every 100 ms until it returns true, failing the test with cond's last
// explanation after timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %s", what, timeout, why)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
