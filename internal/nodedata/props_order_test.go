package nodedata

import (
	"slices"
	"strings"
	"testing"
)

// TestPropsOrder compares with the iteration order of java.util.Properties printed by
// Java 17 for the same keys, inserted in Java string order (which is how propsOrder breaks
// ties within a bucket: "streaming.process" and "http.data" share one).
func TestPropsOrder(t *testing.T) {
	tests := []struct{ keys, javaOrder string }{
		{"streaming.process", "streaming.process"},
		{"script.command.line streaming.process http.uri http.method http.data",
			"script.command.line http.uri http.method http.data streaming.process"},
		{"a b c d e f g h i j k l m n", "a b c d e f g h i j k l m n"}, // 14 keys: table of 32
		{"http.uri http.method http.connect.timeout.milliseconds http.read.timeout.milliseconds http.content.type http.data email.host email.port email.username email.password email.from email.to wechat.webhook dingtalk.webhook dingtalk.keyword dingtalk.secret",
			"dingtalk.keyword http.uri http.read.timeout.milliseconds wechat.webhook http.content.type dingtalk.secret http.data email.to email.username email.password dingtalk.webhook email.port http.connect.timeout.milliseconds email.host email.from http.method"}, // 16 keys: resized to 32
	}
	for _, tt := range tests {
		props := map[string]string{}
		for _, k := range strings.Fields(tt.keys) {
			props[k] = "v"
		}
		if got, want := propsOrder(props), strings.Fields(tt.javaOrder); !slices.Equal(got, want) {
			t.Errorf("propsOrder(%s)\n got %v\nwant %v", tt.keys, got, want)
		}
	}
}
