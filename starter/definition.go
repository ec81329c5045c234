package starter

import (
	"time"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/jobtype"
)

// JobsGroup and ListenersGroup are the fx value groups autoconfig.Module consumes.
const (
	JobsGroup      = "elasticjob.jobs"
	ListenersGroup = "elasticjob.listeners"
)

// JobDefinition is a job declared in code — by a //elasticjob:job directive through ejgen's
// generated module, or by hand — handed to autoconfig.Module in the fx value group JobsGroup.
// YAML under elasticjob.jobs.<Name> overrides its settings.
type JobDefinition struct {
	Name string
	// Class names the Go implementation, "import/path.Type" or "import/path.Func": the data of
	// /{job} and what elasticJobClass refers to in YAML.
	Class string
	// Settings are the JobConfiguration keys the directive set, in ElasticJob's spelling
	// ("cron", "shardingTotalCount", "props.streaming.process"), as text
	// (directive.Job.Settings()).
	Settings map[string]string
	// Job is a SimpleJob, or a dataflow job wrapped by Dataflow.
	Job any
}

// ListenerDefinition is a listener declared by //elasticjob:listener (per instance) or
// //elasticjob:distributeonce (once per fire across the cluster), in the value group
// ListenersGroup.
type ListenerDefinition struct {
	Job      string
	Order    int // ascending; unset = math.MaxInt32, as ElasticJob's Integer.MAX_VALUE
	Listener Listener
	// DistributeOnce runs the listener once per fire across the cluster instead of on every
	// instance.
	DistributeOnce   bool
	StartedTimeout   time.Duration // 0 = the default
	CompletedTimeout time.Duration // 0 = the default
}

// DataflowJobValue carries a DataflowJob of any element type in JobDefinition.Job. Only
// Dataflow makes one.
type DataflowJobValue interface {
	// ItemRunner is for the runtime: it runs the job's items, fetching again while
	// streaming() holds and reshardingPending() does not (nil funcs mean false).
	ItemRunner(streaming, reshardingPending func() bool) engine.ItemRunner
	isDataflow()
}

// Dataflow wraps a dataflow job for JobDefinition.Job, keeping its element type.
func Dataflow[T any](j DataflowJob[T]) DataflowJobValue { return dataflowJob[T]{job: j} }

// dataflowJob keeps the typed job so that the runner can be built without reflection.
type dataflowJob[T any] struct{ job DataflowJob[T] }

func (d dataflowJob[T]) ItemRunner(streaming, reshardingPending func() bool) engine.ItemRunner {
	return jobtype.Dataflow(d.job, streaming, reshardingPending)
}

func (dataflowJob[T]) isDataflow() {}
