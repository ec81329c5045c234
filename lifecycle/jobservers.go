package lifecycle

import (
	"context"
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// JobNames is the names of the nodes under the namespace root (jobs, and nodes without a
// configuration), sorted: one request, for a console that pages through a large namespace and
// reads only the brief information of the jobs it shows. Not ElasticJob's.
func (o *Operator) JobNames(ctx context.Context) ([]string, error) {
	names, err := o.children(ctx, "/")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(names, javastr.Compare)
	return names, nil
}

// JobServerInfo is one server of one job: its servers/{ip} node and the job's instances whose
// instance YAML names that IP.
type JobServerInfo struct {
	ServerIP  string   `json:"serverIp"`
	Status    string   `json:"status"`    // DISABLED when the engine reads the node so (exactly DISABLED), else ENABLED
	Instances []string `json:"instances"` // instance ids, sorted
}

// JobServers is the job's servers, sorted by IP, each with its instances: what ElasticJob's
// server dimension shows, seen from one job. Not ElasticJob's (its UI assembles it per server).
// ErrNotFound when the job has no configuration.
func (o *Operator) JobServers(ctx context.Context, job string) ([]JobServerInfo, error) {
	if err := checkJobName(job); err != nil {
		return nil, err
	}
	if _, err := o.mustConfig(ctx, job); err != nil {
		return nil, err
	}
	ips, err := o.children(ctx, nodepath.Servers(job))
	if err != nil {
		return nil, err
	}
	instanceIPs, _, err := o.instanceIPs(ctx, job)
	if err != nil {
		return nil, err
	}
	out := make([]JobServerInfo, 0, len(ips))
	for _, ip := range slices.SortedFunc(slices.Values(ips), javastr.Compare) {
		value, _, err := o.get(ctx, nodepath.Server(job, ip))
		if err != nil {
			return nil, err
		}
		s := JobServerInfo{ServerIP: ip, Status: nodedata.ServerEnabled, Instances: []string{}}
		if !nodedata.ServerValueEnabled(value) {
			s.Status = nodedata.ServerDisabled
		}
		for id, on := range instanceIPs {
			if on == ip {
				s.Instances = append(s.Instances, id)
			}
		}
		slices.SortFunc(s.Instances, javastr.Compare)
		out = append(out, s)
	}
	return out, nil
}
