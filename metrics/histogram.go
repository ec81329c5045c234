package metrics

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// histogramVec is a histogram by job, exposed as client_golang's HistogramVec exposes it, whose
// Observe is a fire's: a bucket's count and the sum, two atomic adds, called directly (not
// through an interface). client_golang's takes twice the instructions (a count and hot/cold
// index, native-histogram checks), which a fire of a 2-item job notices (make bench-overhead).
type histogramVec struct {
	desc   *prometheus.Desc
	bounds []float64 // upper bounds, ascending; the +Inf bucket is implied

	mu   sync.Mutex
	jobs map[string]*histogram
}

func newHistogramVec(name, help string, bounds []float64) *histogramVec {
	return &histogramVec{desc: prometheus.NewDesc(name, help, []string{"job"}, nil), bounds: bounds, jobs: map[string]*histogram{}}
}

// forJob is the job's histogram, made on first use.
func (v *histogramVec) forJob(job string) *histogram {
	v.mu.Lock()
	defer v.mu.Unlock()
	h, ok := v.jobs[job]
	if !ok {
		h = &histogram{bounds: v.bounds, counts: make([]atomic.Uint64, len(v.bounds)+1)}
		v.jobs[job] = h
	}
	return h
}

// Describe is prometheus.Collector's.
func (v *histogramVec) Describe(ch chan<- *prometheus.Desc) { ch <- v.desc }

// Collect is prometheus.Collector's.
func (v *histogramVec) Collect(ch chan<- prometheus.Metric) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for job, h := range v.jobs {
		count, sum, buckets := h.read()
		ch <- prometheus.MustNewConstHistogram(v.desc, count, sum, buckets, job)
	}
}

// histogram is one job's.
type histogram struct {
	bounds []float64
	counts []atomic.Uint64 // per bucket, not cumulative; the last is +Inf's
	sum    atomic.Uint64   // float64 bits
}

// Observe counts v in the first bucket whose upper bound is at least v.
func (h *histogram) Observe(v float64) {
	i := 0
	for i < len(h.bounds) && !(v <= h.bounds[i]) { // NaN: +Inf, as client_golang has it
		i++
	}
	h.counts[i].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// read is the count, the sum and the cumulative counts by upper bound. The buckets are read
// once each, so that the count is their total; an observation under way may be in the sum and
// not yet in its bucket (or the other way round) until the next scrape.
func (h *histogram) read() (count uint64, sum float64, buckets map[float64]uint64) {
	buckets = make(map[float64]uint64, len(h.bounds))
	for i := range h.counts {
		count += h.counts[i].Load()
		if i < len(h.bounds) {
			buckets[h.bounds[i]] = count
		}
	}
	return count, math.Float64frombits(h.sum.Load()), buckets
}
