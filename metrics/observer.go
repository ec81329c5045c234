package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Process supplies the process-wide readings; a nil func leaves its metric out.
type Process struct {
	Connected func() bool  // elasticjob_registry_connected
	Requests  func() int64 // elasticjob_zookeeper_requests_total
	// TracingDropped counts the tracing events dropped on a full queue
	// (elasticjob_tracing_events_dropped_total); nil when tracing is off: no such metric.
	TracingDropped func() uint64
}

// Observer is a starter.Observer that keeps the metrics, and a prometheus.Collector of them:
// register it on a prometheus.Registerer. It is a starter.JobObserver (each job's events go to
// its own label children) and a starter.KindsObserver (the engine builds only the events the
// metrics are made of).
type Observer struct {
	itemRuns        *prometheus.CounterVec
	itemDuration    *histogramVec
	fireDelay       *histogramVec
	misfires        *prometheus.CounterVec
	failovers       *prometheus.CounterVec
	makeUps         *prometheus.CounterVec
	reshardings     *prometheus.CounterVec
	reshardDuration *histogramVec
	leader          *prometheus.GaugeVec
	expiries        prometheus.Counter
	collectors      []prometheus.Collector
	jobs            sync.Map // job name -> *jobMetrics, made by the first ForJob
}

// New builds the metrics; none is registered yet.
func New(p Process) *Observer {
	job := []string{"job"}
	o := &Observer{
		itemRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "elasticjob_item_runs_total",
			Help: "Sharding items run to their end on this instance, by result (success or failure)."}, []string{"job", "result"}),
		itemDuration: newHistogramVec("elasticjob_item_duration_seconds",
			"Time a sharding item ran, from the start of Execute to its return.", prometheus.ExponentialBuckets(0.001, 4, 11)),
		fireDelay: newHistogramVec("elasticjob_fire_delay_seconds",
			"Time from a cron fire's scheduled time to the start of its item's Execute.", prometheus.ExponentialBuckets(0.0005, 4, 10)),
		misfires: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "elasticjob_misfires_total",
			Help: "Cron fires that found the previous run still going and were flagged misfired."}, job),
		failovers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "elasticjob_failovers_total",
			Help: "Sharding items of crashed instances that this instance took over."}, job),
		makeUps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "elasticjob_makeup_runs_total",
			Help: "Runs making up fires that nobody served (a suspension, a crash window, a hand-over)."}, job),
		reshardings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "elasticjob_reshardings_total",
			Help: "Reshardings this instance wrote as the job's leader, by result (success or failure)."}, []string{"job", "result"}),
		reshardDuration: newHistogramVec("elasticjob_resharding_duration_seconds",
			"Time of a successful resharding, from the flag seen to the transaction done.", prometheus.ExponentialBuckets(0.001, 4, 8)),
		leader: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "elasticjob_leader",
			Help: "1 while this instance is the job's leader, else 0."}, job),
		expiries: prometheus.NewCounter(prometheus.CounterOpts{Name: "elasticjob_registry_session_expiries_total",
			Help: "Registry sessions this process lost."}),
	}
	o.collectors = []prometheus.Collector{o.itemRuns, o.itemDuration, o.fireDelay, o.misfires, o.failovers, o.makeUps,
		o.reshardings, o.reshardDuration, o.leader, o.expiries}
	if p.Connected != nil {
		o.collectors = append(o.collectors, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "elasticjob_registry_connected",
			Help: "1 while the registry session is connected, else 0."}, func() float64 { return bit(p.Connected()) }))
	}
	if p.Requests != nil {
		o.collectors = append(o.collectors, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "elasticjob_zookeeper_requests_total",
			Help: "Requests this process sent to ZooKeeper (or the embedded registry); a transaction is one."}, func() float64 { return float64(p.Requests()) }))
	}
	if p.TracingDropped != nil {
		o.collectors = append(o.collectors, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "elasticjob_tracing_events_dropped_total",
			Help: "Tracing events dropped because the queue to the database was full."}, func() float64 { return float64(p.TracingDropped()) }))
	}
	return o
}

// Describe is prometheus.Collector's.
func (o *Observer) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range o.collectors {
		c.Describe(ch)
	}
}

