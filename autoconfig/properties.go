package autoconfig

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Properties is the bound configuration under the elasticjob: key. Every field binds from its
// camelCase key (the Go field name with a lower-case first letter) or the kebab-case spelling
// of it: regCenter.serverLists and reg-center.server-lists are the same key.
type Properties struct {
	RegCenter RegCenterProperties
	// Jobs holds every job that will run, by name: those declared in code (with YAML and
	// environment overrides applied) and those declared in YAML alone.
	Jobs    map[string]JobProperties
	Tracing TracingProperties
	Dump    DumpProperties
	HTTP    HTTPProperties

	// warnings are what the configuration does that runs but is likely a mistake, for the log.
	warnings []string
}

// RegCenterProperties is elasticjob.regCenter. An empty ServerLists selects the embedded
// in-process registry, which coordinates the jobs of this one process only.
type RegCenterProperties struct {
	ServerLists                   string
	Namespace                     string
	Digest                        string // user:password, ZooKeeper digest authentication
	SessionTimeoutMilliseconds    int    `min:"1"`
	ConnectionTimeoutMilliseconds int    `min:"1"`
	// BaseSleepTimeMilliseconds and MaxSleepTimeMilliseconds pace the rounds of connection
	// attempts while there is no session to keep, as Curator's ExponentialBackoffRetry does;
	// MaxSleepTime × MaxRetries bounds the wait for the first session. None may be 0, which
	// the registry would read as its default.
	BaseSleepTimeMilliseconds int `min:"1"`
	MaxSleepTimeMilliseconds  int `min:"1"`
	MaxRetries                int `min:"1"`
	// ShutdownGracePeriodMilliseconds is how long stopping waits for running items before it
	// cancels their ctx (see starter.RegistryCenterConfig.ShutdownGracePeriod); it must stay
	// inside fx's stop timeout (fx.StopTimeout, 15 s by default) minus 2 s.
	ShutdownGracePeriodMilliseconds int `min:"1"`
}

// JobProperties is elasticjob.jobs.<name>: every key of ElasticJob 3.0.x's JobConfiguration
// plus the Spring Boot starter's elasticJobClass and elasticJobType (its jobBootstrapBeanName is
// refused: see refusedJobKeys).
// The keys, their bounds, allowed values and docs are internal/jobconf's table (Keys); each has
// its field here, of the same name.
//
// Unset keys take ElasticJob's builder defaults (monitorExecution=true, misfire=true,
// reconcileIntervalMinutes=10, failover=false, maxTimeDiffSeconds=-1) however the job is
// declared. This differs on purpose from ElasticJob's Spring Boot starter, whose YAML jobs get
// monitorExecution=false, misfire=false and reconcileIntervalMinutes=0: a job behaves the same
// whether a directive or YAML declares it. shardingTotalCount, which the builder requires,
// defaults to 1.
type JobProperties struct {
	// ElasticJobClass names the Go implementation ("import/path.Type", as JobDefinition.Class):
	// a job declared in YAML alone with the class of a job declared in code is a second job
	// running the same implementation. For a job declared in code it is that job's class.
	ElasticJobClass string
	// ElasticJobType makes a job from configuration alone: SCRIPT or HTTP.
	ElasticJobType           string
	Cron                     string // empty: a one-off job, run when triggered
	TimeZone                 string
	ShardingTotalCount       int
	ShardingItemParameters   string
	JobParameter             string
	MonitorExecution         bool
	Failover                 bool
	Misfire                  bool
	MaxTimeDiffSeconds       int
	ReconcileIntervalMinutes int
	JobShardingStrategyType  string
	// JobExecutorServiceHandlerType is ElasticJob 3.0.4's key; 3.0.5 renamed it
	// JobExecutorThreadPoolSizeProviderType. Either may be set (both only with the same value).
	JobExecutorServiceHandlerType         string
	JobExecutorThreadPoolSizeProviderType string
	JobErrorHandlerType                   string
	JobListenerTypes                      []string
	Description                           string
	Props                                 map[string]string
	Disabled                              bool
	Overwrite                             bool
	Label                                 string
	StaticSharding                        bool
	// JobClassName is the class recorded in and checked against /{job} (ElasticJob's job class
	// name); empty: the implementation's, "import/path.Type" (or SCRIPT/HTTP). Set to the Java
	// class name, Go and ElasticJob instances share the job.
	JobClassName string
}

// TracingProperties is elasticjob.tracing: ElasticJob's event tracing to a database, written by
// package tracing (add tracing.Module to the application).
type TracingProperties struct {
	Type string // RDB, the only tracing type of ElasticJob
	// DataSource is the database (Spring's data-source keys); without a URL, the application's
	// own *sql.DB from the fx graph is used, as ElasticJob's Spring starter uses its DataSource.
	DataSource      TracingDataSourceProperties
	IncludeJobNames []string
	ExcludeJobNames []string
	// RetentionDays deletes rows older than that many days (0: keep every row, as ElasticJob).
	RetentionDays int
}

// TracingDataSourceProperties is elasticjob.tracing.dataSource.
type TracingDataSourceProperties struct {
	URL             string // jdbc:postgresql://…, jdbc:mysql://…, jdbc:mariadb://…, jdbc:sqlite:PATH
	Username        string
	Password        string // never logged
	DriverClassName string // optional; checked against the URL
}

