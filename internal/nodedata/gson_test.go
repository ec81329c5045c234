package nodedata

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

func TestShardingContextJSON(t *testing.T) {
	tests := []struct {
		sc   jobapi.ShardingContext
		want string
	}{
		{ // ElasticJob's own example of a ShardingContext (docs/compatibility.md, "Data formats")
			jobapi.ShardingContext{JobName: "myJob", TaskID: "myJob@-@0,1,2@-@READY@-@10.0.0.1@-@4321",
				ShardingTotalCount: 3, ShardingItem: 1, ShardingParameter: "Shanghai"},
			`{"jobName":"myJob","taskId":"myJob@-@0,1,2@-@READY@-@10.0.0.1@-@4321","shardingTotalCount":3,"jobParameter":"","shardingItem":1,"shardingParameter":"Shanghai"}`,
		},
		{ // no parameter for the item: Java's null is omitted
			jobapi.ShardingContext{JobName: "j", TaskID: "t", ShardingTotalCount: 2, JobParameter: "p", ShardingItem: 0},
			`{"jobName":"j","taskId":"t","shardingTotalCount":2,"jobParameter":"p","shardingItem":0}`,
		},
		{ // HTML-safe and control-character escaping
			jobapi.ShardingContext{JobName: "j", TaskID: "t", JobParameter: "a=b&c<d>'e'\"f\"\\g",
				ShardingParameter: "\t\b\n\r\f\x00\x1f\x7f é \u2028\u2029 😀"},
			`{"jobName":"j","taskId":"t","shardingTotalCount":0,"jobParameter":"a\u003db\u0026c\u003cd\u003e\u0027e\u0027\"f\"\\g","shardingItem":0,"shardingParameter":"\t\b\n\r\f\u0000\u001f` + "\x7f é " + `\u2028\u2029 😀"}`,
		},
	}
	for _, tt := range tests {
		if got := ShardingContextJSON(tt.sc); got != tt.want {
			t.Errorf("ShardingContextJSON(%+v)\n got %s\nwant %s", tt.sc, got, tt.want)
		}
	}
}
