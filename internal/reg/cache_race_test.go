package reg

import (
	"testing"
)

// A node deleted and re-created while its parent's child watch was spent (fired for another
// child, not yet re-armed) raises no event of its own: the cache must still find it. The
// re-listing of the parent sees the new node under a cached name and skips it; the old node's
// NodeDeleted comes after, and dropping the node then left the cache without it for good.
func TestCacheSeesNodeRecreatedBehindRelist(t *testing.T) {
	for _, b := range backends()[:2] { // embedded and standalone
		t.Run(b.name, func(t *testing.T) {
			c := b.openNS(t, testConfig(t))
			must(t, c.Persist("/r/c", "a"))
			gate := make(chan struct{})
			events := newRecorder[Event]()
			k, err := c.Watch("/r", func(ev Event) {
				if ev.Type == EventChanged && ev.Path == "/r" {
					<-gate // hold the mailbox: the events below queue behind this one
				}
				events.add(ev)
			})
			must(t, err)
			t.Cleanup(k.Close)

			must(t, c.Update("/r", "x"))
			must(t, c.Persist("/r/d", "d")) // spends /r's child watch
			must(t, c.Remove("/r/c"))       // NodeDeleted /r/c only
			must(t, c.Persist("/r/c", "a")) // no event: nothing watches the new node
			close(gate)

			events.expect(t, changed("/r", "x", ""), created("/r/d", "d"), deleted("/r/c", "a"), created("/r/c", "a"))
			if v, ok := k.Get("/r/c"); !ok || v != "a" {
				t.Fatalf("cache Get(/r/c) = %q, %v; the node exists with %q", v, ok, "a")
			}
		})
	}
}
