package starter

import (
	"context"
	"slices"
	"testing"
)

// batches is a dataflow job handing out its batches one fetch at a time.
type batches struct {
	pending   [][]string
	processed []string
}

func (b *batches) FetchData(context.Context, ShardingContext) ([]string, error) {
	if len(b.pending) == 0 {
		return nil, nil
	}
	next := b.pending[0]
	b.pending = b.pending[1:]
	return next, nil
}

func (b *batches) ProcessData(_ context.Context, _ ShardingContext, data []string) error {
	b.processed = append(b.processed, data...)
	return nil
}

func TestDataflowKeepsTheTypedJobForTheRuntime(t *testing.T) {
	job := &batches{pending: [][]string{{"a", "b"}, {"c"}}}
	var v any = Dataflow[string](job)
	df, ok := v.(DataflowJobValue)
	if !ok {
		t.Fatalf("Dataflow returned %T, not a DataflowJobValue", v)
	}
	if _, simple := v.(SimpleJob); simple {
		t.Error("a dataflow value must not look like a SimpleJob")
	}
	once := df.ItemRunner(nil, nil)
	if err := once.RunItem(context.Background(), ShardingContext{}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b"}; !slices.Equal(job.processed, want) {
		t.Fatalf("not streaming: processed %v, want %v", job.processed, want)
	}
	streaming := df.ItemRunner(func() bool { return true }, nil)
	if err := streaming.RunItem(context.Background(), ShardingContext{}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c"}; !slices.Equal(job.processed, want) {
		t.Fatalf("streaming: processed %v, want %v", job.processed, want)
	}
}
