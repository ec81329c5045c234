package sharding

import (
	"strconv"
	"strings"
)

// TaskID is ElasticJob's id of one run: job@-@items@-@READY@-@instanceID, the items comma
// separated in the given order, e.g. myJob@-@0,2@-@READY@-@10.0.0.2@-@200. READY is literal,
// even for failover runs.
func TaskID(job string, items []int, instanceID string) string {
	parts := make([]string, len(items))
	for i, item := range items {
		parts[i] = strconv.Itoa(item)
	}
	return job + "@-@" + strings.Join(parts, ",") + "@-@READY@-@" + instanceID
}
