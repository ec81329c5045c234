package sharding

import "strconv"

// TaskID is ElasticJob's id of one run: job@-@items@-@READY@-@instanceID, the items comma
// separated in the given order, e.g. myJob@-@0,2@-@READY@-@10.0.0.2@-@200. READY is literal,
// even for failover runs.
func TaskID(job string, items []int, instanceID string) string {
	b := make([]byte, 0, len(job)+len(instanceID)+len("@-@@-@READY@-@")+3*len(items))
	b = append(b, job...)
	b = append(b, "@-@"...)
	for k, item := range items {
		if k > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(item), 10)
	}
	b = append(b, "@-@READY@-@"...)
	b = append(b, instanceID...)
	return string(b)
}
