package autoconfig

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Keys of ElasticJob's Spring Boot starter that mean nothing in Go are refused, in every spelling
// and from every source, with what to do instead: a pasted Spring configuration gets advice,
// not "unknown key".
func TestSpringKeysWithoutMeaningAreRefusedWithAdvice(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": `
elasticjob:
  enabled: true
  jobs:
    orderSync:
      job-bootstrap-bean-name: orderSyncBootstrap
    report:
      elasticJobType: SCRIPT
      props: {script.command.line: /bin/true}
      jobBootstrapBeanName: reportBootstrap
`})
	t.Setenv("ELASTICJOB_ENABLED", "false")
	t.Setenv("ELASTICJOB_JOBS_REPORT_JOB_BOOTSTRAP_BEAN_NAME", "reportBootstrap")
	_, err := load([]starter.JobDefinition{orderSync(map[string]string{"cron": "0 * * * * ?", "jobBootstrapBeanName": "x"})})
	const bean = `not supported: fx has no beans: a one-off job (a job without cron) is run by its name, with (*autoconfig.OneOffJobs).Execute("<job>") (autoconfig.Module provides *autoconfig.OneOffJobs) or from the console; delete the key`
	const enabled = `not supported: there is no switch: to run no jobs, leave autoconfig.Module out of fx.New`
	want := `directive of job "orderSync": jobBootstrapBeanName: ` + bean + `
application.yaml: elasticjob.enabled: ` + enabled + `
application.yaml: elasticjob.jobs.orderSync.job-bootstrap-bean-name: ` + bean + `
application.yaml: elasticjob.jobs.report.jobBootstrapBeanName: ` + bean + `
environment: ELASTICJOB_ENABLED: ` + enabled + `
environment: ELASTICJOB_JOBS_REPORT_JOB_BOOTSTRAP_BEAN_NAME: ` + bean
	wantError(t, err, want)
}

// A refused key is not offered as the fix of a typo: the suggestion is an accepted key.
func TestRefusedKeysAreNotSuggested(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  jobs:\n    orderSync: {jobBootstrapBean: x}\n"})
	_, err := load([]starter.JobDefinition{orderSync(nil)})
	want := `application.yaml: unknown key elasticjob.jobs.orderSync.jobBootstrapBean (known: cron, timeZone, shardingTotalCount, shardingItemParameters, jobParameter, monitorExecution, failover, misfire, maxTimeDiffSeconds, reconcileIntervalMinutes, jobShardingStrategyType, jobExecutorServiceHandlerType, jobErrorHandlerType, jobListenerTypes, description, disabled, overwrite, label, staticSharding, jobClassName, props, elasticJobClass, elasticJobType, jobExecutorThreadPoolSizeProviderType)`
	wantError(t, err, want)
}
