package starter

import "context"

// CheckConfiguration checks cfg as registering a job checks it, before anything is written to
// the registry: every key and the rules between keys (jobconf.Validate: the job name,
// shardingTotalCount, the cron in its time zone, the pool and error-handler types...), the error
// handler's props and, for a job of a JobType (jobType SCRIPT or HTTP; empty for a job
// implemented in Go), the props that say what to run. The lifecycle API refuses a configuration
// update that this refuses: what it writes, a service starts with.
func CheckConfiguration(cfg JobConfiguration, jobType JobType) error {
	var job any = SimpleJobFunc(func(context.Context, ShardingContext) error { return nil })
	if jobType != "" {
		job = jobType
	}
	_, err := jobSpec(job, cfg)
	return err
}
