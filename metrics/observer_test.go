package metrics

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Each event moves its metric, for its job only; a cron fire's delay is measured, a make-up's
// (which serves an old fire on purpose) is not.
func TestEventsToMetrics(t *testing.T) {
	connected, requests := true, int64(41)
	o := New(Process{Connected: func() bool { return connected }, Requests: func() int64 { return requests }})
	r := prometheus.NewRegistry()
	r.MustRegister(o)
	a, b := o.ForJob("a"), o.ForJob("b")
	fire := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, e := range []starter.Event{
		{Kind: starter.EventLeadership, Leader: true},
		{Kind: starter.EventResharded, Duration: 30 * time.Millisecond},
		{Kind: starter.EventResharded, Err: errors.New("lost the lock")},
		{Kind: starter.EventItemFinished, Source: starter.SourceNormal, FireTime: fire, Time: fire.Add(2250 * time.Millisecond), Duration: 2 * time.Second},
		{Kind: starter.EventItemFinished, Source: starter.SourceMakeUp, FireTime: fire, Time: fire.Add(time.Hour), Duration: time.Second, Err: errors.New("boom")},
		{Kind: starter.EventRunStarted, Source: starter.SourceMakeUp},
		{Kind: starter.EventRunStarted, Source: starter.SourceNormal},
		{Kind: starter.EventMisfired},
		{Kind: starter.EventFailoverTaken},
	} {
		e.Job = "a"
		a.Observe(e)
	}
	b.Observe(starter.Event{Kind: starter.EventLeadership, Leader: true, Job: "b"})
	b.Observe(starter.Event{Kind: starter.EventUnregistered, Job: "b"})
	o.Observe(starter.Event{Kind: starter.EventSession, State: "SUSPENDED"})
	o.Observe(starter.Event{Kind: starter.EventSession, State: "LOST"})
	// A job's event that reaches the root (an observer fanning out without ForJob) still counts.
	o.Observe(starter.Event{Kind: starter.EventMisfired, Job: "a"})

	want := `
# HELP elasticjob_fire_delay_seconds Time from a cron fire's scheduled time to the start of its item's Execute.
# TYPE elasticjob_fire_delay_seconds histogram
elasticjob_fire_delay_seconds_bucket{job="a",le="0.0005"} 0
elasticjob_fire_delay_seconds_bucket{job="a",le="0.002"} 0
elasticjob_fire_delay_seconds_bucket{job="a",le="0.008"} 0
elasticjob_fire_delay_seconds_bucket{job="a",le="0.032"} 0
elasticjob_fire_delay_seconds_bucket{job="a",le="0.128"} 0
elasticjob_fire_delay_seconds_bucket{job="a",le="0.512"} 1
elasticjob_fire_delay_seconds_bucket{job="a",le="2.048"} 1
elasticjob_fire_delay_seconds_bucket{job="a",le="8.192"} 1
elasticjob_fire_delay_seconds_bucket{job="a",le="32.768"} 1
elasticjob_fire_delay_seconds_bucket{job="a",le="131.072"} 1
elasticjob_fire_delay_seconds_bucket{job="a",le="+Inf"} 1
elasticjob_fire_delay_seconds_sum{job="a"} 0.25
elasticjob_fire_delay_seconds_count{job="a"} 1
elasticjob_fire_delay_seconds_bucket{job="b",le="0.0005"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="0.002"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="0.008"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="0.032"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="0.128"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="0.512"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="2.048"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="8.192"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="32.768"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="131.072"} 0
elasticjob_fire_delay_seconds_bucket{job="b",le="+Inf"} 0
elasticjob_fire_delay_seconds_sum{job="b"} 0
elasticjob_fire_delay_seconds_count{job="b"} 0
# HELP elasticjob_item_runs_total Sharding items run to their end on this instance, by result (success or failure).
# TYPE elasticjob_item_runs_total counter
elasticjob_item_runs_total{job="a",result="failure"} 1
elasticjob_item_runs_total{job="a",result="success"} 1
elasticjob_item_runs_total{job="b",result="failure"} 0
elasticjob_item_runs_total{job="b",result="success"} 0
# HELP elasticjob_leader 1 while this instance is the job's leader, else 0.
# TYPE elasticjob_leader gauge
elasticjob_leader{job="a"} 1
elasticjob_leader{job="b"} 0
# HELP elasticjob_makeup_runs_total Runs making up fires that nobody served (a suspension, a crash window, a hand-over).
# TYPE elasticjob_makeup_runs_total counter
elasticjob_makeup_runs_total{job="a"} 1
elasticjob_makeup_runs_total{job="b"} 0
# HELP elasticjob_misfires_total Cron fires that found the previous run still going and were flagged misfired.
# TYPE elasticjob_misfires_total counter
elasticjob_misfires_total{job="a"} 2
elasticjob_misfires_total{job="b"} 0
# HELP elasticjob_failovers_total Sharding items of crashed instances that this instance took over.
# TYPE elasticjob_failovers_total counter
elasticjob_failovers_total{job="a"} 1
elasticjob_failovers_total{job="b"} 0
# HELP elasticjob_reshardings_total Reshardings this instance wrote as the job's leader, by result (success or failure).
# TYPE elasticjob_reshardings_total counter
elasticjob_reshardings_total{job="a",result="failure"} 1
elasticjob_reshardings_total{job="a",result="success"} 1
elasticjob_reshardings_total{job="b",result="failure"} 0
elasticjob_reshardings_total{job="b",result="success"} 0
# HELP elasticjob_registry_connected 1 while the registry session is connected, else 0.
# TYPE elasticjob_registry_connected gauge
elasticjob_registry_connected 1
# HELP elasticjob_registry_session_expiries_total Registry sessions this process lost.
# TYPE elasticjob_registry_session_expiries_total counter
elasticjob_registry_session_expiries_total 1
# HELP elasticjob_zookeeper_requests_total Requests this process sent to ZooKeeper (or the embedded registry); a transaction is one.
# TYPE elasticjob_zookeeper_requests_total counter
elasticjob_zookeeper_requests_total 41
`
	names := []string{"elasticjob_fire_delay_seconds", "elasticjob_item_runs_total", "elasticjob_leader", "elasticjob_makeup_runs_total",
		"elasticjob_misfires_total", "elasticjob_failovers_total", "elasticjob_reshardings_total", "elasticjob_registry_connected",
		"elasticjob_registry_session_expiries_total", "elasticjob_zookeeper_requests_total"}
	if err := testutil.GatherAndCompare(r, strings.NewReader(want), names...); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(o, "elasticjob_item_duration_seconds"); n != 2 {
		t.Fatalf("%d item duration series, want one per job", n)
	}
	connected = false
	if err := testutil.GatherAndCompare(r, strings.NewReader(`
# HELP elasticjob_registry_connected 1 while the registry session is connected, else 0.
# TYPE elasticjob_registry_connected gauge
elasticjob_registry_connected 0
`), "elasticjob_registry_connected"); err != nil {
		t.Fatal(err)
	}
}

