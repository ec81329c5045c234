package engine

import (
	"errors"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
)

// The registry's data formats, in one place.

func marshalConfig(cfg jobapi.JobConfiguration) string { return nodedata.MarshalJobConfig(cfg) }

// storedConfig reads the data of /{job}/config and validates it as every other surface of
// a job's configuration is validated (jobconf.Validate): a configuration written by an
// operator, the console or another version that would not run is an error listing every
// problem, "key: message" separated by "; ".
func storedConfig(job, data string) (jobapi.JobConfiguration, error) {
	cfg, err := nodedata.UnmarshalJobConfig(data)
	if err != nil {
		return cfg, err
	}
	cfg.JobName = job
	if problems := jobconf.Errors(jobconf.Validate(cfg)); len(problems) > 0 {
		return cfg, errors.New(jobconf.Summary(problems))
	}
	return cfg, nil
}

func marshalInstance(id, ip string) string {
	return nodedata.MarshalInstance(nodedata.Instance{JobInstanceID: id, ServerIP: ip})
}

// instanceServerIP reads the serverIp of an instance node.
func instanceServerIP(data string) (string, error) {
	in, err := nodedata.UnmarshalInstance(data)
	if err != nil {
		return "", err
	}
	return in.ServerIP, nil
}
