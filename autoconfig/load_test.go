package autoconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

const orderSyncClass = "example.com/shop/jobs.OrderSync"

// inTempDir runs the test in a fresh working directory holding files, with no
// ELASTICJOB_CONFIG.
func inTempDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	t.Setenv(ConfigEnv, "")
	return dir
}

// wantError fails the test unless err says want, to the letter.
func wantError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant:\n%s", err, want)
	}
}

func orderSync(settings map[string]string) starter.JobDefinition {
	return starter.JobDefinition{Name: "orderSync", Class: orderSyncClass, Settings: settings, Job: &recordingJob{}}
}

// Later sources win key by key, props entry by props entry: defaults < directive < YAML <
// environment.
func TestPrecedence(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": `
server: {port: 8080} # the application's own keys are not ours
elasticjob:
  regCenter:
    namespace: fromYaml
    maxRetries: 5
  jobs:
    orderSync:
      jobParameter: yaml
      description: yaml
      props: {b: yaml, c: yaml}
`})
	t.Setenv("ELASTICJOB_JOBS_ORDERSYNC_DESCRIPTION", "env")
	t.Setenv("ELASTICJOB_JOBS_ORDER_SYNC_PROPS_C", "env")
	t.Setenv("elasticjob_regcenter_namespace", "fromEnv")
	props, err := load([]starter.JobDefinition{orderSync(map[string]string{
		"cron": "0/5 * * * * ?", "shardingTotalCount": "3", "jobParameter": "directive",
		"description": "directive", "failover": "true", "props.a": "directive", "props.b": "directive",
	})})
	if err != nil {
		t.Fatal(err)
	}
	want := JobProperties{
		ElasticJobClass: orderSyncClass, Cron: "0/5 * * * * ?", ShardingTotalCount: 3,
		JobParameter: "yaml", Description: "env", Failover: true,
		MonitorExecution: true, Misfire: true, MaxTimeDiffSeconds: -1, ReconcileIntervalMinutes: 10,
		Props: map[string]string{"a": "directive", "b": "yaml", "c": "env"},
	}
	if got := props.Jobs["orderSync"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("orderSync:\n got %+v\nwant %+v", got, want)
	}
	wantReg := RegCenterProperties{Namespace: "fromEnv", SessionTimeoutMilliseconds: 60000, ConnectionTimeoutMilliseconds: 15000,
		BaseSleepTimeMilliseconds: 1000, MaxSleepTimeMilliseconds: 3000, MaxRetries: 5, ShutdownGracePeriodMilliseconds: 10000}
	if props.RegCenter != wantReg {
		t.Fatalf("regCenter:\n got %+v\nwant %+v", props.RegCenter, wantReg)
	}
	if len(props.Jobs) != 1 {
		t.Fatalf("jobs %v", props.Jobs)
	}
}

// A job declared by a directive with nothing else gets the builder defaults.
func TestBuilderDefaults(t *testing.T) {
	inTempDir(t, nil)
	props, err := load([]starter.JobDefinition{orderSync(nil)})
	if err != nil {
		t.Fatal(err)
	}
	got := props.Jobs["orderSync"].Configuration("orderSync")
	want := starter.NewJobConfiguration("orderSync", 1)
	want.Props = map[string]string{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
}

// Spring's kebab-case spelling binds like camelCase; environment names ignore case, '-' and
// '_', for keys and for job names.
func TestKebabCaseAndEnvironmentSpelling(t *testing.T) {
	inTempDir(t, map[string]string{"application.yml": `
elasticjob:
  reg-center:
    server-lists: 127.0.0.1:2181
    session-timeout-milliseconds: 5000
  jobs:
    nightly-backup:
      elastic-job-type: SCRIPT
      cron: 0 0 2 * * ?
      time-zone: GMT+08:00
      sharding-total-count: 2
      monitor-execution: false
      job-listener-types: a, b
      job-executor-thread-pool-size-provider-type: SINGLE_THREAD
      props:
        script.command.line: /opt/backup.sh
        script:
          extra: 1
  tracing:
    type: RDB
    include-job-names: [nightly-backup]
    data-source: {url: "jdbc:postgresql://db:5432/trace", username: ej, driver-class-name: org.postgresql.Driver}
    retention-days: 30
  dump: {enabled: true, port: 9888}
`})
	t.Setenv("ELASTICJOB_TRACING_DATA_SOURCE_PASSWORD", "s3cret")
	t.Setenv("ELASTICJOB_JOBS_NIGHTLY_BACKUP_MISFIRE", "FALSE")
	t.Setenv("ELASTICJOB_REG_CENTER_MAX_RETRIES", "7")
	props, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := JobProperties{
		ElasticJobType: "SCRIPT", Cron: "0 0 2 * * ?", TimeZone: "GMT+08:00", ShardingTotalCount: 2,
		MaxTimeDiffSeconds: -1, ReconcileIntervalMinutes: 10, JobListenerTypes: []string{"a", "b"},
		JobExecutorThreadPoolSizeProviderType: "SINGLE_THREAD",
		Props:                                 map[string]string{"script.command.line": "/opt/backup.sh", "script.extra": "1"},
	}
	if got := props.Jobs["nightly-backup"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("nightly-backup:\n got %+v\nwant %+v", got, want)
	}
	if cfg := want.Configuration("x"); cfg.JobExecutorServiceHandlerType != "SINGLE_THREAD" {
		t.Fatalf("3.0.5's pool key is not carried into the configuration: %+v", cfg)
	}
	if r := props.RegCenter; r.ServerLists != "127.0.0.1:2181" || r.SessionTimeoutMilliseconds != 5000 || r.MaxRetries != 7 {
		t.Fatalf("regCenter %+v", r)
	}
	wantTracing := TracingProperties{Type: "RDB", IncludeJobNames: []string{"nightly-backup"}, RetentionDays: 30,
		DataSource: TracingDataSourceProperties{URL: "jdbc:postgresql://db:5432/trace", Username: "ej", Password: "s3cret", DriverClassName: "org.postgresql.Driver"}}
	if !reflect.DeepEqual(props.Tracing, wantTracing) {
		t.Fatalf("tracing %+v", props.Tracing)
	}
	if props.Dump != (DumpProperties{Enabled: true, Port: 9888}) {
		t.Fatalf("dump %+v", props.Dump)
	}
}

// Every problem is reported at once, each naming its source and the key path as written.
func TestConfigurationErrors(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": `
elasticjob:
  regcenter: {}
  regCenter:
    maxRetries: many
  jobs:
    orderSync:
      shardingTotalCount: abc
      shardingTotalcount: 3
      cron: 0 0 25 * * ?
      failover: maybe
    both:
      elasticJobClass: example.com/shop/jobs.OrderSync
      elasticJobType: SCRIPT
    orphan:
      cron: 0 * * * * ?
    ghost:
      elasticJobClass: example.com/shop/jobs.Ghost
    typo:
      elasticJobType: FTP
      shardingTotalCount: 0
    mailer:
      elasticJobType: HTTP
      jobErrorHandlerType: EMAIL
      jobExecutorServiceHandlerType: FIXED
      props: {http.method: GET}
    paged:
      elasticJobType: SCRIPT
      jobErrorHandlerType: PAGER
      props: {script.command.line: /bin/true}
    zoned:
      elasticJobType: HTTP
      props: {http.uri: "http://127.0.0.1:1/", http.method: GET}
      cron: 0 * * * * ?
      timeZone: Mars/Olympus
  tracing:
    type: MONGO
    includeJobNames: [a]
    excludeJobNames: [b]
    retentionDays: -1
    dataSource: {uri: x}
  dump: {port: 70000}
`})
	t.Setenv("ELASTICJOB_JOBS_ORDERSYNC_MISFIRE", "sometimes")
	t.Setenv("ELASTICJOB_JOBS_NOSUCH_CRON", "0 * * * * ?")
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLIST", "x:2181")
	_, err := load([]starter.JobDefinition{
		orderSync(map[string]string{"cron": "0 * * * * ?", "color": "red"}),
		{Name: "orderSync", Class: "example.com/shop/jobs.Other", Job: &recordingJob{}},
	})
	want := `job "orderSync" is declared twice in code: by example.com/shop/jobs.OrderSync and by example.com/shop/jobs.Other
directive of job "orderSync": unknown key color (known: cron, timeZone, shardingTotalCount, shardingItemParameters, jobParameter, monitorExecution, failover, misfire, maxTimeDiffSeconds, reconcileIntervalMinutes, jobShardingStrategyType, jobExecutorServiceHandlerType, jobErrorHandlerType, jobListenerTypes, description, disabled, overwrite, label, staticSharding, jobClassName, props, elasticJobClass, elasticJobType, jobExecutorThreadPoolSizeProviderType)
application.yaml: elasticjob.jobs.orderSync.failover: "maybe" is not a bool
application.yaml: elasticjob.jobs.orderSync.shardingTotalCount: "abc" is not an int
application.yaml: unknown key elasticjob.jobs.orderSync.shardingTotalcount (did you mean shardingTotalCount?)
application.yaml: elasticjob.regCenter.maxRetries: "many" is not an int
application.yaml: unknown key elasticjob.regcenter (did you mean regCenter?)
application.yaml: unknown key elasticjob.tracing.dataSource.uri (did you mean url?)
environment: ELASTICJOB_JOBS_NOSUCH_CRON names no key of a declared job (declared jobs: both, ghost, mailer, orderSync, orphan, paged, typo, zoned)
environment: ELASTICJOB_JOBS_ORDERSYNC_MISFIRE: "sometimes" is not a bool
environment: unknown key ELASTICJOB_REGCENTER_SERVERLIST
application.yaml: elasticjob.jobs.both.elasticJobType: elasticJobClass and elasticJobType are both set (elasticJobClass "example.com/shop/jobs.OrderSync" in application.yaml); set one
application.yaml: elasticjob.jobs.ghost.elasticJobClass: "example.com/shop/jobs.Ghost" names no known job implementation (known: example.com/shop/jobs.OrderSync, example.com/shop/jobs.Other)
application.yaml: elasticjob.jobs.mailer.jobExecutorServiceHandlerType: "FIXED" is not allowed: want one of CPU, SINGLE_THREAD
application.yaml: elasticjob.jobs.mailer.jobErrorHandlerType: EMAIL: email.host: required
application.yaml: elasticjob.jobs.mailer.elasticJobType: HTTP: http.uri: required
application.yaml: elasticjob.jobs.orderSync.cron: hours: value 25 out of range 0-23 (token "25")
application.yaml: elasticjob.jobs.orphan: no job orphan is declared in code; give it elasticJobClass or elasticJobType
application.yaml: elasticjob.jobs.paged.jobErrorHandlerType: "PAGER" is not allowed: want one of LOG, THROW, IGNORE, EMAIL, WECHAT, DINGTALK
application.yaml: elasticjob.jobs.typo.shardingTotalCount: 0 is out of range: want a positive int
application.yaml: elasticjob.jobs.typo.elasticJobType: "FTP" is not allowed: want one of SCRIPT, HTTP
application.yaml: elasticjob.jobs.zoned.timeZone: unknown time zone "Mars/Olympus"
application.yaml: elasticjob.tracing.type: "MONGO" is not a tracing type: want RDB
application.yaml: elasticjob.tracing.retentionDays: -1 is not a number of days (0 keeps every row)
application.yaml: elasticjob.tracing.excludeJobNames: includeJobNames and excludeJobNames are both set; set one
application.yaml: elasticjob.dump.port: 70000 is not a TCP port`
	wantError(t, err, want)
}

// ELASTICJOB_CONFIG names the files, later ones winning; each error names its file.
func TestConfigFilesInOrder(t *testing.T) {
	dir := inTempDir(t, map[string]string{
		"a.yaml":           "elasticjob:\n  jobs:\n    orderSync: {jobParameter: a, description: a}\n",
		"b.yaml":           "elasticjob:\n  jobs:\n    orderSync: {description: b}\n",
		"bad.yaml":         "elasticjob:\n  jobs:\n    orderSync: {misfire: nope}\n",
		"application.yaml": "elasticjob:\n  jobs:\n    orderSync: {description: ignored}\n",
	})
	defs := []starter.JobDefinition{orderSync(nil)}
	t.Setenv(ConfigEnv, "a.yaml, "+filepath.Join(dir, "b.yaml"))
	props, err := load(defs)
	if err != nil {
		t.Fatal(err)
	}
	if j := props.Jobs["orderSync"]; j.JobParameter != "a" || j.Description != "b" {
		t.Fatalf("jobParameter %q, description %q", j.JobParameter, j.Description)
	}
	t.Setenv(ConfigEnv, "a.yaml,bad.yaml,missing.yaml")
	_, err = load(defs)
	want := `bad.yaml: elasticjob.jobs.orderSync.misfire: "nope" is not a bool
missing.yaml: open missing.yaml: no such file or directory`
	wantError(t, err, want)
}

// The timing keys of regCenter reach the starter's configuration: the retry keys pace
// reconnection (internal/reg's backoff) and bound the start-up wait, the grace period bounds
// stopping. A value that is not positive, which the registry would silently read as its
// default, is refused naming the file and the key as written.
func TestRegCenterTimingKeys(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": `elasticjob:
  reg-center:
    base-sleep-time-milliseconds: 2500
    maxSleepTimeMilliseconds: 4000
    maxRetries: 2
    shutdownGracePeriodMilliseconds: 4000
`})
	props, err := load([]starter.JobDefinition{orderSync(nil)})
	if err != nil {
		t.Fatal(err)
	}
	got := props.RegCenter.registryConfig()
	want := starter.RegistryCenterConfig{SessionTimeout: time.Minute, ConnectionTimeout: 15 * time.Second,
		BaseSleepTime: 2500 * time.Millisecond, MaxSleepTime: 4 * time.Second, MaxRetries: 2, ShutdownGracePeriod: 4 * time.Second}
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	inTempDir(t, map[string]string{"application.yaml": `elasticjob:
  regCenter:
    baseSleepTimeMilliseconds: 0
    max-retries: 0
    shutdown-grace-period-milliseconds: -1
`})
	_, err = load([]starter.JobDefinition{orderSync(nil)})
	wantError(t, err, `application.yaml: elasticjob.regCenter.baseSleepTimeMilliseconds: 0 is out of range: want a positive int
application.yaml: elasticjob.regCenter.max-retries: 0 is out of range: want a positive int
application.yaml: elasticjob.regCenter.shutdown-grace-period-milliseconds: -1 is out of range: want a positive int`)
}
