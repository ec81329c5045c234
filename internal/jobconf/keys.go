// Package jobconf is the one schema of a job's configuration: every key with its type, bounds,
// allowed values, default and doc (Keys), the checks of one value (Key.Check) and of a whole
// effective configuration (Validate), and the comparison of two configurations (Diff).
//
// Every surface that reads a job's keys uses it: ejgen's directive parser (gen/directive),
// autoconfig's YAML and environment binding, the lifecycle API's configuration update and the
// engine's reading of /{job}/config. It imports nothing that runs jobs, so that the generator
// can link it.
package jobconf

import (
	"slices"
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// Type is what a key's value is.
type Type int

const (
	String Type = iota
	Int
	Bool
	List  // a list of strings; text form: comma-separated
	Props // a map of strings: one entry per props.<key>
)

func (t Type) String() string { return [...]string{"string", "int", "bool", "list", "map"}[t] }

// Surface is a set of places where a key may be written.
type Surface uint8

const (
	// Directive: an //elasticjob:job directive.
	Directive Surface = 1 << iota
	// File: a YAML file or the environment (autoconfig).
	File
	// Stored: /{job}/config in the registry, as ElasticJob's JobConfigurationPOJO.
	Stored

	everywhere = Directive | File | Stored
)

// Key is one key of a job's configuration.
type Key struct {
	Name    string   // as ElasticJob spells it
	Type    Type     //
	Min     *int     // lower bound of an Int
	Enum    []string // allowed values of a String; "" (unset) always means the default
	Default string   // the value an unset key takes, as text; "" when it is empty
	Doc     string   // one line, for help, the README and docs/configuration.md
	// Hints are other spellings users try, for did-you-mean on unknown keys.
	Hints []string
	// AllowEmpty: "" is a meaningful value the directive must let users write.
	AllowEmpty bool
	In         Surface
	// get is the key's value in a configuration, as text (nil: the key is not part of
	// JobConfiguration, e.g. elasticJobType, which only autoconfig reads).
	get func(c *jobapi.JobConfiguration) string
	// format checks what type and bounds cannot express.
	format func(value string) []Problem
}

// Sharding strategies, error handler types and item pool types a Go instance runs.
var (
	ShardingStrategies = []string{"AVG_ALLOCATION", "ODEVITY", "ROUND_ROBIN", "SINGLE_SHARDING_BALANCE"}
	ErrorHandlerTypes  = []string{"LOG", "THROW", "IGNORE", "EMAIL", "WECHAT", "DINGTALK"}
	PoolTypes          = []string{"CPU", "SINGLE_THREAD"}
	JobTypes           = []string{"SCRIPT", "HTTP"}
)

func intp(n int) *int { return &n }

// Keys is every key of a job's configuration, in the order the references list them.
var Keys = []*Key{
	{Name: "cron", Type: String, In: everywhere,
		Doc:    "Quartz cron expression: sec min hour day-of-month month day-of-week [year]; empty: a one-off job, run when triggered",
		get:    func(c *jobapi.JobConfiguration) string { return c.Cron },
		format: cronProblems},
	{Name: "timeZone", Type: String, In: everywhere,
		Doc:    "time zone of the cron expression, GMT+08:00 or an IANA name; default: the local zone",
		get:    func(c *jobapi.JobConfiguration) string { return c.TimeZone },
		format: zoneProblems},
	{Name: "shardingTotalCount", Type: Int, Min: intp(1), Default: "1", In: everywhere,
		Doc: "number of sharding items",
		get: func(c *jobapi.JobConfiguration) string { return strconv.Itoa(c.ShardingTotalCount) }},
	{Name: "shardingItemParameters", Type: String, AllowEmpty: true, In: everywhere,
		Doc:    "parameter of each item, e.g. 0=A,1=B; items are 0..shardingTotalCount-1",
		get:    func(c *jobapi.JobConfiguration) string { return c.ShardingItemParameters },
		format: itemParameterProblems},
	{Name: "jobParameter", Type: String, AllowEmpty: true, In: everywhere,
		Doc: "free text passed to every item",
		get: func(c *jobapi.JobConfiguration) string { return c.JobParameter }},
	{Name: "monitorExecution", Type: Bool, Default: "true", In: everywhere,
		Doc: "record running items in ZooKeeper and skip items still running",
		get: func(c *jobapi.JobConfiguration) string { return strconv.FormatBool(c.MonitorExecution) }},
	{Name: "failover", Type: Bool, Default: "false", In: everywhere,
		Doc: "rerun the items of a crashed instance on a live one",
		get: func(c *jobapi.JobConfiguration) string { return strconv.FormatBool(c.Failover) }},
	{Name: "misfire", Type: Bool, Default: "true", In: everywhere,
		Doc: "run once more for fires missed while the job was running",
		get: func(c *jobapi.JobConfiguration) string { return strconv.FormatBool(c.Misfire) }},
	{Name: "maxTimeDiffSeconds", Type: Int, Min: intp(-1), Default: "-1", In: everywhere,
		Doc: "largest clock difference to ZooKeeper in seconds; -1 disables the check",
		get: func(c *jobapi.JobConfiguration) string { return strconv.Itoa(c.MaxTimeDiffSeconds) }},
	{Name: "reconcileIntervalMinutes", Type: Int, Min: intp(0), Default: "10", In: everywhere,
		Doc: "minutes between resharding reconciles; 0 disables them",
		get: func(c *jobapi.JobConfiguration) string { return strconv.Itoa(c.ReconcileIntervalMinutes) }},
	{Name: "jobShardingStrategyType", Type: String, Enum: ShardingStrategies, Default: "AVG_ALLOCATION", In: everywhere,
		Doc: "how items are spread over the instances",
		get: func(c *jobapi.JobConfiguration) string { return c.JobShardingStrategyType }},
	{Name: "jobExecutorServiceHandlerType", Type: String, Enum: PoolTypes, Default: "CPU", In: everywhere,
		Doc: "item pool: CPU runs up to 2 x GOMAXPROCS items of a run at once, SINGLE_THREAD one",
		get: func(c *jobapi.JobConfiguration) string { return c.JobExecutorServiceHandlerType }},
	{Name: "jobErrorHandlerType", Type: String, Enum: ErrorHandlerTypes, Default: "LOG", In: everywhere,
		Doc: "what a failed item does: LOG it, THROW (fail the run), IGNORE, or send EMAIL, WECHAT or DINGTALK (props)",
		get: func(c *jobapi.JobConfiguration) string { return c.JobErrorHandlerType }},
	{Name: "jobListenerTypes", Type: List, In: everywhere,
		Doc: "ElasticJob listener types, comma-separated, written to /{job}/config for Java instances; Go listeners come from the listener and distributeonce directives",
		get: func(c *jobapi.JobConfiguration) string { return strings.Join(c.JobListenerTypes, ",") }},
	{Name: "description", Type: String, AllowEmpty: true, In: everywhere,
		Doc: "free text shown by the console",
		get: func(c *jobapi.JobConfiguration) string { return c.Description }},
	{Name: "disabled", Type: Bool, Default: "false", In: everywhere,
		Doc: "start with this instance's server disabled",
		get: func(c *jobapi.JobConfiguration) string { return strconv.FormatBool(c.Disabled) }},
	{Name: "overwrite", Type: Bool, Default: "false", In: everywhere,
		Doc: "this configuration replaces the one in ZooKeeper at start-up",
		get: func(c *jobapi.JobConfiguration) string { return strconv.FormatBool(c.Overwrite) }},
	{Name: "label", Type: String, In: everywhere,
		Doc: "written to /{job}/config, where ElasticJob's JobInstanceRegistry (Java instances) acts on it; Go instances create no jobs from it",
		get: func(c *jobapi.JobConfiguration) string { return c.Label }},
	{Name: "staticSharding", Type: Bool, Default: "false", In: everywhere,
		Doc: "never reshard once sharding exists",
		get: func(c *jobapi.JobConfiguration) string { return strconv.FormatBool(c.StaticSharding) }},
	{Name: "jobClassName", Type: String, In: Directive | File,
		Doc: "class recorded in and checked against ZooKeeper's /{job} node (empty: the Go import/path.Type); the Java class name lets Go and ElasticJob instances share the job"},
	{Name: "props", Type: Props, AllowEmpty: true, In: everywhere,
		Doc: "one entry of props, e.g. props.streaming.process=true for a streaming dataflow job",
		get: func(c *jobapi.JobConfiguration) string { return propsText(c.Props) }},
	{Name: "elasticJobClass", Type: String, In: File,
		Doc: "the Go implementation (import/path.Type) of a job declared in YAML alone: a second job running the code of a job declared in code"},
	{Name: "elasticJobType", Type: String, Enum: JobTypes, In: File,
		Doc: "makes a job from configuration alone: SCRIPT (props.script.command.line) or HTTP (props.http.*)"},
	{Name: "jobExecutorThreadPoolSizeProviderType", Type: String, Enum: PoolTypes, In: File,
		Doc: "ElasticJob 3.0.5's name of jobExecutorServiceHandlerType; both only with the same value"},
}

// Lookup returns the key named name (exactly), or nil.
func Lookup(name string) *Key {
	for _, k := range Keys {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// KeysIn returns the keys that may be written in s, in table order.
func KeysIn(s Surface) []*Key {
	var keys []*Key
	for _, k := range Keys {
		if k.In&s != 0 {
			keys = append(keys, k)
		}
	}
	return keys
}

// Value is the key's value in c as text (lists joined by commas, props as k=v pairs in key
// order), or "" for a key JobConfiguration does not hold.
func (k *Key) Value(c *jobapi.JobConfiguration) string {
	if k.get == nil {
		return ""
	}
	return k.get(c)
}

// Want describes the allowed values, for errors: "want one of CPU, SINGLE_THREAD".
func (k *Key) Want() string {
	switch {
	case len(k.Enum) > 0:
		return "want one of " + strings.Join(k.Enum, ", ")
	case k.Type == Bool:
		return "want true or false"
	case k.Type == List:
		return "want a comma-separated list"
	case k.Type != Int:
		return "want a non-empty string"
	case k.Min == nil:
		return "want an int"
	case *k.Min == 1:
		return "want a positive int"
	case *k.Min == 0:
		return "want a non-negative int"
	}
	return "want an int >= " + strconv.Itoa(*k.Min)
}

// Describe is the type column of the references: "int >= 0", "CPU|SINGLE_THREAD", ...
func (k *Key) Describe() string {
	switch {
	case len(k.Enum) > 0:
		return strings.Join(k.Enum, "|")
	case k.Type == Int && k.Min != nil && *k.Min == 1:
		return "int > 0"
	case k.Type == Int && k.Min != nil:
		return "int >= " + strconv.Itoa(*k.Min)
	case k.Type == Props:
		return "string"
	}
	return k.Type.String()
}

// Check checks one value of the key given as text (an int in decimal, a bool as true or
// false): its bounds, allowed values and format. It does not check the type: each surface
// decodes its own syntax first. An empty value means "unset" and passes.
func (k *Key) Check(value string) []Problem {
	if value == "" {
		return nil
	}
	switch {
	case k.Type == Int && k.Min != nil:
		if n, err := strconv.Atoi(value); err == nil && n < *k.Min {
			return []Problem{k.whole("%d is out of range: %s", n, k.Want())}
		}
	case len(k.Enum) > 0 && !slices.Contains(k.Enum, value):
		return []Problem{k.whole("%q is not allowed: %s%s", value, k.Want(), DidYouMean(SuggestValue(value, k.Enum)))}
	case k.format != nil:
		problems := k.format(value)
		for i := range problems {
			problems[i].Key = k.Name
		}
		return problems
	}
	return nil
}

// propsText renders props in key order as k=v pairs, for Diff.
func propsText(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + props[k])
	}
	return b.String()
}
