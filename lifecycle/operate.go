package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// The job operations: ElasticJob's JobOperateAPI. Disable, Enable, Shutdown and Remove take a
// job, a server IP, or both: the job on every server, every job on the server, or the job on
// that server. A named job must have a configuration, a named server a servers/{ip} node (in
// the job, or in some job); otherwise the error wraps ErrNotFound and nothing is written.

// ErrNoTarget is returned when neither a job nor a server IP is given.
var ErrNoTarget = errors.New("lifecycle: give a job name, a server IP or both")

// Trigger asks every instance of the job online now to run it once, at once, as ElasticJob's
// trigger does: trigger/ is recreated with one child per instance. ErrNoInstance when none is
// online.
func (o *Operator) Trigger(ctx context.Context, job string) error {
	return o.trigger(ctx, job, "", false)
}

// TriggerWithParameter is Trigger with a one-off job parameter: the run it causes sees
// parameter as ShardingContext.JobParameter instead of the configured one. The parameter
// travels in the data of the trigger/{instance} nodes, which ElasticJob writes empty and never
// reads: a Java instance of the job runs the trigger with its own parameter.
func (o *Operator) TriggerWithParameter(ctx context.Context, job, parameter string) error {
	return o.trigger(ctx, job, parameter, true)
}

func (o *Operator) trigger(ctx context.Context, job, parameter string, withParameter bool) error {
	if _, err := o.mustConfig(ctx, job); err != nil {
		return err
	}
	instances, err := o.children(ctx, nodepath.Instances(job))
	if err != nil {
		return err
	}
	if len(instances) == 0 {
		return fmt.Errorf("lifecycle: job %q: %w to run a trigger", job, ErrNoInstance)
	}
	data := ""
	if withParameter {
		data = nodedata.MarshalTrigger(parameter)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := engine.WriteTriggers(o.center, job, data)
	if err != nil {
		return o.fail(err)
	}
	if withParameter {
		o.audit("trigger", job, "", "instances", n, "jobParameter", parameter)
	} else {
		o.audit("trigger", job, "", "instances", n)
	}
	return nil
}

// Disable disables the job on servers (servers/{ip} = DISABLED): their instances get no items
// at the next resharding and give up leadership.
func (o *Operator) Disable(ctx context.Context, job, serverIP string) error {
	return o.setServers(ctx, "disable", job, serverIP, nodedata.ServerDisabled)
}

// Enable enables the job on servers again (servers/{ip} = ENABLED).
func (o *Operator) Enable(ctx context.Context, job, serverIP string) error {
	return o.setServers(ctx, "enable", job, serverIP, nodedata.ServerEnabled)
}

func (o *Operator) setServers(ctx context.Context, action, job, serverIP, value string) error {
	targets, err := o.serverTargets(ctx, job, serverIP)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if err := o.persist(ctx, nodepath.Server(t.job, t.ip), value); err != nil {
			return err
		}
		o.audit(action, t.job, t.ip)
	}
	return nil
}

// Shutdown stops the job on instances: their instance nodes are deleted, on which an instance
// stops that job (its other jobs go on) and runs it no more until it restarts; with failover
// on, the others take over its items.
func (o *Operator) Shutdown(ctx context.Context, job, serverIP string) error {
	targets, err := o.serverTargets(ctx, job, serverIP)
	if err != nil {
		return err
	}
	return o.shutdown(ctx, job, serverIP, targets)
}

// Remove is Shutdown followed by the deletion of the servers' nodes of the job: what is left
// of a server once its instances have gone.
func (o *Operator) Remove(ctx context.Context, job, serverIP string) error {
	targets, err := o.serverTargets(ctx, job, serverIP)
	if err != nil {
		return err
	}
	if err := o.shutdown(ctx, job, serverIP, targets); err != nil {
		return err
	}
	for _, t := range targets {
		if err := o.remove(ctx, nodepath.Server(t.job, t.ip)); err != nil {
			return err
		}
		o.audit("remove", t.job, t.ip)
	}
	return nil
}

func (o *Operator) shutdown(ctx context.Context, job, serverIP string, targets []target) error {
	jobs := []string{job}
	if job == "" {
		jobs = nil
		for _, t := range targets {
			jobs = append(jobs, t.job)
		}
	}
	for _, j := range jobs {
		ips, ids, err := o.instanceIPs(ctx, j)
		if err != nil {
			return err
		}
		for _, id := range ids { // in order: the audit lines too
			ip, ok := ips[id] // the job alone: every instance, its YAML readable or not
			if serverIP != "" && (!ok || ip != serverIP) {
				continue
			}
			if err := o.remove(ctx, nodepath.Instance(j, id)); err != nil {
				return err
			}
			o.audit("shutdown", j, ip, "instance", id)
		}
	}
	return nil
}

// target is one job's server node.
type target struct{ job, ip string }

// serverTargets resolves a job and/or server IP to the server nodes they name, checking that
// they exist.
func (o *Operator) serverTargets(ctx context.Context, job, serverIP string) ([]target, error) {
	var targets []target
	if strings.Contains(serverIP, "/") {
		return nil, fmt.Errorf("lifecycle: %q is not a server IP", serverIP)
	}
	switch {
	case job == "" && serverIP == "":
		return nil, ErrNoTarget
	case serverIP == "":
		if _, err := o.mustConfig(ctx, job); err != nil {
			return nil, err
		}
		ips, err := o.children(ctx, nodepath.Servers(job))
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			targets = append(targets, target{job, ip})
		}
		return targets, nil
	case job != "":
		if _, err := o.mustConfig(ctx, job); err != nil {
			return nil, err
		}
		ok, err := o.exists(ctx, nodepath.Server(job, serverIP))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("lifecycle: job %q has no server %q: %w", job, serverIP, ErrNotFound)
		}
		return []target{{job, serverIP}}, nil
	}
	jobs, err := o.jobNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		ok, err := o.exists(ctx, nodepath.Server(j, serverIP))
		if err != nil {
			return nil, err
		}
		if ok {
			targets = append(targets, target{j, serverIP})
		}
	}
	if len(targets) == 0 {
		return nil, serverNotFound(serverIP)
	}
	return targets, nil
}
