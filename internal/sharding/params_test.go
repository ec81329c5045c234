package sharding

import (
	"reflect"
	"testing"
)

func TestParseItemParameters(t *testing.T) {
	tests := []struct {
		in   string
		want map[int]string
	}{
		{"", map[int]string{}},
		{"0=Beijing,1=Shanghai,2=Guangzhou", map[int]string{0: "Beijing", 1: "Shanghai", 2: "Guangzhou"}},
		{" 0 = a , 1= b ", map[int]string{0: "a", 1: "b"}},
		{"0=a,", map[int]string{0: "a"}},    // Java's split drops the trailing empty part
		{"0=a==", map[int]string{0: "a"}},   // ... and the trailing empty values
		{"0=a,0=b", map[int]string{0: "b"}}, // the later entry wins
		{"-1=x,+2=y", map[int]string{-1: "x", 2: "y"}},
		{",,,", map[int]string{}},
		{"0=\tx\n", map[int]string{0: "x"}},
	}
	for _, tt := range tests {
		got, err := ParseItemParameters(tt.in)
		if err != nil {
			t.Errorf("ParseItemParameters(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseItemParameters(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseItemParametersErrors(t *testing.T) {
	tests := map[string]string{
		"0=a,1":            `shardingItemParameters "0=a,1": "1" is not item=parameter`,
		"0=":               `shardingItemParameters "0=": "0=" is not item=parameter`,
		"0=a=b":            `shardingItemParameters "0=a=b": "0=a=b" is not item=parameter`,
		"0=a,,1=b":         `shardingItemParameters "0=a,,1=b": "" is not item=parameter`,
		" ":                `shardingItemParameters " ": " " is not item=parameter`,
		"x=a":              `shardingItemParameters "x=a": item "x" of "x=a" is not an integer`,
		"=a":               `shardingItemParameters "=a": item "" of "=a" is not an integer`,
		"0=a,3000000000=b": `shardingItemParameters "0=a,3000000000=b": item "3000000000" of "3000000000=b" is not an integer`,
	}
	for in, want := range tests {
		_, err := ParseItemParameters(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseItemParameters(%q) error = %v, want %s", in, err, want)
		}
	}
}

func TestTaskID(t *testing.T) {
	if got, want := TaskID("myJob", []int{0, 2}, "10.0.0.2@-@200"), "myJob@-@0,2@-@READY@-@10.0.0.2@-@200"; got != want {
		t.Errorf("TaskID = %q, want %q", got, want)
	}
	if got, want := TaskID("j", nil, "i"), "j@-@@-@READY@-@i"; got != want {
		t.Errorf("TaskID = %q, want %q", got, want)
	}
}
