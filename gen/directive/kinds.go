package directive

import (
	"go/token"
	"math"
	"reflect"
	"time"
)

// Directive is one parsed directive: *Job, *Listener or *DistributeOnce.
type Directive interface {
	// Kind is the word after //elasticjob: ("job", "listener", "distributeonce").
	Kind() string
	// Position is where the directive's comment starts.
	Position() token.Position
	// KeyPos is where the value of key was written, or Position when key was not set;
	// the loader uses it to report later errors (e.g. an unknown job) on the right token.
	KeyPos(key string) token.Position
}

// Source records where a directive and each of its values were written.
type Source struct {
	Pos    token.Position
	values map[string]token.Position
}

// Position is where the directive's comment starts.
func (s *Source) Position() token.Position { return s.Pos }

// KeyPos is where the value of key was written, or the directive's position when key was
// not set. Props entries are looked up by their full key, e.g. "props.streaming.process".
func (s *Source) KeyPos(key string) token.Position {
	if p, ok := s.values[key]; ok {
		return p
	}
	return s.Pos
}

// DefaultOrder is the order of a listener without order=: ElasticJob's Integer.MAX_VALUE,
// so that it runs after every listener that has one.
const DefaultOrder = math.MaxInt32

// Job is //elasticjob:job. Keys are ElasticJob 3.0.x JobConfiguration field names; each tag
// names an entry of jobconf.Keys, which gives the key's type, bounds, allowed values, checks
// and doc to the directive as to every other surface.
type Job struct {
	Source `doc:"an ElasticJob job run by the type or func below: Execute makes a simple job, FetchData and ProcessData a dataflow job"`

	Name                          string            `directive:"name,required,hint=jobName,hint=job" format:"jobName" doc:"job name, a ZooKeeper path segment: no /, not . or .., no @-@"`
	Cron                          *string           `directive:"cron"`
	TimeZone                      *string           `directive:"timeZone"`
	ShardingTotalCount            *int              `directive:"shardingTotalCount"`
	ShardingItemParameters        *string           `directive:"shardingItemParameters"`
	JobParameter                  *string           `directive:"jobParameter"`
	MonitorExecution              *bool             `directive:"monitorExecution"`
	Failover                      *bool             `directive:"failover"`
	Misfire                       *bool             `directive:"misfire"`
	MaxTimeDiffSeconds            *int              `directive:"maxTimeDiffSeconds"`
	ReconcileIntervalMinutes      *int              `directive:"reconcileIntervalMinutes"`
	JobShardingStrategyType       *string           `directive:"jobShardingStrategyType"`
	JobExecutorServiceHandlerType *string           `directive:"jobExecutorServiceHandlerType"`
	JobErrorHandlerType           *string           `directive:"jobErrorHandlerType"`
	JobListenerTypes              []string          `directive:"jobListenerTypes"`
	Description                   *string           `directive:"description"`
	Disabled                      *bool             `directive:"disabled"`
	Overwrite                     *bool             `directive:"overwrite"`
	Label                         *string           `directive:"label"`
	StaticSharding                *bool             `directive:"staticSharding"`
	JobClassName                  *string           `directive:"jobClassName"`
	Props                         map[string]string `directive:"props"`
}

// Listener is //elasticjob:listener: a starter.Listener run on every instance.
type Listener struct {
	Source `doc:"a starter.Listener (the type below) run before and after every execution of the job on each instance"`

	Job   string `directive:"job,required,hint=jobName,hint=name" format:"jobName" doc:"name of the job it listens to"`
	Order *int   `directive:"order" doc:"ascending run order among the job's listeners; default: last (Integer.MAX_VALUE)"`
}

// DistributeOnce is //elasticjob:distributeonce: a starter.Listener run once per fire
// across the cluster.
type DistributeOnce struct {
	Source `doc:"a starter.Listener (the type below) run once per fire across the cluster, when every item has started and completed"`

	Job              string         `directive:"job,required,hint=jobName,hint=name" format:"jobName" doc:"name of the job it listens to"`
	StartedTimeout   *time.Duration `directive:"startedTimeout" min:"1ms" doc:"how long an instance waits for every item to start, e.g. 10s"`
	CompletedTimeout *time.Duration `directive:"completedTimeout" min:"1ms" doc:"how long an instance waits for every item to complete, e.g. 1m"`
	Order            *int           `directive:"order" doc:"ascending run order among the job's listeners; default: last (Integer.MAX_VALUE)"`
}

func (*Job) Kind() string            { return "job" }
func (*Listener) Kind() string       { return "listener" }
func (*DistributeOnce) Kind() string { return "distributeonce" }

// EffectiveOrder is Order, or DefaultOrder when order= was not given.
func (l *Listener) EffectiveOrder() int { return orderOr(l.Order) }

// EffectiveOrder is Order, or DefaultOrder when order= was not given.
func (d *DistributeOnce) EffectiveOrder() int { return orderOr(d.Order) }

func orderOr(order *int) int {
	if order == nil {
		return DefaultOrder
	}
	return *order
}

// Settings returns exactly the keys the directive set, spelled as ElasticJob spells them
// and with canonical values (ints in decimal, true/false, lists joined by commas, one
// "props.<key>" entry per prop), for the runtime to merge under defaults and YAML.
// The name is not a setting: it is the key the job is configured under.
func (j *Job) Settings() map[string]string {
	return schemaOf(j).settings(reflect.ValueOf(j).Elem())
}
