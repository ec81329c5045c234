package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// summary is a figure over repeated runs: its median, min and max.
type summary struct {
	med, min, max float64
	n             int
}

func summarize(v []float64) summary {
	if len(v) == 0 {
		return summary{med: math.NaN(), min: math.NaN(), max: math.NaN()}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return summary{med: med, min: s[0], max: s[len(s)-1], n: len(s)}
}

// format prints "med [min–max]" with the given verb for each.
func (s summary) format(verb string) string {
	if s.n == 0 {
		return "n/a"
	}
	m := fmt.Sprintf(verb, s.med)
	if s.n == 1 {
		return m
	}
	return fmt.Sprintf("%s [%s–%s]", m, fmt.Sprintf(verb, s.min), fmt.Sprintf(verb, s.max))
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mb(b int64) float64 { return float64(b) / (1 << 20) }