// DumpProperties is elasticjob.dump: ElasticJob's dump service, which answers
// "dump@{job}" over TCP with the job's registry subtree as this process sees it (its cache
// compared with ZooKeeper, IPv4 addresses masked). As in ElasticJob it runs when enabled (the
// default) and a port is set.
type DumpProperties struct {
	Enabled bool // default true
	Port    int  // 1..65535; unset (0): no dump service
	// Address is the host or IP the service listens on; empty (the default, as ElasticJob):
	// every interface. The service has no authentication: bind it to 127.0.0.1 or an
	// operations network where every interface is too wide.
	Address string
}

// listening says whether the dump service runs.
func (d DumpProperties) listening() bool { return d.Enabled && d.Port != 0 }

// HTTPProperties is elasticjob.http: the service's HTTP server, serving /metrics, /healthz,
// /readyz and, with Console, the web console at /. Without an Address there is no server; the
// same handlers are provided to the fx graph (HTTPHandlers) for a service to mount on its own.
type HTTPProperties struct {
	Address string // host:port to listen on ("127.0.0.1:8080", ":8080"); port 0 picks a free one
	Console bool   // serve the web console at /
	Auth    HTTPAuthProperties
}

// HTTPAuthProperties is elasticjob.http.auth: the console's accounts, Username/Password with
// full access and GuestUsername/GuestPassword read-only. The console on a non-loopback address
// requires Username and Password.
type HTTPAuthProperties struct {
	Username      string
	Password      string
	GuestUsername string
	GuestPassword string
}

// String shows the accounts without their passwords, so that printing the properties leaks none.
func (a HTTPAuthProperties) String() string {
	hidden := func(s string) string {
		if s == "" {
			return ""
		}
		return "******"
	}
	return fmt.Sprintf("{Username:%s Password:%s GuestUsername:%s GuestPassword:%s}",
		a.Username, hidden(a.Password), a.GuestUsername, hidden(a.GuestPassword))
}

// LogValue is String for log/slog.
func (a HTTPAuthProperties) LogValue() slog.Value { return slog.StringValue(a.String()) }

// defaultJob is what a job starts from before directive, YAML and environment values.
func defaultJob(name string) JobProperties {
	b := starter.NewJobConfiguration(name, 1)
	return JobProperties{
		ShardingTotalCount:       b.ShardingTotalCount,
		MonitorExecution:         b.MonitorExecution,
		Failover:                 b.Failover,
		Misfire:                  b.Misfire,
		MaxTimeDiffSeconds:       b.MaxTimeDiffSeconds,
		ReconcileIntervalMinutes: b.ReconcileIntervalMinutes,
		Props:                    map[string]string{},
	}
}

// defaultDump is ElasticJob's: enabled, no port.
func defaultDump() DumpProperties { return DumpProperties{Enabled: true} }

// defaultRegCenter is ElasticJob's ZookeeperConfiguration defaults.
func defaultRegCenter() RegCenterProperties {
	return RegCenterProperties{
		SessionTimeoutMilliseconds:      60000,
		ConnectionTimeoutMilliseconds:   15000,
		BaseSleepTimeMilliseconds:       1000,
		MaxSleepTimeMilliseconds:        3000,
		MaxRetries:                      3,
		ShutdownGracePeriodMilliseconds: 10000,
	}
}

// Configuration is the job's starter.JobConfiguration.
func (p JobProperties) Configuration(name string) starter.JobConfiguration {
	handler := p.JobExecutorServiceHandlerType
	if handler == "" {
		handler = p.JobExecutorThreadPoolSizeProviderType
	}
	props := make(map[string]string, len(p.Props))
	for k, v := range p.Props {
		props[k] = v
	}
	return starter.JobConfiguration{
		JobName:                       name,
		Cron:                          p.Cron,
		TimeZone:                      p.TimeZone,
		ShardingTotalCount:            p.ShardingTotalCount,
		ShardingItemParameters:        p.ShardingItemParameters,
		JobParameter:                  p.JobParameter,
		MonitorExecution:              p.MonitorExecution,
		Failover:                      p.Failover,
		Misfire:                       p.Misfire,
		MaxTimeDiffSeconds:            p.MaxTimeDiffSeconds,
		ReconcileIntervalMinutes:      p.ReconcileIntervalMinutes,
		JobShardingStrategyType:       p.JobShardingStrategyType,
		JobExecutorServiceHandlerType: handler,
		JobErrorHandlerType:           p.JobErrorHandlerType,
		JobListenerTypes:              append([]string(nil), p.JobListenerTypes...),
		Description:                   p.Description,
		Props:                         props,
		Disabled:                      p.Disabled,
		Overwrite:                     p.Overwrite,
		Label:                         p.Label,
		StaticSharding:                p.StaticSharding,
	}
}

// registryConfig is the regCenter section as the starter takes it.
func (p RegCenterProperties) registryConfig() starter.RegistryCenterConfig {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	return starter.RegistryCenterConfig{
		ServerLists:         p.ServerLists,
		Namespace:           p.Namespace,
		Digest:              p.Digest,
		SessionTimeout:      ms(p.SessionTimeoutMilliseconds),
		ConnectionTimeout:   ms(p.ConnectionTimeoutMilliseconds),
		BaseSleepTime:       ms(p.BaseSleepTimeMilliseconds),
		MaxSleepTime:        ms(p.MaxSleepTimeMilliseconds),
		MaxRetries:          p.MaxRetries,
		ShutdownGracePeriod: ms(p.ShutdownGracePeriodMilliseconds),
	}
}
