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
	return rotatedAvgAllocation(instances, javastr.HashCode(jobName), jobName, total)
}

// rotatedAvgAllocation rotates the instances left by |h| % n (the absolute value in 64 bits)
// and allocates the items over them as AVG_ALLOCATION does.
func rotatedAvgAllocation(instances []string, h int32, jobName string, total int) map[string][]int {
	n := len(instances)
	if n == 0 {
		return map[string][]int{}
	}
	return avgAllocation{}.Shard(rotate(instances, int(abs64(int64(h))%int64(n))), jobName, total)
}

func abs64(h int64) int64 {
	if h < 0 {
		return -h
	}
	return h
}
