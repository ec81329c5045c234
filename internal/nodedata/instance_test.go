package nodedata

import (
	"testing"
)

func TestMarshalInstance(t *testing.T) {
	tests := []struct {
		in   Instance
		want string
	}{
		{Instance{JobInstanceID: "10.0.0.2@-@200", ServerIP: "10.0.0.2"}, "jobInstanceId: 10.0.0.2@-@200\nserverIp: 10.0.0.2\n"},
		{Instance{JobInstanceID: "192.0.2.2@-@10082", ServerIP: "192.0.2.2"}, "jobInstanceId: 192.0.2.2@-@10082\nserverIp: 192.0.2.2\n"},
		{Instance{JobInstanceID: "10.0.0.2@-@200", Labels: "blue,green", ServerIP: "10.0.0.2"},
			"jobInstanceId: 10.0.0.2@-@200\nlabels: blue,green\nserverIp: 10.0.0.2\n"},
		{Instance{JobInstanceID: "@host", Labels: "true", ServerIP: "10.0.0.2"},
			"jobInstanceId: '@host'\nlabels: 'true'\nserverIp: 10.0.0.2\n"},
	}
	for _, tt := range tests {
		if got := MarshalInstance(tt.in); got != tt.want {
			t.Errorf("MarshalInstance(%+v) = %q, want %q", tt.in, got, tt.want)
		}
		back, err := UnmarshalInstance(tt.want)
		if err != nil || back != tt.in {
			t.Errorf("UnmarshalInstance(%q) = %+v, %v; want %+v", tt.want, back, err, tt.in)
		}
	}
}

func TestMarshalEmptyInstance(t *testing.T) {
	if got := MarshalInstance(Instance{}); got != "{}\n" {
		t.Errorf("got %q", got)
	}
}

func TestUnmarshalInstanceLenient(t *testing.T) {
	got, err := UnmarshalInstance("serverIp: 10.0.0.1\nextra: 1\njobInstanceId: 10.0.0.1@-@1\nlabels: ~\n")
	if want := (Instance{JobInstanceID: "10.0.0.1@-@1", ServerIP: "10.0.0.1"}); err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
}

func TestUnmarshalInstanceErrors(t *testing.T) {
	tests := map[string]string{
		"jobInstanceId: 10.0.0.1@-@1\n": "instance YAML: serverIp is missing",
		"serverIp: ''\n":                "instance YAML: serverIp is missing",
		"":                              "instance YAML: empty document",
		"TRIGGER":                       "instance YAML: expected a mapping, got a scalar",
		"serverIp: [a]\n":               "instance YAML: serverIp: expected a string, got a sequence",
		"serverIp: 'a\n":                "instance YAML: yaml: line 2: found unexpected end of stream",
	}
	for data, want := range tests {
		_, err := UnmarshalInstance(data)
		if err == nil || err.Error() != want {
			t.Errorf("UnmarshalInstance(%q) error = %v, want %s", data, err, want)
		}
	}
}
