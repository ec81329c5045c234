package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
)

// tally counts, from the services' ledgers, who ran which (job, item) of each fire: row 10's
// lost and doubled pairs, and whether an instance ran its share of every job at a fire.
type tally struct {
	prefix      string // job names are prefix0 … prefix{jobs-1}
	jobs, items int
	fires       map[int64]*fireCount // by fire time, Unix ms
}

// fireCount is one fire: runs of each (job, item), and items of each job run by each instance
// (counts stop at 255).
type fireCount struct {
	runs       []uint8            // [job*items + item]
	byInstance map[string][]uint8 // instance -> [job]
}

func newTally(prefix string, jobs, items int) *tally {
	return &tally{prefix: prefix, jobs: jobs, items: items, fires: map[int64]*fireCount{}}
}

// add counts the item starts among entries; an entry of a job or item outside the schedule is
// an error (a ledger of another run).
func (t *tally) add(entries []ledger.Entry) error {
	for _, e := range entries {
		if e.Event != "started" {
			continue
		}
		job, err := strconv.Atoi(strings.TrimPrefix(e.Job, t.prefix))
		if err != nil || !strings.HasPrefix(e.Job, t.prefix) || job < 0 || job >= t.jobs || e.Item < 0 || e.Item >= t.items {
			return fmt.Errorf("ledger of %s: job %q item %d is not one of %s0…%s%d's %d items", e.Instance, e.Job, e.Item, t.prefix, t.prefix, t.jobs-1, t.items)
		}
		f := t.fires[e.Fire]
		if f == nil {
			f = &fireCount{runs: make([]uint8, t.jobs*t.items), byInstance: map[string][]uint8{}}
			t.fires[e.Fire] = f
		}
		bump(&f.runs[job*t.items+e.Item])
		mine := f.byInstance[e.Instance]
		if mine == nil {
			mine = make([]uint8, t.jobs)
			f.byInstance[e.Instance] = mine
		}
		bump(&mine[job])
	}
	return nil
}

func bump(c *uint8) {
	if *c < 255 {
		*c++
	}
}

// pairs counts the (fire, item) pairs of every job, over the fires in (after, upto], that
// never ran (lost) and the runs beyond the first of a pair (doubled). A fire nobody ran loses
// all of its pairs.
func (t *tally) pairs(after, upto time.Time, period time.Duration) (lost, doubled int) {
	for _, fire := range firesIn(after, upto, period) {
		f := t.fires[fire.UnixMilli()]
		if f == nil {
			lost += t.jobs * t.items
			continue
		}
		for _, n := range f.runs {
			if n == 0 {
				lost++
			} else {
				doubled += int(n) - 1
			}
		}
	}
	return lost, doubled
}

// ranShare reports whether instance ran at least share items of every job at fire.
func (t *tally) ranShare(fire time.Time, instance string, share int) bool {
	f := t.fires[fire.UnixMilli()]
	if f == nil {
		return false
	}
	mine := f.byInstance[instance]
	if mine == nil {
		return false
	}
	for _, n := range mine {
		if int(n) < share {
			return false
		}
	}
	return true
}

// firesIn lists the fires of a cron every period (a divisor of a minute: the fires are the
// multiples of period) in (after, upto].
func firesIn(after, upto time.Time, period time.Duration) []time.Time {
	var out []time.Time
	for f := after.Truncate(period).Add(period); !f.After(upto); f = f.Add(period) {
		out = append(out, f)
	}
	return out
}
