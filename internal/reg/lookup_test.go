package reg

import "testing"

// TestCacheLookup: what a cache holds of each kind of node, as the dump service compares it
// with the registry. The answer depends only on the cache's own state: the embedded backend
// suffices.
func TestCacheLookup(t *testing.T) {
	c := embeddedBackend().openNS(t, testConfig(t))
	must(t, c.Persist("/job/config", "cron: a"))
	must(t, c.Persist("/job/sharding/0/instance", "i1"))
	must(t, c.Persist("/job/sharding/0/running", ""))
	must(t, c.Update("/job/sharding/0", "item data"))
	must(t, c.Persist("/jobs/x", "another job's subtree"))
	k, _ := watchKnown(t, c)

	for _, tc := range []struct {
		path string
		want Cached
	}{
		{"/job", Cached{Followed: true, Present: true, DataKept: true, Data: ""}},
		{"/job/config", Cached{Followed: true, Present: true, DataKept: true, Data: "cron: a"}},
		{"/job/servers", Cached{Followed: true}},                   // followed, absent
		{"/job/sharding/0", Cached{Followed: true, Present: true}}, // its data is not kept
		{"/job/sharding/0/instance", Cached{Followed: true, Present: true, DataKept: true, Data: "i1"}},
		{"/job/sharding/0/disabled", Cached{Followed: true}}, // a known child, absent
		{"/job/sharding/0/running", Cached{}},                // not followed
		{"/job/sharding/0/instance/x", Cached{}},             // below a known child
		{"/job/sharding/1/instance", Cached{Followed: true}}, // its parent is missing
		{"/jobs/x", Cached{}}, // outside the subtree
		{"/", Cached{}},
	} {
		if got := k.Lookup(tc.path); got != tc.want {
			t.Errorf("Lookup(%s) = %+v, want %+v", tc.path, got, tc.want)
		}
	}
}
