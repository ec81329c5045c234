package nodedata

import (
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// /{job}/config holds every key of jobconf's table that is stored, and reads each back: the
// table and the data format cannot drift apart.
func TestConfigCarriesEverySchemaKey(t *testing.T) {
	c := jobapi.JobConfiguration{
		JobName: "everything", Cron: "0 0 3 * * ?", TimeZone: "Asia/Shanghai", ShardingTotalCount: 4,
		ShardingItemParameters: "0=a", JobParameter: "p", MonitorExecution: false, Failover: true,
		Misfire: false, MaxTimeDiffSeconds: 7, ReconcileIntervalMinutes: 3,
		JobShardingStrategyType: "ODEVITY", JobExecutorServiceHandlerType: "SINGLE_THREAD",
		JobErrorHandlerType: "IGNORE", JobListenerTypes: []string{"a", "b"}, Description: "d",
		Props: map[string]string{"k": "v"}, Disabled: true, Overwrite: true, Label: "l", StaticSharding: true,
	}
	data := MarshalJobConfig(c)
	back, err := UnmarshalJobConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range jobconf.KeysIn(jobconf.Stored) {
		if !strings.Contains(data, "\n"+k.Name+":") && !strings.HasPrefix(data, k.Name+":") {
			t.Errorf("%s is not written:\n%s", k.Name, data)
		}
		if got, want := k.Value(&back), k.Value(&c); got != want {
			t.Errorf("%s reads back as %q, want %q", k.Name, got, want)
		}
	}
}
