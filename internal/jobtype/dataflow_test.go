package jobtype

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// feed is a dataflow job serving batches in order, then empty fetches. afterProcess, when
// set, runs after each processed batch with the number processed so far.
type feed struct {
	batches      [][]int
	fetches      int
	processed    [][]int
	afterProcess func(n int)
	fetchErr     error
	processErr   error
}

func (f *feed) FetchData(ctx context.Context, sc jobapi.ShardingContext) ([]int, error) {
	f.fetches++
	if f.fetchErr != nil {
		return nil, f.fetchErr
	}
	if len(f.batches) == 0 {
		return nil, nil
	}
	b := f.batches[0]
	f.batches = f.batches[1:]
	return b, nil
}

func (f *feed) ProcessData(ctx context.Context, sc jobapi.ShardingContext, data []int) error {
	if f.processErr != nil {
		return f.processErr
	}
	f.processed = append(f.processed, data)
	if f.afterProcess != nil {
		f.afterProcess(len(f.processed))
	}
	return nil
}

func yes() bool { return true }

func batches(n int) [][]int {
	var out [][]int
	for i := range n {
		out = append(out, []int{i})
	}
	return out
}

func checkRun(t *testing.T, f *feed, err error, wantFetches, wantProcessed int) {
	t.Helper()
	if err != nil {
		t.Fatalf("RunItem: %v", err)
	}
	if f.fetches != wantFetches || len(f.processed) != wantProcessed {
		t.Errorf("fetches = %d, processed = %d; want %d, %d", f.fetches, len(f.processed), wantFetches, wantProcessed)
	}
	if want := batches(wantProcessed); !slices.EqualFunc(f.processed, want, slices.Equal[[]int]) {
		t.Errorf("processed %v; want %v", f.processed, want)
	}
}

func TestDataflowOneOff(t *testing.T) {
	f := &feed{batches: batches(3)}
	err := Dataflow(f, nil, nil).RunItem(context.Background(), testContext)
	checkRun(t, f, err, 1, 1)

	empty := &feed{}
	err = Dataflow(empty, func() bool { return false }, nil).RunItem(context.Background(), testContext)
	checkRun(t, empty, err, 1, 0)
}

func TestDataflowStreamingUntilDataRunsOut(t *testing.T) {
	f := &feed{batches: batches(4)}
	err := Dataflow(f, yes, func() bool { return false }).RunItem(context.Background(), testContext)
	checkRun(t, f, err, 5, 4)
}

func TestDataflowStreamingStopsWhenReshardingPending(t *testing.T) {
	pending := false
	f := &feed{batches: batches(10), afterProcess: func(n int) { pending = n == 2 }}
	err := Dataflow(f, yes, func() bool { return pending }).RunItem(context.Background(), testContext)
	checkRun(t, f, err, 2, 2)
}

func TestDataflowStreamingStopsWhenSwitchedOff(t *testing.T) {
	streaming := true
	f := &feed{batches: batches(10), afterProcess: func(n int) { streaming = n < 3 }}
	err := Dataflow(f, func() bool { return streaming }, nil).RunItem(context.Background(), testContext)
	checkRun(t, f, err, 3, 3)
}

func TestDataflowStreamingStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &feed{batches: batches(10), afterProcess: func(n int) {
		if n == 4 {
			cancel()
		}
	}}
	err := Dataflow(f, yes, nil).RunItem(ctx, testContext)
	checkRun(t, f, err, 4, 4)
}

func TestDataflowErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		f    *feed
		want string
	}{
		{&feed{fetchErr: boom}, "dataflow job: fetch data: boom"},
		{&feed{batches: batches(1), processErr: boom}, "dataflow job: process data: boom"},
	}
	for _, tt := range tests {
		err := Dataflow(tt.f, yes, nil).RunItem(context.Background(), testContext)
		if err == nil || err.Error() != tt.want || !errors.Is(err, boom) {
			t.Errorf("RunItem error = %v; want %s wrapping boom", err, tt.want)
		}
	}
}
