package jobapi

// JobConfiguration is ElasticJob 3.0.x's JobConfiguration: the values of a job's keys, and
// (through NewJobConfiguration) the builder defaults. The keys' bounds, allowed values and docs
// are internal/jobconf's table; jobconf.Validate checks a configuration. The JSON field names
// are JobConfigurationPOJO's, as the lifecycle API and its console exchange a configuration.
type JobConfiguration struct {
	JobName                  string `json:"jobName"`
	Cron                     string `json:"cron"`     // Quartz; empty for a one-off job
	TimeZone                 string `json:"timeZone"` // GMT+08:00 style or an IANA name; empty = local zone
	ShardingTotalCount       int    `json:"shardingTotalCount"`
	ShardingItemParameters   string `json:"shardingItemParameters"` // "0=a,1=b"
	JobParameter             string `json:"jobParameter"`
	MonitorExecution         bool   `json:"monitorExecution"`
	Failover                 bool   `json:"failover"`
	Misfire                  bool   `json:"misfire"`
	MaxTimeDiffSeconds       int    `json:"maxTimeDiffSeconds"`
	ReconcileIntervalMinutes int    `json:"reconcileIntervalMinutes"`
	JobShardingStrategyType  string `json:"jobShardingStrategyType"` // empty: AVG_ALLOCATION
	// JobExecutorServiceHandlerType is 3.0.4's key; 3.0.5 spells it
	// jobExecutorThreadPoolSizeProviderType. Both are read, 3.0.4's is written.
	JobExecutorServiceHandlerType string   `json:"jobExecutorServiceHandlerType"` // empty: CPU
	JobErrorHandlerType           string   `json:"jobErrorHandlerType"`           // empty: LOG
	JobListenerTypes              []string `json:"jobListenerTypes"`
	// JobExtraConfigurations is the raw YAML of the jobExtraConfigurations sequence, kept
	// verbatim (it carries Java class tags) so that a rewrite does not lose it.
	JobExtraConfigurations string            `json:"jobExtraConfigurations"`
	Description            string            `json:"description"`
	Props                  map[string]string `json:"props"`
	Disabled               bool              `json:"disabled"`
	Overwrite              bool              `json:"overwrite"`
	Label                  string            `json:"label"`
	StaticSharding         bool              `json:"staticSharding"`
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
