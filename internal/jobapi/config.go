package jobapi

// JobConfiguration is ElasticJob 3.0.x's JobConfiguration: the keys, their meaning and (through
// NewJobConfiguration) the builder defaults.
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
	JobShardingStrategyType  string // AVG_ALLOCATION (empty), ODEVITY, ROUND_ROBIN or a registered custom one
	// JobExecutorServiceHandlerType is 3.0.4's key; 3.0.5 spells it
	// jobExecutorThreadPoolSizeProviderType. Both are read, 3.0.4's is written.
	JobExecutorServiceHandlerType string // CPU (empty) or SINGLE_THREAD
	JobErrorHandlerType           string // LOG (empty), THROW, IGNORE, EMAIL, WECHAT, DINGTALK
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
