package chaos

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/ledger"
)

// makeUpLag tells a make-up run from a scheduled one: a scheduled run starts within a few
// milliseconds of its fire time, a misfire or failover run that serves an earlier fire starts
// later. A pair never completed is coalesced into the next completed fire of its item when that
// run is a make-up (as misfire coalesces the fires it missed into one run).
const makeUpLag = 300 * time.Millisecond

// Pair is one (fire, item) of the schedule.
type Pair struct {
	Fire time.Time
	Item int
}

func (p Pair) String() string {
	return fmt.Sprintf("(%s, item %d)", p.Fire.UTC().Format("15:04:05"), p.Item)
}

// Figures are what a run shows.
type Figures struct {
	From, To    time.Time // fires evaluated, inclusive
	Fires       int
	Executions  int // item executions started for those fires
	Completions int
	Cancelled   int
	Duplicates  []Pair // a pair completed more than once, once per extra completion
	// Never completed, split: inside a detection window (the crashed instance still owned the
	// item), made up or not; outside, coalesced into a make-up run or lost.
	NeverCompleted  int
	WindowMadeUp    []Pair
	WindowNotMadeUp []Pair
	Coalesced       []Pair
	Lost            []Pair
	LongestFailover time.Duration // crash to the first run of one of its items elsewhere
	LongestFault    string
	NoFailover      []string // crashed items never run elsewhere
	Stopped         []string // instances alive at the end that started nothing in the last tail
	PerFault        []FaultEffect
}

// FaultEffect attributes what happened to the fires from a fault's start to the next fault's.
type FaultEffect struct {
	Fault                                                     Fault
	Failover                                                  time.Duration // longest crash-to-failover gap of its items
	Cancelled, Duplicates, MadeUp, NotMadeUp, Coalesced, Lost int
}

// OK reports whether the promise was kept: no duplicate, no loss outside detection windows,
// every detection-window item made up, every instance still scheduling.
func (f Figures) OK() bool {
	return len(f.Duplicates) == 0 && len(f.Lost) == 0 && len(f.WindowNotMadeUp) == 0 && len(f.Stopped) == 0 && len(f.NoFailover) == 0
}

type pairKey struct {
	fire int64
	item int
}

type run struct {
	instance    string
	fire, start int64
	completed   bool
	cancelled   bool
}

// window is the detection window of one crashed item: fires in (from, to] were still owned by
// the dead instance, until ZooKeeper noticed the crash; failover is the first run of the item
// elsewhere after the crash.
type window struct {
	fault    int
	from, to int64
	failover *run
}

// noticeSlack allows for the survivors learning of a crash a little after the harness's own
// ZooKeeper session does.
const noticeSlack = 50 * time.Millisecond

// madeUp reports whether a run by another instance than the crashed one completed a fire of
// the window not before fire: only a make-up serves a fire the crashed instance still owned.
func (w window) madeUp(runs []*run, crashed string, fire int64) bool {
	for _, r := range runs {
		if r.completed && r.instance != crashed && r.fire >= fire && r.fire > w.from && r.fire <= w.to {
			return true
		}
	}
	return false
}

