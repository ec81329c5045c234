package directive

import (
	"fmt"
	"strconv"
	"strings"
)

// problem is something wrong with a value. whole problems are reported as key=value: msg
// at the value; the others point at byte offset off inside the value (an entry of a list).
type problem struct {
	off   int
	whole bool
	msg   string
}

func wholeValue(msg string) problem { return problem{whole: true, msg: msg} }

// formats are value checks that a type alone cannot express, named by the format tag.
var formats = map[string]func(string) []problem{
	"jobName":        jobNameProblems,
	"itemParameters": itemParameterProblems,
}

// jobNameProblems checks that a job name is usable as one ZooKeeper path segment and in
// ElasticJob's task ids (job@-@items@-@READY@-@instance).
func jobNameProblems(name string) []problem {
	switch {
	case name == "." || name == "..":
		return []problem{wholeValue("job name must not be . or .. (it is a ZooKeeper path segment)")}
	case strings.Contains(name, "/"):
		return []problem{wholeValue("job name must not contain / (it is a ZooKeeper path segment)")}
	case strings.Contains(name, "@-@"):
		return []problem{wholeValue("job name must not contain @-@ (ElasticJob's task id separator)")}
	}
	for _, r := range name {
		if zkRejects(r) {
			return []problem{wholeValue(fmt.Sprintf("job name must not contain %U (ZooKeeper rejects it in paths)", r))}
		}
	}
	return nil
}

// zkRejects mirrors ZooKeeper's PathUtils.validatePath character rules.
func zkRejects(r rune) bool {
	return r <= 0x1f || r >= 0x7f && r <= 0x9f || r >= 0xd800 && r <= 0xf8ff || r >= 0xfff0 && r <= 0xffff
}

// itemParameter is one well-formed entry of shardingItemParameters.
type itemParameter struct {
	item int
	off  int // where the entry starts in the value
}

// parseItemParameters reads shardingItemParameters the way ElasticJob does (split on ",",
// trim, split on "=" into exactly two parts, item an int), but also rejects what Java
// silently accepts or overwrites: empty entries, empty parameters, negative and repeated
// items.
func parseItemParameters(s string) ([]itemParameter, []problem) {
	if s == "" {
		return nil, nil
	}
	var items []itemParameter
	var problems []problem
	seen := map[int]bool{}
	start := 0
	for _, part := range strings.Split(s, ",") {
		entry := strings.TrimSpace(part)
		off := start + strings.Index(part, entry)
		start += len(part) + 1
		bad := func(format string, args ...any) {
			problems = append(problems, problem{off: off, msg: fmt.Sprintf(format, args...)})
		}
		kv := strings.Split(entry, "=")
		if entry == "" {
			bad("empty entry, want item=parameter pairs separated by commas")
			continue
		}
		if len(kv) != 2 {
			bad("%q is not item=parameter", entry)
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(kv[0]), 10, 32)
		item := int(n)
		switch {
		case err != nil:
			bad("item %q of %q is not an int", strings.TrimSpace(kv[0]), entry)
		case item < 0:
			bad("item %d is negative", item)
		case strings.TrimSpace(kv[1]) == "":
			bad("item %d has an empty parameter", item)
		case seen[item]:
			bad("item %d is given twice", item)
		default:
			seen[item] = true
			items = append(items, itemParameter{item: item, off: off})
		}
	}
	return items, problems
}

func itemParameterProblems(s string) []problem {
	_, problems := parseItemParameters(s)
	return problems
}

// crossCheck reports problems between keys, once every key has been decoded.
func (j *Job) crossCheck(report func(key string, p problem)) {
	if j.ShardingItemParameters == nil || j.ShardingTotalCount == nil {
		return
	}
	count := *j.ShardingTotalCount
	items, _ := parseItemParameters(*j.ShardingItemParameters)
	for _, it := range items {
		if it.item >= count {
			report("shardingItemParameters", problem{off: it.off, msg: fmt.Sprintf("item %d is out of range for shardingTotalCount=%d (items are 0..%d)", it.item, count, count-1)})
		}
	}
}
