package nodedata

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The data of /{job}/trigger/{instance}. ElasticJob writes it empty and never reads it: empty
// data is a plain trigger, the job runs with its configured parameter. A trigger with a one-off
// job parameter carries {"jobParameter":"..."}; Java instances ignore it and run the trigger
// with their own parameter, Go instances run it with this one.

type triggerData struct {
	JobParameter *string `json:"jobParameter"`
}

// MarshalTrigger returns the data of a trigger node that runs the job with parameter.
func MarshalTrigger(parameter string) string {
	b, _ := json.Marshal(triggerData{JobParameter: &parameter}) // a string always marshals
	return string(b)
}

// UnmarshalTrigger reads a trigger node's data: ok is false for a plain trigger (empty data).
// Data that is not a trigger object is an error; the trigger then runs as a plain one.
func UnmarshalTrigger(data string) (parameter string, ok bool, err error) {
	if strings.TrimSpace(data) == "" {
		return "", false, nil
	}
	var t triggerData
	if err := json.Unmarshal([]byte(data), &t); err != nil {
		return "", false, fmt.Errorf("trigger data %q: %w", data, err)
	}
	if t.JobParameter == nil {
		return "", false, fmt.Errorf("trigger data %q has no jobParameter", data)
	}
	return *t.JobParameter, true, nil
}
