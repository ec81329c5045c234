package jobapi

// JobConfiguration is ElasticJob 3.0.x's JobConfiguration: the values of a job's keys, and
// (through NewJobConfiguration) the builder defaults. The keys' bounds, allowed values and docs
// are internal/jobconf's table; jobconf.Validate checks a configuration.
type JobConfiguration struct {
	JobName                  string
	Cron                     string // Quartz; empty for a one-off job
	TimeZone                 string // GMT+08:00 style or an IANA name; empty = local zone
	ShardingTotalCount       int
	ShardingItemParameters   string // "0=a,1=b"
	JobParameter             string
	MonitorExecution         bool
	Failover                 bool
	Misfire                  bool
	MaxTimeDiffSeconds       int
	ReconcileIntervalMinutes int
	JobShardingStrategyType  string // empty: AVG_ALLOCATION
	// JobExecutorServiceHandlerType is 3.0.4's key; 3.0.5 spells it
	// jobExecutorThreadPoolSizeProviderType. Both are read, 3.0.4's is written.
	JobExecutorServiceHandlerType string // empty: CPU
	JobErrorHandlerType           string // empty: LOG
	JobListenerTypes              []string
	// JobExtraConfigurations is the raw YAML of the jobExtraConfigurations sequence, kept
	// verbatim (it carries Java class tags) so that a rewrite does not lose it.
	JobExtraConfigurations string
	Description            string
	Props                  map[string]string
	Disabled               bool
	Overwrite              bool
	Label                  string
	StaticSharding         bool
}

// NewJobConfiguration returns a configuration with ElasticJob's builder defaults:
// monitorExecution and misfire on, reconcile every 10 minutes, failover off, no clock check.
func NewJobConfiguration(jobName string, shardingTotalCount int) JobConfiguration {
	return JobConfiguration{
		JobName:                  jobName,
		ShardingTotalCount:       shardingTotalCount,
		MonitorExecution:         true,
		Misfire:                  true,
		MaxTimeDiffSeconds:       -1,
		ReconcileIntervalMinutes: 10,
	}
}
