package listeners

import (
	"math"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/starter"
)

func TestModuleProvidesTheListeners(t *testing.T) {
	var got []starter.ListenerDefinition
	var jobs []starter.JobDefinition
	app := fx.New(fx.NopLogger, Module, fx.Invoke(func(p struct {
		fx.In
		Jobs      []starter.JobDefinition      `group:"elasticjob.jobs"`
		Listeners []starter.ListenerDefinition `group:"elasticjob.listeners"`
	}) {
		jobs, got = p.Jobs, p.Listeners
	}))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Name != "audited" {
		t.Fatalf("jobs = %+v", jobs)
	}
	if _, ok := jobs[0].Job.(starter.SimpleJobFunc); !ok {
		t.Errorf("audited.Job = %T, want starter.SimpleJobFunc", jobs[0].Job)
	}
	type key struct {
		job  string
		once bool
	}
	byKey := map[key]starter.ListenerDefinition{}
	for _, l := range got {
		byKey[key{l.Job, l.DistributeOnce}] = l
	}
	if len(byKey) != 4 {
		t.Fatalf("listeners = %+v, want 4", got)
	}
	perInstance, once := byKey[key{"audited", false}], byKey[key{"audited", true}]
	if perInstance.Order != 1 || perInstance.StartedTimeout != 0 || perInstance.CompletedTimeout != 0 {
		t.Errorf("audited listener = %+v", perInstance)
	}
	if once.Order != 2 || once.StartedTimeout != 10*time.Second || once.CompletedTimeout != 90*time.Second {
		t.Errorf("audited distributeonce = %+v", once)
	}
	if perInstance.Listener.(*Audit) != once.Listener.(*Audit) {
		t.Error("the two directives on Audit got different instances, want the one fx built")
	}
	for _, once := range []bool{false, true} {
		l := byKey[key{"nightlyBackup", once}]
		if _, ok := l.Listener.(*Metrics); !ok || l.Order != math.MaxInt32 || l.StartedTimeout != 0 || l.CompletedTimeout != 0 {
			t.Errorf("nightlyBackup listener (once=%v) = %+v", once, l)
		}
	}
}
