package jobconf

import "github.com/elasticjob-go/elasticjob/internal/jobapi"

// Diff returns the keys whose values differ between a and b, in table order; an unset key
// equals its default (jobShardingStrategyType "" is AVG_ALLOCATION). overwrite is left out: it
// says how a configuration is applied, not how the job runs.
func Diff(a, b jobapi.JobConfiguration) []string {
	var keys []string
	for _, k := range KeysIn(Stored) {
		if k.Name != "overwrite" && k.effective(&a) != k.effective(&b) {
			keys = append(keys, k.Name)
		}
	}
	return keys
}

func (k *Key) effective(c *jobapi.JobConfiguration) string {
	if v := k.Value(c); v != "" {
		return v
	}
	return k.Default
}
