// Package sharding holds ElasticJob's sharding algorithms: the strategies that split a job's
// items over the available instances, the parsing of shardingItemParameters and the task id.
// The results must equal those of Java peers, so Java's string hash, its signed remainder
// and the registry's reverse child order all matter.
package sharding

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Strategy assigns the items 0..total-1 of a job to instances. instances are instance ids in
// the order the registry lists them (reverse Java string order) and must be distinct. The
// result maps every instance to its items in ascending order, possibly none.
type Strategy interface {
	Shard(instances []string, jobName string, total int) map[string][]int
}

// The names of the built-in strategies, as in jobShardingStrategyType.
const (
	AvgAllocation = "AVG_ALLOCATION"
	Odevity       = "ODEVITY"
	RoundRobin    = "ROUND_ROBIN"
)

var (
	mu         sync.RWMutex
	strategies = map[string]Strategy{}
)

func init() {
	Register(AvgAllocation, avgAllocation{})
	Register(Odevity, odevity{})
	Register(RoundRobin, roundRobin{})
	Register(SingleShardingBalance, singleShardingBalance{now: time.Now})
}

// Register makes a strategy available under name, for jobShardingStrategyType. Like
// database/sql.Register it panics if name is empty, s is nil or name is already taken.
func Register(name string, s Strategy) {
	mu.Lock()
	defer mu.Unlock()
	if name == "" {
		panic("sharding: Register with an empty name")
	}
	if s == nil {
		panic(fmt.Sprintf("sharding: Register %q with a nil strategy", name))
	}
	if _, dup := strategies[name]; dup {
		panic(fmt.Sprintf("sharding: Register called twice for %q", name))
	}
	strategies[name] = s
}

// Lookup returns the strategy registered under name; "" means AVG_ALLOCATION, as in ElasticJob.
func Lookup(name string) (Strategy, error) {
	if name == "" {
		name = AvgAllocation
	}
	mu.RLock()
	defer mu.RUnlock()
	if s, ok := strategies[name]; ok {
		return s, nil
	}
	known := make([]string, 0, len(strategies))
	for k := range strategies {
		known = append(known, k)
	}
	sort.Strings(known)
	return nil, fmt.Errorf("sharding: unknown strategy %q (known: %s)", name, strings.Join(known, ", "))
}
