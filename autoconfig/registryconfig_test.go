package autoconfig

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// A tool reads the regCenter a service reads: the file, then the environment over it, with the
// defaults; the jobs, which need the service's code, are not checked, their variables not read.
func TestLoadRegistryConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	yaml := "elasticjob:\n  reg-center:\n    server-lists: zk1:2181\n    namespace: shop\n  jobs:\n    declaredInCode:\n      shardingTotalCount: 4\n"
	if err := os.WriteFile(filepath.Join(dir, "application.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ELASTICJOB_REGCENTER_DIGEST", "ops:secret")
	t.Setenv("ELASTICJOB_JOBS_DECLAREDINCODE_CRON", "0 * * * * ?")
	t.Setenv("ELASTICJOB_JOBS_ONLYINCODE_CRON", "0 * * * * ?")
	got, err := LoadRegistryConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := starter.RegistryCenterConfig{
		ServerLists: "zk1:2181", Namespace: "shop", Digest: "ops:secret",
		SessionTimeout: 60 * time.Second, ConnectionTimeout: 15 * time.Second,
		BaseSleepTime: time.Second, MaxSleepTime: 3 * time.Second, MaxRetries: 3, ShutdownGracePeriod: 10 * time.Second,
	}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	t.Setenv("ELASTICJOB_REGCENTER_SESSIONTIMEOUT", "1")
	t.Setenv("ELASTICJOB_DUMP_PORT", "70000")
	_, err = LoadRegistryConfig()
	want2 := "environment: unknown key ELASTICJOB_REGCENTER_SESSIONTIMEOUT\nenvironment: ELASTICJOB_DUMP_PORT: 70000 is not a TCP port"
	if err == nil || err.Error() != want2 {
		t.Errorf("err = %v\nwant %s", err, want2)
	}
}
