package directive

import (
	"strconv"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/jobconf/jobconftest"
)

// The directive accepts and refuses each job key's values as every other surface does: the
// cases come from jobconf's table.
func TestJobKeysFollowTheSchema(t *testing.T) {
	for _, c := range jobconftest.Cases(jobconf.Directive) {
		t.Run(c.Name(), func(t *testing.T) {
			value := c.Value
			if c.Key.Type == jobconf.String {
				value = strconv.Quote(value)
			}
			_, errs := Parse(at, "//elasticjob:job name=a "+c.Key.Name+"="+value)
			switch {
			case !c.Bad && len(errs) > 0:
				t.Fatalf("refused: %v", errs)
			case c.Bad && len(errs) == 0:
				t.Fatal("accepted")
			case c.Bad && (!strings.Contains(errs.Error(), c.Key.Name) || !strings.Contains(errs.Error(), c.Contains)):
				t.Fatalf("error %q, want it to name %s and say %q", errs.Error(), c.Key.Name, c.Contains)
			}
		})
	}
}

// Every directive-surface key of the table is a field of Job, and every field of Job but the
// name is a key of the table.
func TestJobFieldsAreTheSchemaKeys(t *testing.T) {
	spec := kindByName("job")
	var fields []string
	for _, f := range spec.fields[1:] {
		fields = append(fields, f.key)
	}
	var keys []string
	for _, k := range jobconf.KeysIn(jobconf.Directive) {
		keys = append(keys, k.Name)
	}
	if strings.Join(fields, ",") != strings.Join(keys, ",") {
		t.Fatalf("Job's keys %v, jobconf's directive keys %v", fields, keys)
	}
}
