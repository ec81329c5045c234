package dataflow

import (
	"context"
	"reflect"
	"testing"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/gen/testdata/dataflow/model"
	"github.com/elasticjob-go/elasticjob/starter"
)

func TestDataflowJobsRunThroughTheirDefinitions(t *testing.T) {
	sink := &Sink{}
	orders := []model.Order{{ID: 1}, {ID: 2}}
	byName := map[string]starter.JobDefinition{}
	app := fx.New(fx.NopLogger, Module, fx.Supply(orders, sink), fx.Invoke(func(p struct {
		fx.In
		Jobs []starter.JobDefinition `group:"elasticjob.jobs"`
	}) {
		for _, d := range p.Jobs {
			byName[d.Name] = d
		}
	}))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	if len(byName) != 2 {
		t.Fatalf("jobs = %v, want orderExport and lineCount", byName)
	}
	if _, ok := byName["lineCount"].Job.(starter.DataflowJobValue); !ok {
		t.Fatalf("lineCount.Job = %T, want a DataflowJobValue", byName["lineCount"].Job)
	}
	export := byName["orderExport"]
	if export.Settings["props.streaming.process"] != "true" || export.Class != "github.com/elasticjob-go/elasticjob/gen/testdata/dataflow.OrderExport" {
		t.Errorf("orderExport = %+v", export)
	}
	job, ok := export.Job.(starter.DataflowJobValue)
	if !ok {
		t.Fatalf("orderExport.Job = %T, want a DataflowJobValue", export.Job)
	}
	streaming := func() bool { return true }
	if err := job.ItemRunner(streaming, nil).RunItem(context.Background(), starter.ShardingContext{}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sink.Orders, orders) {
		t.Errorf("exported %v, want %v (streaming fetches until nothing is left)", sink.Orders, orders)
	}
}
