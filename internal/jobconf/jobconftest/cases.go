// Package jobconftest derives, from jobconf's table, the cases every surface of a job's
// configuration must agree on: for each key with bounds, allowed values or a format, values it
// accepts and values it refuses. The directive parser, autoconfig's YAML and environment
// binding, the engine's reading of /{job}/config and the lifecycle API run the same cases, so a
// key added to the table is tested on every surface at once.
package jobconftest

import (
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// Case is one value of one key.
type Case struct {
	Key   *jobconf.Key
	Value string // as text: an int in decimal, a bool as true or false
	// Bad: the value is refused; every surface's error then contains Contains.
	Bad      bool
	Contains string
}

// Name is a subtest name.
func (c Case) Name() string { return c.Key.Name + "=" + c.Value }

// Cases are the cases of the keys that may be written in s.
func Cases(s jobconf.Surface) []Case {
	var cases []Case
	for _, k := range jobconf.KeysIn(s) {
		good := func(v string) { cases = append(cases, Case{Key: k, Value: v}) }
		bad := func(v string) {
			c := Case{Key: k, Value: v, Bad: true, Contains: k.Want()}
			if p := k.Check(v); len(p) > 0 && len(k.Enum) == 0 && k.Min == nil {
				c.Contains = p[0].Msg // a format's own message
			}
			cases = append(cases, c)
		}
		switch {
		case k.Min != nil:
			good(strconv.Itoa(*k.Min))
			good(strconv.Itoa(*k.Min + 7))
			bad(strconv.Itoa(*k.Min - 1))
		case len(k.Enum) > 0:
			for _, v := range k.Enum {
				good(v)
			}
			bad(strings.ToLower(k.Enum[0]))
			bad("NO_SUCH_" + k.Enum[0])
		}
		if values, ok := formatCases[k.Name]; ok {
			for _, v := range values.good {
				good(v)
			}
			for _, v := range values.bad {
				bad(v)
			}
		}
	}
	return cases
}

// formatCases are the values of keys with a format, accepted and refused.
var formatCases = map[string]struct{ good, bad []string }{
	"cron":                   {good: []string{"0 0 3 * * ?", "0/5 * * * * ? 2099"}, bad: []string{"* *", "0 0 0 30 2 ?", "0 0 0 1 1 ? 2001"}},
	"timeZone":               {good: []string{"Asia/Shanghai", "GMT+08:00"}, bad: []string{"Mars/Base"}},
	"shardingItemParameters": {good: []string{"0=a,1=b", "0=a, 5=f"}, bad: []string{"0=a,5=b,x", "0=a,0=b", "x=a"}},
}
