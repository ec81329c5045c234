package jobconf

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/quartz"
)

// Validate checks an effective configuration (defaults, then directive, then YAML, then the
// environment; or what /{job}/config holds): every key's value (Key.Check) and the rules
// between keys. It returns every problem, errors and warnings, in table order; a job with an
// error must not run on c.
//
// Between keys: a parameter for an item at or beyond shardingTotalCount is a warning
// (ElasticJob ignores it, and the count may be raised later), and the cron is checked in its
// time zone.
func Validate(c jobapi.JobConfiguration) []Problem {
	var problems []Problem
	for _, p := range JobNameProblems(c.JobName) {
		p.Key = "jobName"
		problems = append(problems, p)
	}
	for _, k := range KeysIn(Stored) {
		problems = append(problems, k.Check(k.Value(&c))...)
	}
	if c.ShardingTotalCount > 0 {
		if p, ok := beyondCount(c.ShardingItemParameters, c.ShardingTotalCount); ok {
			problems = append(problems, p)
		}
	}
	if c.Cron != "" && c.TimeZone != "" && len(Lookup("cron").Check(c.Cron)) == 0 && len(Lookup("timeZone").Check(c.TimeZone)) == 0 {
		if s, err := quartz.Parse(c.Cron, c.TimeZone); err == nil && s.Next(time.Now()).IsZero() {
			problems = append(problems, Lookup("cron").whole("%q never fires in time zone %s", c.Cron, c.TimeZone))
		}
	}
	return problems
}

// beyondCount is the warning for parameters of items at or beyond the count, one for all of
// them, at the first.
func beyondCount(params string, count int) (Problem, bool) {
	items, _ := ParseItemParameters(params)
	var beyond []string
	off := -1
	for _, it := range items {
		if it.Item >= count {
			beyond = append(beyond, strconv.Itoa(it.Item))
			if off < 0 {
				off = it.Off
			}
		}
	}
	if len(beyond) == 0 {
		return Problem{}, false
	}
	what, whose := "item "+beyond[0]+" is", "its parameter"
	if len(beyond) > 1 {
		what, whose = "items "+strings.Join(beyond, ", ")+" are", "their parameters"
	}
	return Problem{Key: "shardingItemParameters", Off: off, Warning: true,
		Msg: fmt.Sprintf("%s beyond shardingTotalCount %d (items are 0..%d): ElasticJob ignores %s", what, count, count-1, whose)}, true
}

// PoolSize is the number of items of one run that may execute at once for a valid
// jobExecutorServiceHandlerType: SINGLE_THREAD 1, CPU (and unset) 2 × GOMAXPROCS, the
// processors the Go scheduler runs goroutines on (ElasticJob: 2 × the JVM's processors).
// The one formula, for documentation and running alike.
func PoolSize(handlerType string) int {
	if handlerType == "SINGLE_THREAD" {
		return 1
	}
	return 2 * runtime.GOMAXPROCS(0)
}
