package receivers

import (
	"context"
	"testing"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/starter"
)

func TestEveryReceiverKindIsASimpleJob(t *testing.T) {
	byName := map[string]any{}
	app := fx.New(fx.NopLogger, Module, fx.Invoke(func(p struct {
		fx.In
		Jobs []starter.JobDefinition `group:"elasticjob.jobs"`
	}) {
		for _, d := range p.Jobs {
			byName[d.Name] = d.Job
		}
	}))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	if len(byName) != 5 {
		t.Fatalf("jobs = %v, want 5", byName)
	}
	for name, job := range byName {
		simple, ok := job.(starter.SimpleJob)
		if !ok {
			t.Errorf("%s: %T is not a starter.SimpleJob", name, job)
			continue
		}
		if err := simple.Execute(context.Background(), starter.ShardingContext{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if c, ok := byName["clock"].(Clock); !ok || c.zone != "UTC" {
		t.Errorf("clock = %#v, want the Clock value NewClock built", byName["clock"])
	}
	if c, ok := byName["counter"].(*Counter); !ok || *c != 1 {
		t.Errorf("counter = %#v, want a *Counter executed once", byName["counter"])
	}
	if e, ok := byName["embedded"].(*Embedded); !ok || *e.Counter != 1 {
		t.Errorf("embedded = %#v, want the *Embedded NewEmbedded built, executed once", byName["embedded"])
	}
}
