// Package lifecycle operates an elasticjob-go (or ElasticJob-Lite 3.0.x) cluster through its
// registry: the Go form of ElasticJob's lifecycle API, which its console is built on.
//
// One Operator offers what ElasticJob splits into six interfaces, with their semantics:
//
//   - job statistics (JobStatisticsAPI): Jobs, Job, JobsOnServer, JobsTotalCount (and
//     JobWithConfig: Job and Config from one reading of the config node);
//   - server statistics (ServerStatisticsAPI): Servers, ServersTotalCount;
//   - sharding statistics (ShardingStatisticsAPI): Sharding;
//   - job operations (JobOperateAPI): Trigger, Disable, Enable, Shutdown, Remove, each by job,
//     by server IP or both; instances are matched to a server by the serverIp of their
//     instance YAML;
//   - sharding operations (ShardingOperateAPI): DisableItem, EnableItem;
//   - configuration (JobConfigurationAPI): Config, UpdateConfig, RemoveConfig.
//
// It reads and writes the same nodes, with the same data, as ElasticJob does, so a Java 3.0.4
// instance of a job obeys it too. Unlike ElasticJob's helpers, which swallow a missing node or
// a lost connection, every method returns its error: a job, server or item that does not exist
// is ErrNotFound (and nothing is written), a registry that cannot be reached is an error naming
// it. Every operation that changes the registry is logged (who, what, which job and server)
// at level INFO.
//
// Beyond ElasticJob: the next fire time of each job (JobBriefInfo.NextFireTime), the fire last
// started on each item (ShardingInfo.LastFireStarted, recorded with monitorExecution and misfire on), and a
// trigger that runs the job once with a one-off job parameter (TriggerWithParameter), which Go
// instances honour and Java instances run with their own parameter.
//
// Open connects its own registry client, without job caches, one per process and per
// registry (later Opens share it); New operates on a running service's registry center, the
// embedded one included.
package lifecycle
