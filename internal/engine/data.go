package engine

import (
	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
)

// The registry's data formats, in one place.

func marshalConfig(cfg jobapi.JobConfiguration) string { return nodedata.MarshalJobConfig(cfg) }

func unmarshalConfig(data string) (jobapi.JobConfiguration, error) {
	return nodedata.UnmarshalJobConfig(data)
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
