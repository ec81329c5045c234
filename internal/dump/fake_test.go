package dump

import (
	"fmt"
	"strings"
	"sync"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// fakeSource is a registry tree in memory with, per job, what a cache holds: enough to check
// the walk and the format without ZooKeeper (the ZooKeeper tests use the engine's real ones).
type fakeSource struct {
	mu     sync.Mutex
	nodes  map[string]string                // path -> data
	caches map[string]map[string]reg.Cached // job -> path -> what the cache holds
	fail   string                           // a path whose Get fails
	// onChildren, when set, is called as Children starts; block, when set, makes Children
	// wait until it is closed (a slow registry).
	onChildren func()
	block      chan struct{}
}

func newFakeSource(nodes map[string]string) *fakeSource {
	return &fakeSource{nodes: nodes, caches: map[string]map[string]reg.Cached{}}
}

func (f *fakeSource) Children(path string) ([]string, error) {
	if f.onChildren != nil {
		f.onChildren()
	}
	if f.block != nil {
		<-f.block
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for p := range f.nodes {
		if rest, ok := strings.CutPrefix(p, path+"/"); ok && !strings.Contains(rest, "/") {
			names = append(names, rest)
		}
	}
	javastr.SortDescending(names)
	return names, nil
}

func (f *fakeSource) Get(path string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if path == f.fail {
		return "", fmt.Errorf("reg: %s: connection lost", path)
	}
	v, ok := f.nodes[path]
	if !ok {
		return "", fmt.Errorf("reg: %s: %w", path, reg.ErrNoNode)
	}
	return v, nil
}

func (f *fakeSource) Cached(job, path string) (reg.Cached, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.caches[job]
	if !ok {
		return reg.Cached{}, false
	}
	return c[path], true
}
