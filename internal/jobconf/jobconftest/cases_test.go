package jobconftest

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// Every key with bounds, allowed values or a format has cases both ways, and Check agrees.
func TestCasesCoverTheTable(t *testing.T) {
	covered := map[string][2]int{}
	for _, c := range Cases(jobconf.Directive | jobconf.File | jobconf.Stored) {
		n := covered[c.Key.Name]
		problems := c.Key.Check(c.Value)
		if c.Bad {
			n[1]++
			if len(problems) == 0 {
				t.Errorf("%s: Check accepts it", c.Name())
			}
		} else {
			n[0]++
			if len(problems) != 0 {
				t.Errorf("%s: Check refuses it: %v", c.Name(), problems)
			}
		}
		covered[c.Key.Name] = n
	}
	for _, k := range jobconf.Keys {
		constrained := k.Min != nil || len(k.Enum) > 0 || formatCases[k.Name].bad != nil
		if n := covered[k.Name]; constrained && (n[0] == 0 || n[1] == 0) {
			t.Errorf("%s: %d good and %d bad cases", k.Name, n[0], n[1])
		}
	}
}
