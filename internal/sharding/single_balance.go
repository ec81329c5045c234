package sharding

import (
	"time"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
)

// SingleShardingBalance is ElasticJob 3.0.5's SINGLE_SHARDING_BALANCE.
const SingleShardingBalance = "SINGLE_SHARDING_BALANCE"

// singleShardingBalance is SINGLE_SHARDING_BALANCE: ROUND_ROBIN's rotation, but by
// |hash(jobName) + now in milliseconds| % n, both as 32-bit Java ints, so that a one-item job
// moves from instance to instance at each resharding instead of staying on the one its name
// picks. The result depends on the time of the resharding, so Java and Go leaders agree only
// on the rule, not on one assignment.
//
// As for ROUND_ROBIN, the absolute value is taken in 64 bits: where Java's Math.abs leaves
// Integer.MIN_VALUE negative and the rotation fails, this rotates by 2^31 % n.
type singleShardingBalance struct {
	now func() time.Time
}

func (s singleShardingBalance) Shard(instances []string, jobName string, total int) map[string][]int {
	return rotatedAvgAllocation(instances, javastr.HashCode(jobName)+int32(s.now().UnixMilli()), jobName, total)
}

// rotate returns instances rotated left by offset (0 <= offset < len(instances)).
func rotate(instances []string, offset int) []string {
	n := len(instances)
	rotated := make([]string, n)
	for i := range rotated {
		rotated[i] = instances[(i+offset)%n]
	}
	return rotated
}
