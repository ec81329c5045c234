package dump

import (
	"context"
	"errors"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// Source is what a dump reads: the registry, directly, and this process's cache of the job.
type Source interface {
	// Children lists a node's children in reverse Java string order; a missing node has none.
	Children(path string) ([]string, error)
	// Get reads a node's data; errors.Is(err, reg.ErrNoNode) for a missing node.
	Get(path string) (string, error)
	// Cached tells what this process's cache of job holds at path; ok is false when the
	// process has no cache of job (it does not run the job here).
	Cached(job, path string) (c reg.Cached, ok bool)
}

// Job returns the dump of job: every descendant of /{job}, depth first in reverse child order,
// masked and joined as ElasticJob's SnapshotService does. An unknown job gives "\n".
func Job(ctx context.Context, src Source, job string) (string, error) {
	var entries []string
	var walk func(path string) error
	walk = func(path string) error {
		children, err := src.Children(path)
		if err != nil {
			return err
		}
		for _, name := range children {
			if err := ctx.Err(); err != nil {
				return err
			}
			p := path + "/" + name
			value, err := src.Get(p)
			if errors.Is(err, reg.ErrNoNode) {
				continue // deleted since the listing: it and its subtree are gone
			}
			if err != nil {
				return err
			}
			entries = append(entries, entry(p, value, src, job))
			if err := walk(p); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(nodepath.Job(job)); err != nil {
		return "", err
	}
	return strings.Join(maskIPs(entries), "\n") + "\n", nil
}

// entry is one node's line: "path | value", or the four-column form when the cache differs.
// Nodes the cache does not follow (a sharding item's running node), and the data of nodes it
// keeps without their data, are not compared: the cache is taken to agree, as ElasticJob takes
// it when no cache exists.
func entry(path, value string, src Source, job string) string {
	cachePath, cacheValue := path, value
	if c, ok := src.Cached(job, path); ok && c.Followed {
		switch {
		case !c.Present:
			cachePath, cacheValue = "", ""
		case c.DataKept:
			cacheValue = c.Data
		}
	}
	if cachePath == path && cacheValue == value {
		return path + " | " + value
	}
	return path + " | " + value + " | " + cachePath + " | " + cacheValue
}
