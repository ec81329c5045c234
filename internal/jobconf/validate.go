package jobconf

import (
	"fmt"
	"runtime"
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
		items, _ := ParseItemParameters(c.ShardingItemParameters)
		for _, it := range items {
			if it.Item >= c.ShardingTotalCount {
				problems = append(problems, Problem{Key: "shardingItemParameters", Off: it.Off, Warning: true,
					Msg: fmt.Sprintf("item %d is beyond shardingTotalCount %d (items are 0..%d): its parameter is ignored", it.Item, c.ShardingTotalCount, c.ShardingTotalCount-1)})
			}
		}
	}
	if c.Cron != "" && c.TimeZone != "" && len(Lookup("cron").Check(c.Cron)) == 0 && len(Lookup("timeZone").Check(c.TimeZone)) == 0 {
		if s, err := quartz.Parse(c.Cron, c.TimeZone); err == nil && s.Next(time.Now()).IsZero() {
			problems = append(problems, Lookup("cron").whole("%q never fires in time zone %s", c.Cron, c.TimeZone))
		}
	}
	return problems
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
