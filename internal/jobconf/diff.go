package jobconf

import "github.com/elasticjob-go/elasticjob/internal/jobapi"

// Diff returns the keys whose values differ between a and b, in table order. overwrite is
// left out: it says how a configuration is applied, not how the job runs.
func Diff(a, b jobapi.JobConfiguration) []string {
	var keys []string
	for _, k := range KeysIn(Stored) {
		if k.Name != "overwrite" && k.Value(&a) != k.Value(&b) {
			keys = append(keys, k.Name)
		}
	}
	return keys
}
