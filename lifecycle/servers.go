package lifecycle

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// The server statistics: ElasticJob's ServerStatisticsAPI.

// ServersTotalCount is the number of distinct server IPs over every job's servers/ node.
func (o *Operator) ServersTotalCount(ctx context.Context) (int, error) {
	jobs, err := o.jobNames(ctx)
	if err != nil {
		return 0, err
	}
	ips := map[string]bool{}
	for _, job := range jobs {
		servers, err := o.children(ctx, nodepath.Servers(job))
		if err != nil {
			return 0, err
		}
		for _, ip := range servers {
			ips[ip] = true
		}
	}
	return len(ips), nil
}

// Servers is every server IP of every job, sorted by IP: the jobs that have it (and how many
// of them disable it) and the instances whose instance YAML names it as serverIp.
func (o *Operator) Servers(ctx context.Context) ([]ServerBriefInfo, error) {
	jobs, err := o.jobNames(ctx)
	if err != nil {
		return nil, err
	}
	type server struct {
		jobs, instances map[string]bool
		disabled        int
	}
	byIP := map[string]*server{}
	for _, job := range jobs {
		ips, err := o.children(ctx, nodepath.Servers(job))
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			s := byIP[ip]
			if s == nil {
				s = &server{jobs: map[string]bool{}, instances: map[string]bool{}}
				byIP[ip] = s
			}
			s.jobs[job] = true
			value, _, err := o.get(ctx, nodepath.Server(job, ip))
			if err != nil {
				return nil, err
			}
			if !nodedata.ServerValueEnabled(value) {
				s.disabled++
			}
		}
		instanceIPs, _, err := o.instanceIPs(ctx, job)
		if err != nil {
			return nil, err
		}
		for id, ip := range instanceIPs {
			if s := byIP[ip]; s != nil {
				s.instances[id] = true
			}
		}
	}
	out := make([]ServerBriefInfo, 0, len(byIP))
	for _, ip := range slices.SortedFunc(maps.Keys(byIP), javastr.Compare) {
		s := byIP[ip]
		info := ServerBriefInfo{
			ServerIP:  ip,
			Instances: append([]string{}, slices.SortedFunc(maps.Keys(s.instances), javastr.Compare)...),
			JobNames:  slices.SortedFunc(maps.Keys(s.jobs), javastr.Compare),
		}
		info.InstancesNum, info.JobsNum, info.DisabledJobsNum = len(info.Instances), len(info.JobNames), s.disabled
		out = append(out, info)
	}
	return out, nil
}

func serverNotFound(ip string) error {
	return fmt.Errorf("lifecycle: server %q: %w", ip, ErrNotFound)
}
