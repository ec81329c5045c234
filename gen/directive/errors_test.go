package directive

import (
	"errors"
	"go/token"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorMessages pins the exact text and column of every kind of problem; the
// comments start at column 1 of line 7 of jobs.go.
func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		comment string
		want    []string
	}{
		{`//elasticjob:jbo name=x`, []string{
			`jobs.go:7:14: unknown directive kind "jbo", want job, listener or distributeonce (did you mean "job"?)`,
		}},
		{`//elasticjob:`, []string{
			`jobs.go:7:14: missing directive kind after //elasticjob:, want job, listener or distributeonce`,
		}},
		{`//elasticjob:cronjob name=x`, []string{
			`jobs.go:7:14: unknown directive kind "cronjob", want job, listener or distributeonce`,
		}},
		{`//elasticjob:Listener job=a`, []string{
			`jobs.go:7:14: unknown directive kind "Listener", want job, listener or distributeonce (did you mean "listener"?)`,
		}},
		{`//elasticjob:job name=a shardingTotalcount=3`, []string{
			`jobs.go:7:25: unknown key "shardingTotalcount" for //elasticjob:job (did you mean "shardingTotalCount"?)`,
		}},
		{`//elasticjob:job jobName=a`, []string{
			`jobs.go:7:14: missing required key "name" for //elasticjob:job`,
			`jobs.go:7:18: unknown key "jobName" for //elasticjob:job (did you mean "name"?)`,
		}},
		{`//elasticjob:job name=a foo=1`, []string{
			`jobs.go:7:25: unknown key "foo" for //elasticjob:job`,
		}},
		{`//elasticjob:job name=a prop.streaming.process=true`, []string{
			`jobs.go:7:25: unknown key "prop.streaming.process" for //elasticjob:job (did you mean "props.streaming.process"?)`,
		}},
		{`//elasticjob:job name=a props.=x props=y`, []string{
			`jobs.go:7:25: "props." names no prop: want props.<key>=<value>`,
			`jobs.go:7:34: "props" names no prop: want props.<key>=<value>`,
		}},
		{`//elasticjob:job name=a cron=* cron=y`, []string{
			`jobs.go:7:30: cron=*: expected 6 or 7 fields, found 1`,
			`jobs.go:7:32: duplicate key "cron" (first set at column 25)`,
		}},
		{`//elasticjob:job name=a props.k=x props.k=y`, []string{
			`jobs.go:7:35: duplicate key "props.k" (first set at column 25)`,
		}},
		{`//elasticjob:job failover=true`, []string{
			`jobs.go:7:14: missing required key "name" for //elasticjob:job`,
		}},
		{`//elasticjob:listener order=1`, []string{
			`jobs.go:7:14: missing required key "job" for //elasticjob:listener`,
		}},
		{`//elasticjob:distributeonce`, []string{
			`jobs.go:7:14: missing required key "job" for //elasticjob:distributeonce`,
		}},
		{`//elasticjob:job name=a shardingTotalCount=abc`, []string{
			`jobs.go:7:44: shardingTotalCount=abc: want a positive int`,
		}},
		{`//elasticjob:job name=a shardingTotalCount=0`, []string{
			`jobs.go:7:44: shardingTotalCount=0: want a positive int`,
		}},
		{`//elasticjob:listener job=a order=99999999999`, []string{
			`jobs.go:7:35: order=99999999999: want an int (out of the 32-bit range of a Java int)`,
		}},
		{`//elasticjob:job name=a maxTimeDiffSeconds=-2 reconcileIntervalMinutes=-1`, []string{
			`jobs.go:7:44: maxTimeDiffSeconds=-2: want an int >= -1`,
			`jobs.go:7:72: reconcileIntervalMinutes=-1: want a non-negative int`,
		}},
		{`//elasticjob:job name=a failover=yes misfire=True`, []string{
			`jobs.go:7:34: failover=yes: want true or false`,
			`jobs.go:7:46: misfire=True: want true or false`,
		}},
		{`//elasticjob:distributeonce job=a startedTimeout=10 completedTimeout=0s`, []string{
			`jobs.go:7:50: startedTimeout=10: want a Go duration of at least 1ms, such as 10s or 1m`,
			`jobs.go:7:70: completedTimeout=0s: want a Go duration of at least 1ms, such as 10s or 1m`,
		}},
		{`//elasticjob:distributeonce job=a startedTimeout=500us`, []string{
			`jobs.go:7:50: startedTimeout=500us: want a Go duration of at least 1ms, such as 10s or 1m`,
		}},
		{`//elasticjob:job name=a jobExecutorServiceHandlerType=cpu`, []string{
			`jobs.go:7:55: jobExecutorServiceHandlerType=cpu: want one of CPU, SINGLE_THREAD (did you mean "CPU"?)`,
		}},
		{`//elasticjob:job name=a jobExecutorServiceHandlerType=IO`, []string{
			`jobs.go:7:55: jobExecutorServiceHandlerType=IO: want one of CPU, SINGLE_THREAD`,
		}},
		{`//elasticjob:job name=a jobListenerTypes="a,,b"`, []string{
			`jobs.go:7:42: jobListenerTypes="a,,b": empty element in the list, want a comma-separated list`,
		}},
		{`//elasticjob:job name=a cron= jobParameter=`, []string{
			`jobs.go:7:30: cron=: empty value, want a non-empty string`,
			`jobs.go:7:44: jobParameter=: empty value (write jobParameter="" for an empty string)`,
		}},
		{`//elasticjob:job name=a cron="" timeZone="  "`, []string{
			`jobs.go:7:30: cron="": empty value, want a non-empty string`,
			`jobs.go:7:42: timeZone="  ": empty value, want a non-empty string`,
		}},
		{`//elasticjob:job name=a cron="0 0 * * * ?`, []string{
			`jobs.go:7:30: unterminated quoted value of "cron": missing closing "`,
		}},
		{"//elasticjob:job name=a description=`abc", []string{
			"jobs.go:7:37: unterminated quoted value of \"description\": missing closing `",
		}},
		{`//elasticjob:job name=a description="a\qb"`, []string{
			`jobs.go:7:39: invalid escape \q in the quoted value of "description"`,
		}},
		{`//elasticjob:job name=a cron="x"y failover=true`, []string{
			`jobs.go:7:34: unexpected "y" after the quoted value of "cron": separate key=value pairs with spaces`,
		}},
		{`//elasticjob:job name=a cron=a"b`, []string{
			`jobs.go:7:31: quote inside the bare value of "cron": quote the whole value, e.g. cron="..."`,
		}},
		{`//elasticjob:job name=a failover`, []string{
			`jobs.go:7:25: "failover" has no value: want failover=<value>`,
		}},
		{`//elasticjob:job name=a =x`, []string{
			`jobs.go:7:25: missing key before "=": want key=value`,
		}},
		{`// elasticjob:job name=a`, []string{
			`jobs.go:7:3: directive must start with //elasticjob: (no space)`,
		}},
		{`//	 elasticjob:job failover=true`, []string{
			`jobs.go:7:3: directive must start with //elasticjob: (no space)`,
			`jobs.go:7:16: missing required key "name" for //elasticjob:job`,
		}},
		{`//elasticjob:job name=a/b`, []string{
			`jobs.go:7:23: name=a/b: job name must not contain / (it is a ZooKeeper path segment)`,
		}},
		{`//elasticjob:job name=..`, []string{
			`jobs.go:7:23: name=..: job name must not be . or .. (it is a ZooKeeper path segment)`,
		}},
		{`//elasticjob:job name=a@-@b`, []string{
			`jobs.go:7:23: name=a@-@b: job name must not contain @-@ (ElasticJob's task id separator)`,
		}},
		{`//elasticjob:job name="a\x01b"`, []string{
			`jobs.go:7:23: name="a\x01b": job name must not contain U+0001 (ZooKeeper rejects it in paths)`,
		}},
		{`//elasticjob:listener job=.`, []string{
			`jobs.go:7:27: job=.: job name must not be . or .. (it is a ZooKeeper path segment)`,
		}},
		{`//elasticjob:job name=a shardingItemParameters="0=A,,1=B"`, []string{
			`jobs.go:7:53: shardingItemParameters: empty entry, want item=parameter pairs separated by commas`,
		}},
		{`//elasticjob:job name=a shardingItemParameters="0=A,B,x=C,0=,-1=D,0=E,1=F=G"`, []string{
			`jobs.go:7:53: shardingItemParameters: "B" is not item=parameter`,
			`jobs.go:7:55: shardingItemParameters: item "x" of "x=C" is not an int`,
			`jobs.go:7:59: shardingItemParameters: item 0 has an empty parameter`,
			`jobs.go:7:62: shardingItemParameters: item -1 is negative`,
			`jobs.go:7:67: shardingItemParameters: item 0 is given twice`,
			`jobs.go:7:71: shardingItemParameters: "1=F=G" is not item=parameter`,
		}},
		// Items beyond the directive's count are legal: YAML may raise the count, and the
		// effective configuration is checked at start-up (a warning there).
		{`//elasticjob:job name=a shardingTotalCount=3 shardingItemParameters="0=A,3=B,4=C"`, nil},
		{`//elasticjob:job name=a shardingTotalCount=0 shardingItemParameters="0=A,3=B"`, []string{
			`jobs.go:7:44: shardingTotalCount=0: want a positive int`,
		}},
		{`//elasticjob:job name=a shardingItemParameters=0=A,x=B`, []string{
			`jobs.go:7:52: shardingItemParameters: item "x" of "x=B" is not an int`,
		}},
		{`//elasticjob:job name=a shardingItemParameters="0=A,  x=B"`, []string{
			`jobs.go:7:55: shardingItemParameters: item "x" of "x=B" is not an int`,
		}},
		{`//elasticjob:job name=a shardingItemParameters="0=\u0041,x=B"`, []string{
			`jobs.go:7:48: shardingItemParameters: item "x" of "x=B" is not an int`,
		}},
		{`//elasticjob:job job=a`, []string{
			`jobs.go:7:14: missing required key "name" for //elasticjob:job`,
			`jobs.go:7:18: unknown key "job" for //elasticjob:job (did you mean "name"?)`,
		}},
		{`//elasticjob:listener name=a`, []string{
			`jobs.go:7:14: missing required key "job" for //elasticjob:listener`,
			`jobs.go:7:23: unknown key "name" for //elasticjob:listener (did you mean "job"?)`,
		}},
		{`//elasticjob:listener job=a startedTimeout=1s cron=x`, []string{
			`jobs.go:7:29: unknown key "startedTimeout" for //elasticjob:listener (it is a key of //elasticjob:distributeonce)`,
			`jobs.go:7:47: unknown key "cron" for //elasticjob:listener (it is a key of //elasticjob:job)`,
		}},
	} {
		t.Run(tc.comment, func(t *testing.T) {
			_, errs := Parse(at, tc.comment)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestEveryMistakeOfALine shows that one line reports all its problems, in column order.
func TestEveryMistakeOfALine(t *testing.T) {
	d, errs := Parse(at, `// elasticjob:job name=a/b shardingTotalcount=3 cron= failover=yes cron="x" jobExecutorServiceHandlerType=cpu order=1 description="\q`)
	require.IsType(t, &Job{}, d)
	assert.Equal(t, `jobs.go:7:3: directive must start with //elasticjob: (no space)
jobs.go:7:24: name=a/b: job name must not contain / (it is a ZooKeeper path segment)
jobs.go:7:28: unknown key "shardingTotalcount" for //elasticjob:job (did you mean "shardingTotalCount"?)
jobs.go:7:54: cron=: empty value, want a non-empty string
jobs.go:7:64: failover=yes: want true or false
jobs.go:7:68: duplicate key "cron" (first set at column 49)
jobs.go:7:107: jobExecutorServiceHandlerType=cpu: want one of CPU, SINGLE_THREAD (did you mean "CPU"?)
jobs.go:7:111: unknown key "order" for //elasticjob:job (it is a key of //elasticjob:listener or //elasticjob:distributeonce)
jobs.go:7:131: unterminated quoted value of "description": missing closing "`, errs.Error())
}

func TestColumnsAndOffsetsFollowTheCommentPosition(t *testing.T) {
	pos := token.Position{Filename: "a/b.go", Offset: 1000, Line: 40, Column: 2}
	_, errs := Parse(pos, `//elasticjob:listener job=x order=z`)
	require.Len(t, errs, 1)
	assert.Equal(t, token.Position{Filename: "a/b.go", Offset: 1034, Line: 40, Column: 36}, errs[0].Pos)
	assert.Equal(t, "a/b.go:40:36: order=z: want an int", errs.Error())
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	assert.NoError(t, l.Err())
	l.Add(token.Position{Filename: "b.go", Line: 1, Column: 1}, "third")
	l.Add(token.Position{Filename: "a.go", Line: 2, Column: 5}, "second")
	l.Add(token.Position{Filename: "a.go", Line: 2, Column: 1}, "first")
	l.Add(token.Position{Filename: "b.go", Line: 1, Column: 1}, "fourth, same place as third")
	err := l.Err()
	require.Error(t, err)
	assert.Equal(t, "a.go:2:1: first\na.go:2:5: second\nb.go:1:1: third\nb.go:1:1: fourth, same place as third", err.Error())
	assert.Equal(t, "third", l[0].Msg, "Error() leaves the list as it is")
	var list ErrorList
	require.True(t, errors.As(err, &list))
	assert.Len(t, list, 4)
	l.Sort()
	assert.Equal(t, "first", l[0].Msg)
	assert.Equal(t, "b.go:1:1: third", l[2].Error())
}
