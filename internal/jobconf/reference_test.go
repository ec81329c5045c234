package jobconf

import (
	"os"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// The README's table of job keys is MarkdownReference's output pasted in (the directive
// reference beside it is gen/directive's, derived from the same table and tested the same way),
// so that the table, the directive reference and the configuration reference cannot drift.
func TestReadmeCarriesTheJobKeys(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if ref := MarkdownReference(); !strings.Contains(string(readme), ref) {
		t.Fatalf("README.md does not contain MarkdownReference() verbatim; paste this in its configuration reference:\n%s", ref)
	}
}

// The table's defaults are the builder's (jobapi.NewJobConfiguration), which the runtime uses.
func TestDefaultsAreTheBuilders(t *testing.T) {
	c := jobapi.NewJobConfiguration("x", 1)
	for _, k := range KeysIn(Stored) {
		if got := k.effective(&c); got != k.Default {
			t.Errorf("%s: the builder's default is %q, the table's %q", k.Name, got, k.Default)
		}
	}
}
