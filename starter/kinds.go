package starter

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/errorhandler"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/jobtype"
)

// JobType is a job kind that ElasticJob runs from configuration alone (its "typed" jobs, the
// type-string constructors of the bootstraps): the job's props say what to run.
type JobType string

const (
	// Script runs props script.command.line, without a shell, once per item with the item's
	// ShardingContext JSON appended as the last argument.
	Script JobType = "SCRIPT"
	// HTTP sends props http.method to props http.uri once per item, with the item's
	// ShardingContext JSON in the shardingContext header.
	HTTP JobType = "HTTP"
)

// jobSpec turns any job kind the bootstraps accept into the engine's spec: a SimpleJob, a
// dataflow job wrapped by Dataflow, or a JobType. It also checks what ElasticJob checks when it
// builds the executor: the item pool type and the error handler with its props.
func jobSpec(job any, cfg JobConfiguration) (engine.Spec, error) {
	spec := engine.Spec{Config: cfg}
	switch j := job.(type) {
	case nil:
		return spec, fmt.Errorf("starter: job %q: nil job", cfg.JobName)
	case JobType:
		runner, err := typedRunner(j, cfg)
		if err != nil {
			return spec, err
		}
		spec.ClassName, spec.Runner = string(j), runner
	case DataflowJobValue:
		spec.ClassName = className(job)
		// props streaming.process is read from the configuration in effect at every fetch.
		spec.NewRunner = func(ej *engine.Job) engine.ItemRunner {
			streaming := func() bool { return strings.EqualFold(ej.Config().Props["streaming.process"], "true") }
			return j.ItemRunner(streaming, ej.ReshardingPending)
		}
	case SimpleJob:
		spec.ClassName, spec.Runner = className(job), engine.SimpleRunner{Job: j}
	default:
		return spec, fmt.Errorf("starter: job %q: %T is neither a SimpleJob nor a dataflow job (starter.Dataflow)", cfg.JobName, job)
	}
	if problems := jobconf.Errors(jobconf.Validate(cfg)); len(problems) > 0 {
		return spec, fmt.Errorf("starter: job %q: %s", cfg.JobName, jobconf.Summary(problems))
	}
	handle, err := newErrorHandler(cfg)
	if err != nil {
		return spec, err
	}
	spec.ErrorHandler = handle
	return spec, nil
}

func typedRunner(t JobType, cfg JobConfiguration) (engine.ItemRunner, error) {
	var runner engine.ItemRunner
	var err error
	switch t {
	case Script:
		runner, err = jobtype.Script(cfg.Props)
	case HTTP:
		runner, err = jobtype.HTTP(cfg.Props)
	default:
		return nil, fmt.Errorf("starter: job %q: job type %q: want SCRIPT or HTTP", cfg.JobName, string(t))
	}
	if err != nil {
		return nil, fmt.Errorf("starter: job %q: %s job: %w", cfg.JobName, t, err)
	}
	return runner, nil
}

// newErrorHandler builds jobErrorHandlerType from the props. THROW's error stops the run; the
// engine logs it, as Quartz does in ElasticJob.
func newErrorHandler(cfg JobConfiguration) (func(string, error) error, error) {
	typ := cfg.JobErrorHandlerType
	if typ == "" {
		typ = errorhandler.DefaultType
	}
	h, err := errorhandler.New(typ, cfg.Props, slog.Default()) // typ is valid: jobSpec validated it
	if err != nil {
		return nil, fmt.Errorf("starter: job %q: jobErrorHandlerType %s: %w", cfg.JobName, typ, err)
	}
	return h.Handle, nil
}
