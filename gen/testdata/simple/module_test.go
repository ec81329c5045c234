package simple

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/starter"
)

type jobs struct {
	fx.In
	Jobs []starter.JobDefinition `group:"elasticjob.jobs"`
}

func TestModuleProvidesTheJob(t *testing.T) {
	var got []starter.JobDefinition
	app := fx.New(fx.NopLogger, Module, fx.Supply(Config{DSN: "db"}), fx.Invoke(func(p jobs) { got = p.Jobs }))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d jobs, want 1", len(got))
	}
	def := got[0]
	if def.Name != "orderSync" || def.Class != "github.com/elasticjob-go/elasticjob/gen/testdata/simple.OrderSync" {
		t.Errorf("name, class = %q, %q", def.Name, def.Class)
	}
	want := map[string]string{"cron": "0/5 * * * * ?", "shardingTotalCount": "3", "shardingItemParameters": "0=A,1=B,2=C", "failover": "true"}
	if len(def.Settings) != len(want) {
		t.Errorf("settings = %v, want %v", def.Settings, want)
	}
	for k, v := range want {
		if def.Settings[k] != v {
			t.Errorf("settings[%q] = %q, want %q", k, def.Settings[k], v)
		}
	}
	job, ok := def.Job.(*OrderSync)
	if !ok || job.dsn != "db" {
		t.Fatalf("job = %#v, want the *OrderSync NewOrderSync built", def.Job)
	}
	if err := job.Execute(context.Background(), starter.ShardingContext{}); err != nil || job.runs.Load() != 1 {
		t.Errorf("Execute: %v, runs %d", err, job.runs.Load())
	}
}

func TestModuleHonoursTheConstructorError(t *testing.T) {
	app := fx.New(fx.NopLogger, Module, fx.Supply(Config{}), fx.Invoke(func(jobs) {}))
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "orderSync: no DSN") {
		t.Fatalf("err = %v, want the constructor's error", err)
	}
}

func TestModuleValidates(t *testing.T) {
	if err := fx.ValidateApp(Module, fx.Supply(Config{}), fx.Invoke(func(jobs) {})); err != nil {
		t.Fatal(err)
	}
}
