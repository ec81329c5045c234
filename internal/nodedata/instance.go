package nodedata

// Instance is ElasticJob's JobInstance, the data of /{job}/instances/{id}.
type Instance struct {
	JobInstanceID string // ip@-@pid
	Labels        string // comma separated; written only when set
	ServerIP      string
}

// MarshalInstance returns the instance YAML as ElasticJob writes it, e.g.
// "jobInstanceId: 10.0.0.2@-@200\nserverIp: 10.0.0.2\n". Empty fields are omitted; with none
// left SnakeYAML writes an empty flow mapping.
func MarshalInstance(in Instance) string {
	if in == (Instance{}) {
		return "{}\n"
	}
	e := newEmitter()
	for _, f := range []struct{ key, value string }{
		{"jobInstanceId", in.JobInstanceID}, {"labels", in.Labels}, {"serverIp", in.ServerIP},
	} {
		if f.value != "" {
			e.key(f.key)
			e.stringValue(f.value)
		}
	}
	return e.finish()
}
