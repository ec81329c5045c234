// Package autoconfig binds ElasticJob's configuration and wires the jobs into a go.uber.org/fx
// application: a service is fx.New(autoconfig.Module, jobs.Module).Run().
//
// Sources, later winning key by key (props entry by props entry):
//
//  1. built-in defaults: ElasticJob's builder defaults for every job (see JobProperties);
//  2. the settings of the //elasticjob:job directives (starter.JobDefinition.Settings);
//  3. application.yaml (else application.yml) in the working directory, or the files named in
//     ELASTICJOB_CONFIG (comma-separated, later files winning); only the elasticjob: tree is
//     read, keys in camelCase or Spring's kebab-case;
//  4. the environment: ELASTICJOB_* variables, matched ignoring case, '-' and '_'
//     (ELASTICJOB_REGCENTER_SERVERLISTS = ELASTICJOB_REG_CENTER_SERVER_LISTS). Job names are
//     matched the same way against the jobs declared in code or files, so
//     ELASTICJOB_JOBS_ORDERSYNC_CRON sets the cron of orderSync (a variable cannot declare a
//     job); ELASTICJOB_JOBS_ORDERSYNC_PROPS_STREAMING_PROCESS sets the prop streaming.process
//     (prop keys are lower-cased, '_' read as '.').
//
// Unknown keys, values of the wrong type, invalid crons and time zones, a job with both
// elasticJobClass and elasticJobType, a YAML job that names no implementation, unknown pool or
// error-handler types and missing props are all reported together when the application is
// built, each naming its file (or "environment", or the directive) and its key path.
//
// elasticjob.http configures the service's HTTP side: Module serves /metrics, /healthz and
// /readyz (and the console with elasticjob.http.console) on elasticjob.http.address, or provides
// them as HTTPHandlers for the service's own server; see HTTPProperties, HTTPHandler and
// HTTPServer.
//
// Event tracing (elasticjob.tracing) is bound here and written by package tracing, whose
// tracing.Module the application adds (configured without it, the application fails to build).
// The dump service (elasticjob.dump: enabled, port, address) runs as in ElasticJob when a port
// is set.
package autoconfig
