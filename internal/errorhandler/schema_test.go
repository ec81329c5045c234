package errorhandler

import (
	"slices"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// The types the configuration schema allows are exactly those registered here.
func TestSchemaTypesAreRegistered(t *testing.T) {
	mu.RLock()
	var registered []string
	for typ := range factories {
		registered = append(registered, typ)
	}
	mu.RUnlock()
	want := slices.Clone(jobconf.ErrorHandlerTypes)
	slices.Sort(want)
	slices.Sort(registered)
	if !slices.Equal(registered, want) {
		t.Fatalf("registered %v, jobconf.ErrorHandlerTypes %v", registered, want)
	}
}
