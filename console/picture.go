package console

import (
	"fmt"
	"slices"
	"time"
)

// picture is a job's recent runs drawn as fires (columns, oldest left) × items (rows): each
// cell is coloured by the item's result (ok, failed, running) and shaded by its duration
// against the slowest cell, so a stuck item (a running cell that stays dark) or a slow shard (a
// dark row) shows at a glance.
type picture struct {
	Width, Height int
	Cells         []cell
	Rows          []label // item numbers, left
	Cols          []label // fire times, bottom (a few)
	Slowest       string
	Empty         bool
}

type cell struct {
	X, Y    int
	Class   string // ok, failed, running
	Opacity string
	Title   string
}

type label struct {
	X, Y int
	Text string
}

const (
	pictureCols = 40 // fires shown
	cellSize    = 16
	cellGap     = 2
	labelLeft   = 28
	labelBottom = 18
)

// fireKey groups the item runs of one fire across instances: the scheduled fire time when
// known, else the start second (the execution log has no fire time).
func fireKey(r ItemRun) time.Time {
	if !r.FireTime.IsZero() {
		return r.FireTime
	}
	return r.Start.Truncate(time.Second)
}

func newPicture(runs []ItemRun, items int, now time.Time) picture {
	byFire := map[time.Time]map[int]ItemRun{}
	for _, r := range runs {
		k := fireKey(r)
		if byFire[k] == nil {
			byFire[k] = map[int]ItemRun{}
		}
		if old, ok := byFire[k][r.Item]; !ok || r.Start.After(old.Start) { // a misfire re-run replaces
			byFire[k][r.Item] = r
		}
		if r.Item >= items {
			items = r.Item + 1
		}
	}
	fires := slices.SortedFunc(mapKeys(byFire), func(a, b time.Time) int { return a.Compare(b) })
	if len(fires) > pictureCols {
		fires = fires[len(fires)-pictureCols:]
	}
	p := picture{Empty: len(fires) == 0}
	// The shade's scale is the slowest finished item: a run still going past it is as dark as
	// can be, so a stuck item stands out without paling every other cell.
	var slowest time.Duration
	for _, f := range fires {
		for _, r := range byFire[f] {
			if !r.Running() {
				slowest = max(slowest, r.Duration(now))
			}
		}
	}
	slowest = max(slowest, time.Millisecond)
	p.Slowest = round(slowest).String()
	step := cellSize + cellGap
	for col, f := range fires {
		x := labelLeft + col*step
		for item, r := range byFire[f] {
			d := r.Duration(now)
			p.Cells = append(p.Cells, cell{
				X: x, Y: item * step, Class: r.Result(),
				Opacity: fmt.Sprintf("%.2f", 0.3+0.7*min(1, float64(d)/float64(slowest))),
				Title: fmt.Sprintf("fire %s, item %d on %s: %s in %s%s", f.Local().Format("15:04:05"), item, r.Host,
					r.Result(), round(d), causeSuffix(r.Cause)),
			})
		}
		if col%8 == 0 || col == len(fires)-1 {
			p.Cols = append(p.Cols, label{X: x, Y: items*step + 12, Text: f.Local().Format("15:04:05")})
		}
	}
	slices.SortFunc(p.Cells, func(a, b cell) int { return a.X*100000 + a.Y - (b.X*100000 + b.Y) })
	for i := 0; i < items; i++ {
		p.Rows = append(p.Rows, label{X: labelLeft - 4, Y: i*step + cellSize - 3, Text: fmt.Sprint(i)})
	}
	p.Width = labelLeft + max(len(fires), 1)*step + 60
	p.Height = items*step + labelBottom
	return p
}

func causeSuffix(cause string) string {
	if cause == "" {
		return ""
	}
	if len(cause) > 200 {
		cause = cause[:200] + "…"
	}
	return ": " + cause
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
