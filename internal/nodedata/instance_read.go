package nodedata

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// UnmarshalInstance reads the YAML of an instance node. serverIp is required (ElasticJob
// matches instances to servers by it); unknown keys are ignored.
func UnmarshalInstance(data string) (Instance, error) {
	var in Instance
	root, err := parseMapping(data)
	if err != nil {
		return in, fmt.Errorf("instance YAML: %w", err)
	}
	fields := map[string]*string{"jobInstanceId": &in.JobInstanceID, "labels": &in.Labels, "serverIp": &in.ServerIP}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], deref(root.Content[i+1])
		target, known := fields[key.Value]
		if key.Kind != yaml.ScalarNode || !known || isNull(value) {
			continue
		}
		if err := decodeField(key.Value, value, target); err != nil {
			return Instance{}, fmt.Errorf("instance YAML: %w", err)
		}
	}
	if in.ServerIP == "" {
		return in, fmt.Errorf("instance YAML: serverIp is missing")
	}
	return in, nil
}
