package nodedata

import "testing"

// Only exactly DISABLED disables a server, as ElasticJob's ServerService reads it.
func TestServerValueEnabled(t *testing.T) {
	for v, want := range map[string]bool{"DISABLED": false, "ENABLED": true, "": true, "disabled": true, "Disabled": true, " DISABLED": true, "x": true} {
		if got := ServerValueEnabled(v); got != want {
			t.Errorf("ServerValueEnabled(%q) = %v, want %v", v, got, want)
		}
	}
	for v, want := range map[string]bool{"DISABLED": true, "ENABLED": true, "": true, "disabled": false, "x": false} {
		if got := ServerValueKnown(v); got != want {
			t.Errorf("ServerValueKnown(%q) = %v, want %v", v, got, want)
		}
	}
}
