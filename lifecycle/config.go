package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/starter"
)

// The job configuration: ElasticJob's JobConfigurationAPI.

// Config is the job's configuration as /{job}/config holds it; ErrNotFound without one.
func (o *Operator) Config(ctx context.Context, job string) (JobConfiguration, error) {
	return o.mustConfig(ctx, job)
}

// UpdateConfig replaces the configuration of an existing job (ErrNotFound otherwise) with cfg,
// after checking it as a service checks a job's configuration at start-up: what a service
// would refuse to start with is refused here, and nothing is written. Running instances apply
// it at once (a new cron reschedules, a new shardingTotalCount reshards at the next fire).
func (o *Operator) UpdateConfig(ctx context.Context, cfg JobConfiguration) error {
	if cfg.JobName == "" {
		return errors.New("lifecycle: jobName is empty")
	}
	if _, err := o.mustConfig(ctx, cfg.JobName); err != nil {
		return err
	}
	class, _, err := o.get(ctx, nodepath.Job(cfg.JobName))
	if err != nil {
		return err
	}
	if err := validate(cfg, class); err != nil {
		return fmt.Errorf("lifecycle: configuration refused: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := o.center.Update(nodepath.Config(cfg.JobName), nodedata.MarshalJobConfig(cfg)); err != nil {
		return o.fail(err)
	}
	o.audit("update-config", cfg.JobName, "")
	return nil
}

// validate is the one check of a configuration update: the start-up's (see
// starter.CheckConfiguration). class is the data of /{job}: SCRIPT and HTTP jobs have their
// props checked too.
func validate(cfg JobConfiguration, class string) error {
	var typ starter.JobType
	if t := starter.JobType(strings.TrimSpace(class)); t == starter.Script || t == starter.HTTP {
		typ = t
	}
	return starter.CheckConfiguration(cfg, typ)
}

// RemoveConfig deletes the job from the registry: /{job} and everything under it, as
// ElasticJob's removeJobConfiguration. Unlike it, a job with instances online is refused (shut
// it down first): they would go on running a job the registry no longer has.
func (o *Operator) RemoveConfig(ctx context.Context, job string) error {
	if err := checkJobName(job); err != nil {
		return err
	}
	ok, err := o.exists(ctx, nodepath.Job(job))
	if err != nil {
		return err
	}
	if !ok {
		return jobNotFound(job)
	}
	instances, err := o.children(ctx, nodepath.Instances(job))
	if err != nil {
		return err
	}
	if len(instances) > 0 {
		return fmt.Errorf("lifecycle: job %q has %d instance(s) online: shut it down before removing it", job, len(instances))
	}
	if err := o.remove(ctx, nodepath.Job(job)); err != nil {
		return err
	}
	o.audit("remove-config", job, "")
	return nil
}

// ParseConfig reads a configuration a person wrote, in the YAML /{job}/config holds (what
// FormatConfig and ejctl config get print). Unlike the registry's lenient reader it refuses a
// key that is not a configuration key; errors start with name (a file name, say).
func ParseConfig(name string, data []byte) (JobConfiguration, error) {
	if err := nodedata.CheckJobConfigKeys(string(data)); err != nil {
		return JobConfiguration{}, prefixLines(name, err)
	}
	cfg, err := nodedata.UnmarshalJobConfig(string(data))
	if err != nil {
		return JobConfiguration{}, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// FormatConfig is the YAML of cfg, byte for byte as ElasticJob writes /{job}/config.
func FormatConfig(cfg JobConfiguration) string { return nodedata.MarshalJobConfig(cfg) }

// prefixLines puts name before each line of a joined error: "file:line 3: ...".
func prefixLines(name string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "line "); ok {
			lines[i] = name + ":" + rest
		} else {
			lines[i] = name + ": " + l
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}
