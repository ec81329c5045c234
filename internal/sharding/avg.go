package sharding

// avgAllocation is AVG_ALLOCATION: instance k of n gets the contiguous block
// [k*per, (k+1)*per) with per = total/n, then the total%n leftover items go one each to the
// first instances of the list.
type avgAllocation struct{}

func (avgAllocation) Shard(instances []string, _ string, total int) map[string][]int {
	result := make(map[string][]int, len(instances))
	n := len(instances)
	if n == 0 {
		return result
	}
	per := total / n
	for k, id := range instances {
		items := make([]int, 0, per+1)
		for item := k * per; item < (k+1)*per; item++ {
			items = append(items, item)
		}
		result[id] = items
	}
	for i := 0; i < total%n; i++ {
		id := instances[i]
		result[id] = append(result[id], n*per+i)
	}
	return result
}
