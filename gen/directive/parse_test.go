package directive

import (
	"go/token"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var at = token.Position{Filename: "jobs.go", Offset: 120, Line: 7, Column: 1}

func mustParse(t *testing.T, comment string) Directive {
	t.Helper()
	d, errs := Parse(at, comment)
	require.Empty(t, errs, "errors: %v", errs)
	require.NotNil(t, d)
	return d
}

func TestParseDesignExamples(t *testing.T) {
	job := mustParse(t, `//elasticjob:job name=orderSync cron="0/5 * * * * ?" shardingTotalCount=3 shardingItemParameters="0=A,1=B,2=C" failover=true`).(*Job)
	assert.Equal(t, "job", job.Kind())
	assert.Equal(t, "orderSync", job.Name)
	assert.Equal(t, map[string]string{
		"cron":                   "0/5 * * * * ?",
		"shardingTotalCount":     "3",
		"shardingItemParameters": "0=A,1=B,2=C",
		"failover":               "true",
	}, job.Settings())

	cleanup := mustParse(t, `//elasticjob:job name=cleanup cron="0 0 3 * * ?" timeZone=Asia/Shanghai`).(*Job)
	assert.Equal(t, map[string]string{"cron": "0 0 3 * * ?", "timeZone": "Asia/Shanghai"}, cleanup.Settings())

	l := mustParse(t, `//elasticjob:listener job=orderSync order=1              // per-instance Listener`).(*Listener)
	assert.Equal(t, "orderSync", l.Job)
	assert.Equal(t, 1, *l.Order)
	assert.Equal(t, 1, l.EffectiveOrder())

	once := mustParse(t, "//elasticjob:distributeonce job=orderSync startedTimeout=10s completedTimeout=1m  // same Listener interface, run once per fire across the cluster").(*DistributeOnce)
	assert.Equal(t, "distributeonce", once.Kind())
	assert.Equal(t, "orderSync", once.Job)
	assert.Equal(t, 10*time.Second, *once.StartedTimeout)
	assert.Equal(t, time.Minute, *once.CompletedTimeout)
	assert.Nil(t, once.Order)
	assert.Equal(t, math.MaxInt32, once.EffectiveOrder())
}

func TestParseEveryJobKey(t *testing.T) {
	job := mustParse(t, "//elasticjob:job\tname=\"order sync\" cron=`0 0/5 * * * ?` timeZone=GMT+08:00 shardingTotalCount=+4 "+
		`shardingItemParameters="0=a, 1 = b" jobParameter="" monitorExecution=false failover=true misfire=false `+
		`maxTimeDiffSeconds=-1 reconcileIntervalMinutes=0 jobShardingStrategyType=ROUND_ROBIN `+
		`jobExecutorServiceHandlerType=SINGLE_THREAD jobErrorHandlerType=THROW jobListenerTypes=" log , trace" `+
		`description="tab\there \"q\" \u00e9" disabled=true overwrite=false label=blue staticSharding=true `+
		"props.streaming.process=true props.script.command.line=`C:\\bin\\run.bat` props.empty=\"\"").(*Job)
	assert.Equal(t, "order sync", job.Name)
	assert.Equal(t, []string{"log", "trace"}, job.JobListenerTypes)
	assert.Equal(t, map[string]string{"streaming.process": "true", "script.command.line": `C:\bin\run.bat`, "empty": ""}, job.Props)
	assert.Equal(t, map[string]string{
		"cron":                          "0 0/5 * * * ?",
		"timeZone":                      "GMT+08:00",
		"shardingTotalCount":            "4",
		"shardingItemParameters":        "0=a, 1 = b",
		"jobParameter":                  "",
		"monitorExecution":              "false",
		"failover":                      "true",
		"misfire":                       "false",
		"maxTimeDiffSeconds":            "-1",
		"reconcileIntervalMinutes":      "0",
		"jobShardingStrategyType":       "ROUND_ROBIN",
		"jobExecutorServiceHandlerType": "SINGLE_THREAD",
		"jobErrorHandlerType":           "THROW",
		"jobListenerTypes":              "log,trace",
		"description":                   "tab\there \"q\" é",
		"disabled":                      "true",
		"overwrite":                     "false",
		"label":                         "blue",
		"staticSharding":                "true",
		"props.streaming.process":       "true",
		"props.script.command.line":     `C:\bin\run.bat`,
		"props.empty":                   "",
	}, job.Settings())
}

func TestSettingsHoldOnlyWhatWasSet(t *testing.T) {
	job := mustParse(t, `//elasticjob:job name=x`).(*Job)
	assert.Equal(t, map[string]string{}, job.Settings())
	assert.Nil(t, job.Cron)
	assert.Nil(t, job.Props)
	assert.Nil(t, job.JobListenerTypes)

	empty := mustParse(t, `//elasticjob:job name=x shardingTotalCount=2 shardingItemParameters="" description=""`).(*Job)
	assert.Equal(t, map[string]string{"shardingTotalCount": "2", "shardingItemParameters": "", "description": ""}, empty.Settings())

	manual := &Job{Name: "y", ShardingTotalCount: new(2), Failover: new(false), Props: map[string]string{"a": "b"}}
	assert.Equal(t, map[string]string{"shardingTotalCount": "2", "failover": "false", "props.a": "b"}, manual.Settings())
}

func TestKeyPositions(t *testing.T) {
	pos := token.Position{Filename: "svc/jobs.go", Offset: 300, Line: 12, Column: 2}
	d, errs := Parse(pos, `//elasticjob:job name=a cron="0 * * * * ?" props.k=v`)
	require.Empty(t, errs)
	assert.Equal(t, pos, d.Position())
	assert.Equal(t, token.Position{Filename: "svc/jobs.go", Offset: 322, Line: 12, Column: 24}, d.KeyPos("name"))
	assert.Equal(t, "svc/jobs.go:12:31", d.KeyPos("cron").String())
	assert.Equal(t, "svc/jobs.go:12:53", d.KeyPos("props.k").String())
	assert.Equal(t, pos, d.KeyPos("failover"), "unset key: the directive's position")
}

func TestNotDirectives(t *testing.T) {
	for _, c := range []string{
		"// OrderSync syncs orders.",
		"//go:generate go run github.com/elasticjob-go/elasticjob/cmd/ejgen",
		"/* elasticjob:job name=x */",
		"/*elasticjob:job name=x*/",
		"//elasticjobs:job name=x",
		"// elasticjob is the library",
		"//",
		"",
	} {
		d, errs := Parse(at, c)
		assert.Nil(t, d, c)
		assert.Nil(t, errs, c)
	}
}

func TestOnlyTheFirstLineIsRead(t *testing.T) {
	job := mustParse(t, "//elasticjob:job name=a\ncron=ignored").(*Job)
	assert.Nil(t, job.Cron)
}

// The job keys' checks are jobconf's: the cron goes through the Quartz parser, never-firing
// included, reported at the value.
func TestJobKeysAreCheckedByTheSchema(t *testing.T) {
	mustParse(t, `//elasticjob:job name=a cron="0 0 3 * * ?"`)
	_, errs := Parse(at, `//elasticjob:job name=a cron="* *" timeZone=Mars/Base jobShardingStrategyType=AVG`)
	assert.Equal(t, `jobs.go:7:30: cron="* *": expected 6 or 7 fields, found 2
jobs.go:7:45: timeZone=Mars/Base: unknown time zone "Mars/Base"
jobs.go:7:79: jobShardingStrategyType=AVG: want one of AVG_ALLOCATION, ODEVITY, ROUND_ROBIN, SINGLE_SHARDING_BALANCE (did you mean "AVG_ALLOCATION"?)`, errs.Error())
	_, errs = Parse(at, `//elasticjob:job name=a cron="0 0 0 30 2 ?"`)
	assert.Equal(t, `jobs.go:7:30: cron="0 0 0 30 2 ?": "0 0 0 30 2 ?" never fires (no date matches it, or its years are past)`, errs.Error())
	_, errs = Parse(at, `//elasticjob:job name=a cron=""`)
	assert.Equal(t, `jobs.go:7:30: cron="": empty value, want a non-empty string`, errs.Error())
}

func TestErrorsKeepWhatParsed(t *testing.T) {
	d, errs := Parse(at, `//elasticjob:listener job=orderSync order=first`)
	require.Len(t, errs, 1)
	l := d.(*Listener)
	assert.Equal(t, "orderSync", l.Job)
	assert.Nil(t, l.Order)
}
