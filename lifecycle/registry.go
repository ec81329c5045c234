package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// The registry reads and writes of every API, with their errors named: a refused digest, a
// lost connection, a context ended.

func (o *Operator) fail(err error) error {
	if errors.Is(err, reg.ErrNoAuth) {
		return fmt.Errorf("lifecycle: %s refused access (wrong or missing digest): %w", o.where, err)
	}
	return fmt.Errorf("lifecycle: %s: %w", o.where, err)
}

// get reads a node; ok is false when it does not exist.
func (o *Operator) get(ctx context.Context, path string) (value string, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	value, err = o.center.Get(path)
	if errors.Is(err, reg.ErrNoNode) {
		return "", false, nil
	}
	if err != nil {
		return "", false, o.fail(err)
	}
	return value, true, nil
}

func (o *Operator) exists(ctx context.Context, path string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := o.center.Exists(path)
	if err != nil {
		return false, o.fail(err)
	}
	return ok, nil
}

// children lists a node's children in Java string order (ascending); none for a missing node.
func (o *Operator) children(ctx context.Context, path string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kids, err := o.center.Children(path)
	if err != nil {
		return nil, o.fail(err)
	}
	slices.SortFunc(kids, javastr.Compare)
	return kids, nil
}

func (o *Operator) persist(ctx context.Context, path, value string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := o.center.Persist(path, value); err != nil {
		return o.fail(err)
	}
	return nil
}

func (o *Operator) remove(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := o.center.Remove(path); err != nil {
		return o.fail(err)
	}
	return nil
}

// config reads /{job}/config; ok is false when the job has none (ElasticJob: no such job).
func (o *Operator) config(ctx context.Context, job string) (cfg JobConfiguration, ok bool, err error) {
	data, ok, err := o.get(ctx, nodepath.Config(job))
	if err != nil || !ok {
		return cfg, false, err
	}
	cfg, err = nodedata.UnmarshalJobConfig(data)
	if err != nil {
		return cfg, false, fmt.Errorf("lifecycle: %s: %w", nodepath.Config(job), err)
	}
	cfg.JobName = job
	return cfg, true, nil
}

// mustConfig is config, with a job without one an ErrNotFound error.
func (o *Operator) mustConfig(ctx context.Context, job string) (JobConfiguration, error) {
	if err := checkJobName(job); err != nil {
		return JobConfiguration{}, err
	}
	cfg, ok, err := o.config(ctx, job)
	if err == nil && !ok {
		err = jobNotFound(job)
	}
	return cfg, err
}

func jobNotFound(job string) error { return fmt.Errorf("lifecycle: job %q: %w", job, ErrNotFound) }

// checkJobName refuses what cannot be a job node name (jobconf's rules), before it reaches a
// path.
func checkJobName(job string) error {
	if problems := jobconf.JobNameProblems(job); len(problems) > 0 {
		return fmt.Errorf("lifecycle: %q: %s", job, problems[0].Msg)
	}
	return nil
}

// jobNames lists the nodes under the namespace root, ElasticJob's jobs (also those without a
// configuration), in Java string order. Without a namespace, ZooKeeper's own /zookeeper is not
// one.
func (o *Operator) jobNames(ctx context.Context) ([]string, error) {
	names, err := o.children(ctx, "/")
	if o.center.Abs("/") == "/" { // no namespace
		names = slices.DeleteFunc(names, func(n string) bool { return n == "zookeeper" })
	}
	return names, err
}

// instanceIPs maps each instance id of the job to the serverIp of its YAML; an instance whose
// YAML cannot be read (gone meanwhile, or foreign) is left out.
func (o *Operator) instanceIPs(ctx context.Context, job string) (map[string]string, []string, error) {
	ids, err := o.children(ctx, nodepath.Instances(job))
	if err != nil {
		return nil, nil, err
	}
	ips := make(map[string]string, len(ids))
	for _, id := range ids {
		data, ok, err := o.get(ctx, nodepath.Instance(job, id))
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		if in, err := nodedata.UnmarshalInstance(data); err == nil {
			ips[id] = in.ServerIP
		}
	}
	return ips, ids, nil
}
