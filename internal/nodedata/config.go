package nodedata

import (
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// MarshalJobConfig returns the YAML of 3.0.4's JobConfigurationPOJO for c, byte for byte as
// ElasticJob writes it to /{job}/config: SnakeYAML dumpAsMap, keys in alphabetical order,
// null and empty collections omitted, ints and bools always written.
//
// Which empty strings are null follows the Java builder: description, jobParameter and
// shardingItemParameters default to "" and are written as ”; cron, timeZone, label and the
// type names default to null and are omitted when empty. JobExtraConfigurations is written
// verbatim after its key (see UnmarshalJobConfig).
func MarshalJobConfig(c jobapi.JobConfiguration) string {
	e := newEmitter()
	optional := func(key, value string) {
		if value != "" {
			e.key(key)
			e.stringValue(value)
		}
	}
	str := func(key, value string) {
		e.key(key)
		e.stringValue(value)
	}
	boolean := func(key string, value bool) {
		e.key(key)
		e.plainValue(strconv.FormatBool(value))
	}
	integer := func(key string, value int) {
		e.key(key)
		e.plainValue(strconv.Itoa(value))
	}
	optional("cron", c.Cron)
	str("description", c.Description)
	boolean("disabled", c.Disabled)
	boolean("failover", c.Failover)
	optional("jobErrorHandlerType", c.JobErrorHandlerType)
	optional("jobExecutorServiceHandlerType", c.JobExecutorServiceHandlerType)
	if extra := normalizeExtra(c.JobExtraConfigurations); extra != "" {
		e.key("jobExtraConfigurations")
		e.raw(extra)
	}
	if len(c.JobListenerTypes) > 0 {
		e.key("jobListenerTypes")
		e.stringSeq(c.JobListenerTypes)
	}
	str("jobName", c.JobName)
	str("jobParameter", c.JobParameter)
	optional("jobShardingStrategyType", c.JobShardingStrategyType)
	optional("label", c.Label)
	integer("maxTimeDiffSeconds", c.MaxTimeDiffSeconds)
	boolean("misfire", c.Misfire)
	boolean("monitorExecution", c.MonitorExecution)
	boolean("overwrite", c.Overwrite)
	if len(c.Props) > 0 {
		e.key("props")
		e.stringMap(c.Props, propsOrder(c.Props))
	}
	integer("reconcileIntervalMinutes", c.ReconcileIntervalMinutes)
	str("shardingItemParameters", c.ShardingItemParameters)
	integer("shardingTotalCount", c.ShardingTotalCount)
	boolean("staticSharding", c.StaticSharding)
	optional("timeZone", c.TimeZone)
	return e.finish()
}

// normalizeExtra makes the raw jobExtraConfigurations text fit after "jobExtraConfigurations:":
// a block value ("- !!...") goes on the next line, trailing line breaks are dropped.
func normalizeExtra(raw string) string {
	raw = strings.TrimRight(raw, "\n")
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	if raw[0] != ' ' && raw[0] != '\n' {
		raw = "\n" + raw
	}
	return raw
}