// A job's observer records an event without allocating: its label children are looked up once,
// in ForJob.
func TestJobEventsDoNotAllocate(t *testing.T) {
	o := New(Process{})
	j := o.ForJob("hot")
	now := time.Now()
	events := []starter.Event{
		{Kind: starter.EventItemFinished, Job: "hot", FireTime: now, Time: now.Add(2 * time.Millisecond), Duration: time.Millisecond},
		{Kind: starter.EventItemFinished, Job: "hot", Duration: time.Millisecond, Err: errors.New("x")},
		{Kind: starter.EventRunStarted, Job: "hot", Source: starter.SourceMakeUp},
	}
	if n := testing.AllocsPerRun(1000, func() {
		for _, e := range events {
			j.Observe(e)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per run of events", n)
	}
}

// Without process readings, their metrics are left out rather than reported as zero.
func TestProcessMetricsLeftOutWithoutReadings(t *testing.T) {
	o := New(Process{})
	for _, name := range []string{"elasticjob_registry_connected", "elasticjob_zookeeper_requests_total"} {
		if n := testutil.CollectAndCount(o, name); n != 0 {
			t.Errorf("%s reported without its reading", name)
		}
	}
}

// Tracing's dropped events are a counter when tracing reports them.
func TestTracingDroppedEvents(t *testing.T) {
	var dropped uint64 = 7
	o := New(Process{TracingDropped: func() uint64 { return dropped }})
	want := "# HELP elasticjob_tracing_events_dropped_total Tracing events dropped because the queue to the database was full.\n" +
		"# TYPE elasticjob_tracing_events_dropped_total counter\nelasticjob_tracing_events_dropped_total 7\n"
	if err := testutil.CollectAndCompare(o, strings.NewReader(want), "elasticjob_tracing_events_dropped_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(New(Process{}), "elasticjob_tracing_events_dropped_total"); n != 0 {
		t.Fatal("reported without tracing")
	}
}