// analyze computes the figures of the fires in [from, to] (whole seconds: the job fires every
// second) from the merged ledger and the fault log; live are the instances alive at end.
func analyze(entries []ledger.Entry, faults []Fault, from, to time.Time, live []string, end time.Time, tail time.Duration) Figures {
	from, to = from.Truncate(time.Second).Add(time.Second), to.Truncate(time.Second)
	f := Figures{From: from, To: to}
	lo, hi := from.UnixMilli(), to.UnixMilli()

	// Runs by (fire, item, instance), in start order, with their end.
	type runKey struct {
		fire     int64
		item     int
		instance string
	}
	open := map[runKey]*run{}
	byItem := map[int][]*run{}
	for _, e := range entries {
		k := runKey{e.Fire, e.Item, e.Instance}
		switch e.Event {
		case "started":
			r := &run{instance: e.Instance, fire: e.Fire, start: e.At}
			open[k] = r
			byItem[e.Item] = append(byItem[e.Item], r)
		case "completed", "cancelled":
			if r := open[k]; r != nil {
				r.completed, r.cancelled = e.Event == "completed", e.Event == "cancelled"
				delete(open, k)
			}
		}
	}
	done := map[pairKey]int{}
	items := 0
	for item, runs := range byItem {
		items = max(items, item+1)
		for _, r := range runs {
			if r.fire < lo || r.fire > hi {
				continue
			}
			f.Executions++
			if r.cancelled {
				f.Cancelled++
			}
			if r.completed {
				f.Completions++
				done[pairKey{r.fire, item}]++
			}
		}
	}

	// Detection windows of the crashes.
	windows := map[int][]window{}
	for fi, fault := range faults {
		if !fault.crash() {
			continue
		}
		tc := fault.Start.UnixMilli()
		for item, runs := range byItem {
			var last *run
			for _, r := range runs {
				if r.start <= tc {
					last = r
				}
			}
			if last == nil || last.instance != fault.Instance {
				continue
			}
			w := window{fault: fi, from: tc - 1000, to: hi}
			if !fault.Noticed.IsZero() {
				w.to = fault.Noticed.UnixMilli() + noticeSlack.Milliseconds()
			}
			for _, r := range runs {
				if r.start > tc && r.instance != fault.Instance {
					w.failover = r
					break
				}
			}
			if w.failover == nil {
				f.NoFailover = append(f.NoFailover, fmt.Sprintf("item %d of %s (%s at %s)", item, fault.Instance, fault.Kind, clock(fault.Start)))
			} else if gap := time.Duration(w.failover.start-tc) * time.Millisecond; gap > f.LongestFailover {
				f.LongestFailover, f.LongestFault = gap, fmt.Sprintf("%s %s at %s, item %d", fault.Kind, fault.Instance, clock(fault.Start), item)
			}
			windows[item] = append(windows[item], w)
		}
	}

	effects := make([]FaultEffect, len(faults))
	for i := range faults {
		effects[i].Fault = faults[i]
	}
	for _, ws := range windows {
		for _, w := range ws {
			if w.failover != nil {
				gap := time.Duration(w.failover.start-faults[w.fault].Start.UnixMilli()) * time.Millisecond
				effects[w.fault].Failover = max(effects[w.fault].Failover, gap)
			}
		}
	}
	attribute := func(fire int64) *FaultEffect {
		var e *FaultEffect
		for i := range faults {
			if faults[i].Start.UnixMilli()-1000 < fire {
				e = &effects[i]
			}
		}
		return e
	}
	for _, runs := range byItem {
		for _, r := range runs {
			if r.cancelled && r.fire >= lo && r.fire <= hi {
				if e := attribute(r.fire); e != nil {
					e.Cancelled++
				}
			}
		}
	}

	for fire := lo; fire <= hi; fire += 1000 {
		f.Fires++
		for item := 0; item < items; item++ {
			p := Pair{time.UnixMilli(fire), item}
			e := attribute(fire)
			if n := done[pairKey{fire, item}]; n > 1 {
				for k := 1; k < n; k++ {
					f.Duplicates = append(f.Duplicates, p)
				}
				if e != nil {
					e.Duplicates += n - 1
				}
			}
			if done[pairKey{fire, item}] > 0 {
				continue
			}
			f.NeverCompleted++
			next := nextCompleted(byItem[item], fire)
			madeUp := next != nil && next.start-next.fire >= makeUpLag.Milliseconds()
			var inWindow *window
			for k, w := range windows[item] {
				if fire > w.from && fire <= w.to {
					inWindow = &windows[item][k]
				}
			}
			switch {
			case inWindow != nil && inWindow.madeUp(byItem[item], faults[inWindow.fault].Instance, fire):
				f.WindowMadeUp = append(f.WindowMadeUp, p)
				if e != nil {
					e.MadeUp++
				}
			case inWindow != nil:
				f.WindowNotMadeUp = append(f.WindowNotMadeUp, p)
				if e != nil {
					e.NotMadeUp++
				}
			case madeUp:
				f.Coalesced = append(f.Coalesced, p)
				if e != nil {
					e.Coalesced++
				}
			default:
				f.Lost = append(f.Lost, p)
				if e != nil {
					e.Lost++
				}
			}
		}
	}

	cut := end.Add(-tail).UnixMilli()
	for _, name := range live {
		started := false
		for _, runs := range byItem {
			for _, r := range runs {
				started = started || (r.instance == name && r.start >= cut)
			}
		}
		if !started {
			f.Stopped = append(f.Stopped, name)
		}
	}
	sort.Strings(f.NoFailover)
	f.PerFault = effects
	return f
}

