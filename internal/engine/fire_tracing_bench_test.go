package engine_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/dbtest"
	"github.com/elasticjob-go/elasticjob/internal/discarddb"
	"github.com/elasticjob-go/elasticjob/internal/engine"
	"github.com/elasticjob-go/elasticjob/tracing"
)

// burstGap spaces the bursts of BenchmarkFireTogetherTracing: the tracing writer lingers 200 ms
// after a burst's first event, then writes it, before the next burst (with a 1-second cron it
// has 800 ms).
const burstGap = 400 * time.Millisecond

// BenchmarkFireTogetherTracing fires 100 jobs of 2 items at one instant (BenchmarkFireTogether),
// b.N times for each way of tracing them, the ways taking turns burst by burst, and reports the
// median time to the last item's start of each (its p99 fire latency, as ejbench's row 8 sees it)
// and its ratio to the untraced jobs'. The ways: no tracing; an observer that takes tracing's
// kinds of events and does nothing (the engine's cost of building them); tracing into a database that
// discards (the traced process's cost alone), through the observer as the engine gets it (each
// job's own, the kinds it takes) and through its Observe alone (an observer that hides the
// rest, as ejbench's switch did); into PostgreSQL when TRACING_POSTGRES_URL is set (make db-up).
//
//	go test -run '^$' -bench FireTogetherTracing -benchtime 30x ./internal/engine/
func BenchmarkFireTogetherTracing(b *testing.B) {
	const n = 100
	ctx := context.Background()
	traced := func(store *tracing.Store, err error) *tracing.Observer {
		if err != nil {
			b.Fatal(err)
		}
		obs, err := tracing.NewObserver(store, tracing.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			_ = obs.Close(ctx)
			_ = store.Close()
		})
		return obs
	}
	discard := func() *tracing.Observer {
		db := discarddb.Open()
		b.Cleanup(func() { _ = db.Close() }) // after the observer's and the store's (cleanups run last first)
		return traced(tracing.OpenDB(ctx, db))
	}
	ways := []struct {
		name string
		obs  engine.Observer
	}{
		{"off", nil},
		{"events-only", eventsOnly{discard().Kinds()}},
		{"discard", discard()},
		{"discard-observe-only", observeOnly{discard()}},
	}
	if os.Getenv(dbtest.EnvPostgresURL) != "" {
		db := dbtest.Shared(b, dbtest.Postgres).Fresh(b)
		ways = append(ways, struct {
			name string
			obs  engine.Observer
		}{"postgres", traced(tracing.Open(ctx, tracing.DataSource{URL: db.URL}))})
	}
	benches := make([]*engine.BurstBench, len(ways))
	for i, w := range ways {
		benches[i] = engine.NewBurstBench(b, n, false, w.obs)
	}
	last := make([][]time.Duration, len(ways))
	b.ResetTimer()
	for k := range b.N {
		for j := range ways {
			i := (j + k) % len(ways) // each way takes each place in turn
			time.Sleep(burstGap)
			last[i] = append(last[i], benches[i].Burst())
		}
	}
	b.StopTimer()
	median := func(d []time.Duration) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[len(s)/2]
	}
	off := median(last[0])
	for i, w := range ways {
		m := median(last[i])
		b.ReportMetric(float64(m.Microseconds()), w.name+"-µs")
		if i > 0 {
			b.ReportMetric(float64(m)/float64(off), fmt.Sprintf("%s/off", w.name))
		}
	}
}

// eventsOnly takes the kinds tracing takes and does nothing with them: the engine's cost of
// building the events, without the observer's.
type eventsOnly struct{ kinds engine.EventKinds }

func (eventsOnly) Observe(engine.Event)       {}
func (o eventsOnly) Kinds() engine.EventKinds { return o.kinds }

// observeOnly hides an observer's ForJob and Kinds: the engine builds every kind of event and
// hands each to Observe.
type observeOnly struct{ o engine.Observer }

func (o observeOnly) Observe(e engine.Event) { o.o.Observe(e) }
