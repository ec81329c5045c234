package sharding

import (
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
)

// odevity is ODEVITY: when the job name's Java hash is even the instance list is reversed,
// then items are allocated as AVG_ALLOCATION does. Java's remainder keeps the sign, so a
// negative odd hash gives -1 and counts as odd; Go's % behaves the same way.
type odevity struct{}

func (odevity) Shard(instances []string, jobName string, total int) map[string][]int {
	if javastr.HashCode(jobName)%2 == 0 {
		instances = slices.Clone(instances)
		slices.Reverse(instances)
	}
	return avgAllocation{}.Shard(instances, jobName, total)
}
