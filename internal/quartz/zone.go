package quartz

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// LoadZone resolves a time-zone ID the way the schedule needs it: "" is the process's local zone;
// "GMT+8", "GMT+08", "GMT+0800", "GMT+08:00", "GMT-5:30"... are fixed offsets parsed like Java's
// TimeZone.getTimeZone; anything else must be an IANA name ("Asia/Shanghai", "UTC").
// Java maps an ID it does not know to GMT without a word; we reject it instead, so that a typo does
// not silently move every fire time.
func LoadZone(id string) (*time.Location, error) {
	if id == "" {
		return time.Local, nil
	}
	if off, ok := parseGMTOffset(id); ok {
		return time.FixedZone(id, off), nil
	}
	if id == "Local" { // Go's alias for the local zone; not a zone ID anywhere else
		return nil, fmt.Errorf("unknown time zone %q", id)
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", id)
	}
	return loc, nil
}

// parseGMTOffset parses Java's custom zone IDs: "GMT", a sign, then hours (1-2 digits) with
// optionally ":" and two minute digits, or 3-4 digits hhmm. Hours up to 23, minutes up to 59.
func parseGMTOffset(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, "GMT")
	if !ok || len(rest) < 2 {
		return 0, false
	}
	sign := 1
	switch rest[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, false
	}
	hours, num, length, delims := 0, 0, 0, 0
	for i := 1; i < len(rest); i++ {
		c := rest[i]
		if c == ':' {
			if delims > 0 || length > 2 {
				return 0, false
			}
			hours, num, length = num, 0, 0
			delims++
			continue
		}
		if c < '0' || c > '9' || length >= 9 {
			return 0, false
		}
		num = num*10 + int(c-'0')
		length++
	}
	switch {
	case delims == 0 && length <= 2:
		hours, num = num, 0
	case delims == 0:
		hours, num = num/100, num%100
	case length != 2:
		return 0, false
	}
	if hours > 23 || num > 59 {
		return 0, false
	}
	return sign * (hours*60 + num) * 60, true
}

// zoneTable lists a zone's offset changes up to 3001, the years Quartz's search can visit,
// so that a lookup is a binary search instead of the time package's rule evaluation (which is
// slow past the last transition written in the tzdata file). Tables are shared by zone name.
type zoneTable struct {
	at  []int64 // off[i] is in force from at[i] (at[0]: the beginning of time) until at[i+1]
	off []int64 // one fewer than at: the last at is the end of the table
}

var (
	tableFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	tableTo   = time.Date(3001, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	tables    sync.Map // zone name → *zoneTable
)

func tableFor(loc *time.Location) *zoneTable {
	if t, ok := tables.Load(loc.String()); ok {
		return t.(*zoneTable)
	}
	t := &zoneTable{}
	for u := tableFrom; u < tableTo; {
		at := time.Unix(u, 0).In(loc)
		_, off := at.Zone()
		start, end := at.ZoneBounds()
		from := int64(math.MinInt64)
		if !start.IsZero() {
			from = start.Unix()
		}
		if n := len(t.off); n == 0 || t.off[n-1] != int64(off) { // keep only real offset changes
			t.at, t.off = append(t.at, max(from, u)), append(t.off, int64(off))
		}
		if end.IsZero() {
			break
		}
		// Past the last transition written in the tzdata file, ZoneBounds cuts periods at year
		// ends, and for the hours between the UTC and the local year end returns u itself as the
		// end: step over that stretch (no zone changes its offset at New Year by rule).
		if u = end.Unix(); u <= at.Unix() {
			u = at.Unix() + 86400
		}
	}
	if len(t.at) > 0 {
		t.at[0] = math.MinInt64
	}
	t.at = append(t.at, tableTo)
	actual, _ := tables.LoadOrStore(loc.String(), t)
	return actual.(*zoneTable)
}

// zoneView answers offset questions about one zone for one Next call, remembering the table
// entry it used last (most questions of a call fall into the same one).
type zoneView struct {
	loc   *time.Location
	table *zoneTable // nil for a fixed zone
	fixed bool
	off   int64 // the fixed offset
	last  int   // index into table of the last answer
}

// index returns i with table.at[i] <= u < table.at[i+1], or -1 past the table's end.
func (z *zoneView) index(u int64) int {
	at := z.table.at
	if i := z.last; at[i] <= u && u < at[i+1] {
		return i
	}
	if u >= at[len(at)-1] {
		return -1
	}
	z.last = sort.Search(len(at), func(i int) bool { return at[i] > u }) - 1
	return z.last
}

// offsetAt is the offset (seconds east of UTC) in force at Unix second u.
func (z *zoneView) offsetAt(u int64) int64 {
	if z.fixed {
		return z.off
	}
	if i := z.index(u); i >= 0 {
		return z.table.off[i]
	}
	_, off := time.Unix(u, 0).In(z.loc).Zone()
	return int64(off)
}

// utcOfWall turns a wall-clock reading (seconds since 1970-01-01T00:00 local) into Unix seconds
// the way java.util.GregorianCalendar does with a ZoneInfo zone: a transition counts once the wall
// clock has reached the transition instant plus the offset it brings. So a reading inside a
// spring-forward gap uses the offset before the gap (02:30 becomes 03:30), and a reading inside a
// fall-back repeat uses the offset after it (the second 01:30, never the first).
func (z *zoneView) utcOfWall(w int64) int64 {
	if z.fixed {
		return w - z.off
	}
	i := z.index(w - z.offsetAt(w))
	if i < 0 { // past year 3000, where Quartz never looks
		return w - z.offsetAt(w-z.offsetAt(w))
	}
	at, off := z.table.at, z.table.off
	for {
		switch {
		case i > 0 && w < at[i]+off[i]:
			i--
		case i+1 < len(off) && w >= at[i+1]+off[i+1]:
			i++
		default:
			return w - off[i]
		}
	}
}

// isFixed reports whether loc has one offset for all time, and which.
func isFixed(loc *time.Location) (bool, int64) {
	epoch := time.Unix(0, 0).In(loc)
	if s, e := epoch.ZoneBounds(); s.IsZero() && e.IsZero() {
		_, off := epoch.Zone()
		return true, int64(off)
	}
	return false, 0
}