// Collect is prometheus.Collector's.
func (o *Observer) Collect(ch chan<- prometheus.Metric) {
	for _, c := range o.collectors {
		c.Collect(ch)
	}
}

// ForJob returns the job's observer, whose label children are looked up once, here.
func (o *Observer) ForJob(job string) starter.Observer {
	if m, ok := o.jobs.Load(job); ok {
		return m.(*jobMetrics)
	}
	m := &jobMetrics{
		succeeded:       o.itemRuns.WithLabelValues(job, "success"),
		failed:          o.itemRuns.WithLabelValues(job, "failure"),
		duration:        o.itemDuration.forJob(job),
		delay:           o.fireDelay.forJob(job),
		misfires:        o.misfires.WithLabelValues(job),
		failovers:       o.failovers.WithLabelValues(job),
		makeUps:         o.makeUps.WithLabelValues(job),
		reshardings:     o.reshardings.WithLabelValues(job, "success"),
		reshardFailures: o.reshardings.WithLabelValues(job, "failure"),
		reshardDuration: o.reshardDuration.forJob(job),
		leader:          o.leader.WithLabelValues(job),
	}
	actual, _ := o.jobs.LoadOrStore(job, m)
	return actual.(*jobMetrics)
}

// jobKinds are the events the metrics are made of: the engine builds no other for a job.
var jobKinds = starter.Kinds(starter.EventItemFinished, starter.EventMisfired, starter.EventFailoverTaken,
	starter.EventRunStarted, starter.EventResharded, starter.EventLeadership, starter.EventUnregistered)

// Kinds are the events the observer takes (starter.KindsObserver).
func (o *Observer) Kinds() starter.EventKinds { return jobKinds | starter.Kinds(starter.EventSession) }

// Observe takes the process's events (a lost session); a job's event that comes here (from
// an observer that fans out without asking ForJob) goes to the job's metrics, found in the
// ForJob cache rather than looked up label by label per event.
func (o *Observer) Observe(e starter.Event) {
	switch {
	case e.Kind == starter.EventSession:
		if e.State == "LOST" {
			o.expiries.Inc()
		}
	case e.Job != "":
		o.ForJob(e.Job).Observe(e)
	}
}

// jobMetrics is one job's label children.
type jobMetrics struct {
	succeeded, failed            prometheus.Counter
	duration, delay              *histogram
	misfires, failovers, makeUps prometheus.Counter
	reshardings, reshardFailures prometheus.Counter
	reshardDuration              *histogram
	leader                       prometheus.Gauge
}

func (m *jobMetrics) Kinds() starter.EventKinds { return jobKinds }

func (m *jobMetrics) Observe(e starter.Event) {
	switch e.Kind {
	case starter.EventItemFinished:
		// The fire delay is taken here too (the item started at Time - Duration): one event per
		// item. Only a cron fire's (or a trigger's): a misfire, failover or make-up run serves
		// a fire from the past on purpose. In Unix nanoseconds: time.Time's Add and Sub check
		// for overflow and monotonic readings, at a cost a fire notices.
		if e.Source == starter.SourceNormal && !e.FireTime.IsZero() {
			delay := time.Duration(e.Time.UnixNano()-e.FireTime.UnixNano()) - e.Duration
			m.delay.Observe(max(0, delay.Seconds()))
		}
		if e.Err == nil {
			m.succeeded.Inc()
		} else {
			m.failed.Inc()
		}
		m.duration.Observe(e.Duration.Seconds())
	case starter.EventMisfired:
		m.misfires.Inc()
	case starter.EventFailoverTaken:
		m.failovers.Inc()
	case starter.EventRunStarted:
		if e.Source == starter.SourceMakeUp {
			m.makeUps.Inc()
		}
	case starter.EventResharded:
		if e.Err != nil {
			m.reshardFailures.Inc()
		} else {
			m.reshardings.Inc()
			m.reshardDuration.Observe(e.Duration.Seconds())
		}
	case starter.EventLeadership:
		m.leader.Set(bit(e.Leader))
	case starter.EventUnregistered:
		m.leader.Set(0)
	}
}

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
