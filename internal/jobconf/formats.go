package jobconf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/quartz"
)

// cronProblems parses a Quartz expression (in UTC; the zone is checked with timeZone) and
// refuses one that never fires, as Quartz refuses to schedule it.
func cronProblems(spec string) []Problem {
	s, err := quartz.Parse(spec, "UTC")
	if err != nil {
		return []Problem{wholeValue("%v", bare(err))}
	}
	if s.Next(time.Now()).IsZero() {
		return []Problem{wholeValue("%q never fires (no date matches it, or its years are past)", spec)}
	}
	return nil
}

func zoneProblems(tz string) []Problem {
	if _, err := quartz.LoadZone(tz); err != nil {
		return []Problem{wholeValue("%v", err)}
	}
	return nil
}

// bare drops the `cron "<spec>": ` that quartz.Parse wraps its errors in: the message names
// the key and the value already.
func bare(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

// JobNameProblems checks that a job name is usable as one ZooKeeper path segment and in
// ElasticJob's task ids (job@-@items@-@READY@-@instance).
func JobNameProblems(name string) []Problem {
	switch {
	case name == "":
		return []Problem{wholeValue("job name is empty")}
	case name == "." || name == "..":
		return []Problem{wholeValue("job name must not be . or .. (it is a ZooKeeper path segment)")}
	case strings.Contains(name, "/"):
		return []Problem{wholeValue("job name must not contain / (it is a ZooKeeper path segment)")}
	case strings.Contains(name, "@-@"):
		return []Problem{wholeValue("job name must not contain @-@ (ElasticJob's task id separator)")}
	}
	for _, r := range name {
		if zkRejects(r) {
			return []Problem{wholeValue("job name must not contain %U (ZooKeeper rejects it in paths)", r)}
		}
	}
	return nil
}

// zkRejects mirrors ZooKeeper's PathUtils.validatePath character rules.
func zkRejects(r rune) bool {
	return r <= 0x1f || r >= 0x7f && r <= 0x9f || r >= 0xd800 && r <= 0xf8ff || r >= 0xfff0 && r <= 0xffff
}

// ItemParameter is one well-formed entry of shardingItemParameters.
type ItemParameter struct {
	Item int
	Off  int // where the entry starts in the value
}

// ParseItemParameters reads shardingItemParameters the way ElasticJob does (split on ",",
// trim, split on "=" into exactly two parts, item an int), but also rejects what Java
// silently accepts or overwrites: empty entries, empty parameters, negative and repeated
// items. It returns the well-formed entries and a problem for each other one.
func ParseItemParameters(s string) ([]ItemParameter, []Problem) {
	if s == "" {
		return nil, nil
	}
	var items []ItemParameter
	var problems []Problem
	seen := map[int]bool{}
	start := 0
	for _, part := range strings.Split(s, ",") {
		entry := strings.TrimSpace(part)
		off := start + strings.Index(part, entry)
		start += len(part) + 1
		bad := func(format string, args ...any) {
			problems = append(problems, Problem{Key: "shardingItemParameters", Off: off, Msg: fmt.Sprintf(format, args...)})
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
			items = append(items, ItemParameter{Item: item, Off: off})
		}
	}
	return items, problems
}

func itemParameterProblems(s string) []Problem {
	_, problems := ParseItemParameters(s)
	return problems
}
