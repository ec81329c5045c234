package sharding

import "github.com/elasticjob-go/elasticjob/internal/javastr"

// roundRobin is ROUND_ROBIN: the instance list is rotated left by |hash(jobName)| % n, then
// items are allocated as AVG_ALLOCATION does.
//
// Java computes Math.abs on an int, which leaves Integer.MIN_VALUE negative; its rotation
// then indexes out of range and the resharding fails, unless n is a power of two (the
// remainder is then 0). Here the absolute value is taken in 64 bits, so a name hashing to
// MIN_VALUE rotates by 2^31 % n: identical to Java whenever Java succeeds.
type roundRobin struct{}

func (roundRobin) Shard(instances []string, jobName string, total int) map[string][]int {
	n := len(instances)
	if n == 0 {
		return map[string][]int{}
	}
	h := int64(javastr.HashCode(jobName))
	if h < 0 {
		h = -h
	}
	return avgAllocation{}.Shard(rotate(instances, int(h%int64(n))), jobName, total)
}