// nextCompleted is the completed run of the item with the smallest fire after fire.
func nextCompleted(runs []*run, fire int64) *run {
	var best *run
	for _, r := range runs {
		if r.completed && r.fire > fire && (best == nil || r.fire < best.fire || (r.fire == best.fire && r.start < best.start)) {
			best = r
		}
	}
	return best
}

func clock(t time.Time) string { return t.UTC().Format("15:04:05.000") }

// print writes the figures.
func (f Figures) print(w io.Writer) {
	fmt.Fprintf(w, "fires evaluated:                 %d (%s .. %s UTC)\n", f.Fires, clock(f.From), clock(f.To))
	fmt.Fprintf(w, "item executions:                 %d (completed %d, cancelled %d)\n", f.Executions, f.Completions, f.Cancelled)
	fmt.Fprintf(w, "duplicate completions:           %d %s\n", len(f.Duplicates), pairs(f.Duplicates))
	fmt.Fprintf(w, "pairs never completed:           %d\n", f.NeverCompleted)
	fmt.Fprintf(w, "  in a detection window:         %d (made up %d, not made up %d %s)\n",
		len(f.WindowMadeUp)+len(f.WindowNotMadeUp), len(f.WindowMadeUp), len(f.WindowNotMadeUp), pairs(f.WindowNotMadeUp))
	fmt.Fprintf(w, "  outside detection windows:     %d (coalesced into a make-up run %d, lost %d %s)\n",
		len(f.Coalesced)+len(f.Lost), len(f.Coalesced), len(f.Lost), pairs(f.Lost))
	fmt.Fprintf(w, "longest crash-to-failover gap:   %v (%s)\n", f.LongestFailover.Round(time.Millisecond), f.LongestFault)
	if len(f.NoFailover) > 0 {
		fmt.Fprintf(w, "crashed items never failed over: %s\n", strings.Join(f.NoFailover, "; "))
	}
	fmt.Fprintf(w, "instances that stopped scheduling: %d %s\n", len(f.Stopped), strings.Join(f.Stopped, " "))
	fmt.Fprintf(w, "fault log, and what each fault did to the fires from its start to the next fault's:\n")
	for _, e := range f.PerFault {
		noticed := ""
		if !e.Fault.Noticed.IsZero() {
			noticed = fmt.Sprintf(", ZooKeeper noticed after %v, first run elsewhere after %v",
				e.Fault.Noticed.Sub(e.Fault.Start).Round(10*time.Millisecond), e.Failover.Round(10*time.Millisecond))
		}
		fmt.Fprintf(w, "  %s %-16s %-12s undone after %v%s\n", clock(e.Fault.Start), e.Fault.Kind, e.Fault.Target,
			e.Fault.End.Sub(e.Fault.Start).Round(10*time.Millisecond), noticed)
		fmt.Fprintf(w, "      cancelled %d, duplicates %d, window made up %d, not made up %d, coalesced %d, lost %d\n",
			e.Cancelled, e.Duplicates, e.MadeUp, e.NotMadeUp, e.Coalesced, e.Lost)
	}
}

// pairs lists up to 10 pairs.
func pairs(ps []Pair) string {
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	for i, p := range ps {
		if i == 10 {
			fmt.Fprintf(&b, " …%d more", len(ps)-10)
			break
		}
		b.WriteString(" " + p.String())
	}
	return "[" + strings.TrimSpace(b.String()) + "]"
}
