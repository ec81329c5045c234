package engine

import "github.com/elasticjob-go/elasticjob/internal/reg"

// Cached tells what this job's cache holds at path (namespace-relative), for the dump
// service. ok is false while the job has no live cache: before it is loaded, after a failed
// registration and once the job is shut down (its cache is no longer maintained).
func (j *Job) Cached(path string) (c reg.Cached, ok bool) {
	select {
	case <-j.ready:
	default:
		return reg.Cached{}, false
	}
	if j.cache == nil || j.isShutdown() {
		return reg.Cached{}, false
	}
	return j.cache.Lookup(path), true
}
