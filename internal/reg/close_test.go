package reg

import (
	"testing"
)

// Close ends the session with the server at once (go-zookeeper's Close sends closeSession and
// waits for its answer): the ephemeral nodes are gone when Close returns, not a session timeout
// later, so another instance can take over the items at once.
func TestCloseDeletesEphemeralsAtOnce(t *testing.T) {
	for _, b := range backends()[:2] { // embedded and standalone
		t.Run(b.name, func(t *testing.T) {
			cfg := testConfig(t)
			watcher := b.openNS(t, cfg)
			owner := b.open(t, cfg)
			must(t, owner.CreateEphemeral("/job/instances/i1", "one"))
			_, events := watch(t, owner, "/job")
			must(t, owner.Close())
			if ok, err := watcher.Exists("/job/instances/i1"); ok || err != nil {
				t.Fatalf("ephemeral node still there right after Close (%v)", err)
			}
			if n := len(events.ch); n != 0 { // Close waited for the handlers: none can come later
				t.Fatalf("the owner's cache saw %d events: it was not stopped before the session ended", n)
			}
		})
	}
}
