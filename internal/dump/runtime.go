package dump

import (
	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// RuntimeSource is the registry and the job caches of a process's engine: ZooKeeper read
// directly through the process's session, and the cache of each job the process runs.
func RuntimeSource(rt *engine.Runtime) Source { return runtimeSource{rt} }

type runtimeSource struct{ rt *engine.Runtime }

func (s runtimeSource) Children(path string) ([]string, error) {
	return s.rt.Center().Children(path)
}

func (s runtimeSource) Get(path string) (string, error) { return s.rt.Center().Get(path) }

func (s runtimeSource) Cached(job, path string) (reg.Cached, bool) {
	j, ok := s.rt.Job(job)
	if !ok {
		return reg.Cached{}, false
	}
	return j.Cached(path)
}
