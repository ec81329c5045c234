package quartz

import (
	"sync"
	"testing"
	"time"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ spec, zone, want string }{
		{"0 0 25 * * ?", "UTC", `cron "0 0 25 * * ?": hours: value 25 out of range 0-23 (token "25")`},
		{"0 0 0 1-32 * ?", "UTC", `cron "0 0 0 1-32 * ?": day-of-month: value 32 out of range 1-31 (token "1-32")`},
		{"0 0 0 ? * 0", "UTC", `cron "0 0 0 ? * 0": day-of-week: value 0 out of range 1-7 (token "0")`},
		{"0 0 0 * * *", "UTC", `cron "0 0 0 * * *": day-of-week: day-of-month and day-of-week cannot both be specified; one must be '?' (token "*")`},
		{"0 0 0 ? * ?", "UTC", `cron "0 0 0 ? * ?": day-of-week: '?' is allowed in day-of-month or day-of-week, not both (token "?")`},
		{"0 0 ? * * ?", "UTC", `cron "0 0 ? * * ?": hours: '?' is only allowed in day-of-month or day-of-week (token "?")`},
		{"0 0 0 * *", "UTC", `cron "0 0 0 * *": expected 6 or 7 fields, found 5`},
		{"0 0 0 ? * MON-FOO", "UTC", `cron "0 0 0 ? * MON-FOO": day-of-week: invalid day of week "FOO" (token "MON-FOO")`},
		{"0 0 0 L,5 * ?", "UTC", `cron "0 0 0 L,5 * ?": day-of-month: 'L' and 'LW' cannot be combined with other days of the month (token "L,5")`},
		{"0 0 0 ? * 2#6", "UTC", `cron "0 0 0 ? * 2#6": day-of-week: '#' must be followed by a number between 1 and 5 (token "2#6")`},
		{"0 0 0 L-31 * ?", "UTC", `cron "0 0 0 L-31 * ?": day-of-month: offset from last day must be <= 30, not 31 (token "L-31")`},
		{"0 0 */24 * * ?", "UTC", `cron "0 0 */24 * * ?": hours: increment 24 out of range 0-23 (token "*/24")`},
		{"0 0 0 1 1 ? 2030-2020", "UTC", `cron "0 0 0 1 1 ? 2030-2020": year: start year 2030 is after end year 2020 (token "2030-2020")`},
		{"1- * * * * ?", "UTC", `cron "1- * * * * ?": seconds: range without an end (token "1-")`},
		{"0 0 0 1 JA ?", "UTC", `cron "0 0 0 1 JA ?": month: unknown name "JA" (token "JA")`},
		{"0 0 3 * * ?", "Mars/Olympus", `cron "0 0 3 * * ?": unknown time zone "Mars/Olympus"`},
		{"0 0 3 * * ?", "GMT+24:00", `cron "0 0 3 * * ?": unknown time zone "GMT+24:00"`},
	} {
		_, err := Parse(c.spec, c.zone)
		if err == nil || err.Error() != c.want {
			t.Errorf("Parse(%q, %q) = %v, want %s", c.spec, c.zone, err, c.want)
		}
	}
}

func TestLoadZone(t *testing.T) {
	for _, c := range []struct {
		id     string
		offset int // seconds east of UTC
	}{
		{"GMT+8", 8 * 3600}, {"GMT+08", 8 * 3600}, {"GMT+0800", 8 * 3600}, {"GMT+08:00", 8 * 3600},
		{"GMT-05:30", -(5*3600 + 1800)}, {"GMT-5:30", -(5*3600 + 1800)}, {"GMT+123", 3600 + 23*60},
		{"GMT+00:00", 0}, {"UTC", 0}, {"Asia/Shanghai", 8 * 3600}, {"Asia/Kolkata", 5*3600 + 1800},
	} {
		loc, err := LoadZone(c.id)
		if err != nil {
			t.Errorf("LoadZone(%q): %v", c.id, err)
			continue
		}
		if _, off := time.Date(2025, 1, 15, 0, 0, 0, 0, loc).Zone(); off != c.offset {
			t.Errorf("LoadZone(%q): offset %d, want %d", c.id, off, c.offset)
		}
	}
	for _, id := range []string{"GMT+", "GMT+8:0", "GMT+24", "GMT+08:60", "GMT+1:2:3", "gmt+8", "Local", "Nowhere/Land"} {
		if _, err := LoadZone(id); err == nil || err.Error() != `unknown time zone "`+id+`"` {
			t.Errorf("LoadZone(%q) = %v, want unknown time zone", id, err)
		}
	}
	if loc, err := LoadZone(""); err != nil || loc != time.Local {
		t.Errorf(`LoadZone("") = %v, %v; want time.Local`, loc, err)
	}
}

// fires returns the next n fire times after start, formatted in the schedule's zone.
func fires(t *testing.T, spec, zone string, start time.Time, n int) []string {
	t.Helper()
	s, err := Parse(spec, zone)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for range n {
		start = s.Next(start)
		if start.IsZero() {
			out = append(out, "none")
			break
		}
		out = append(out, start.Format("2006-01-02T15:04:05Z07:00"))
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestQuartzQuirks pins, readably, behaviours golden.txt shows Quartz has.
func TestQuartzQuirks(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	lh, _ := time.LoadLocation("Australia/Lord_Howe")
	utc := time.UTC
	for _, c := range []struct {
		name, spec, zone string
		start            time.Time
		want             []string
	}{
		{"a time in the spring-forward gap is skipped that day", "0 30 2 * * ?", "America/New_York",
			time.Date(2025, 3, 8, 12, 0, 0, 0, ny),
			[]string{"2025-03-10T02:30:00-04:00", "2025-03-11T02:30:00-04:00"}},
		{"a repeated hour fires once, in its second (standard-time) occurrence", "0 0/30 * * * ?", "America/New_York",
			time.Date(2025, 11, 2, 0, 10, 0, 0, ny),
			[]string{"2025-11-02T00:30:00-04:00", "2025-11-02T01:00:00-05:00", "2025-11-02T01:30:00-05:00", "2025-11-02T02:00:00-05:00"}},
		{"Lord Howe's 30-minute gap", "0 0/15 * * * ?", "Australia/Lord_Howe",
			time.Date(2025, 10, 5, 1, 40, 0, 0, lh),
			[]string{"2025-10-05T01:45:00+10:30", "2025-10-05T02:30:00+11:00", "2025-10-05T02:45:00+11:00"}},
		{"Lord Howe's 30-minute repeat", "0 0/15 * * * ?", "Australia/Lord_Howe",
			time.Date(2025, 4, 6, 1, 10, 0, 0, lh),
			[]string{"2025-04-06T01:15:00+11:00", "2025-04-06T01:30:00+10:30", "2025-04-06T01:45:00+10:30"}},
		{"1W never leaves the month", "0 0 0 1W * ?", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc),
			[]string{"2025-02-03T00:00:00Z", "2025-03-03T00:00:00Z", "2025-04-01T00:00:00Z"}},
		{"31W fires only in months with 31 days", "0 0 0 31W * ?", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc),
			[]string{"2025-01-31T00:00:00Z", "2025-03-31T00:00:00Z", "2025-05-30T00:00:00Z", "2025-07-31T00:00:00Z", "2025-08-29T00:00:00Z"}},
		{"2#5 skips months without a fifth Monday", "0 0 0 ? * 2#5", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc),
			[]string{"2025-03-31T00:00:00Z", "2025-06-30T00:00:00Z", "2025-09-29T00:00:00Z"}},
		{"names run on: MONDAY is MON", "0 0 9 ? * MONDAY", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc),
			[]string{"2025-01-06T09:00:00Z", "2025-01-13T09:00:00Z"}},
		{"a literal 99 means every value", "99 0 0 1 1 ? 2025", "UTC", time.Date(2025, 1, 1, 0, 0, 57, 0, utc),
			[]string{"2025-01-01T00:00:58Z", "2025-01-01T00:00:59Z", "none"}},
		{"a literal 98 in day-of-month means '?'", "0 0 0 98 * 2", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc),
			[]string{"2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z"}},
		{"30 February never comes", "0 0 0 30 2 ?", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc), []string{"none"}},
		{"a past year never comes", "0 0 0 1 1 ? 2010", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc), []string{"none"}},
		{"an empty seconds field parses but never fires (Quartz throws)", "L * * * * ?", "UTC", time.Date(2025, 1, 1, 0, 0, 0, 0, utc), []string{"none"}},
		{"L-30W: Quartz loops forever after May, we stop", "0 0 0 L-30W * ?", "UTC", time.Date(2025, 4, 1, 0, 0, 0, 0, utc),
			[]string{"2025-05-01T00:00:00Z", "none"}},
	} {
		if got := fires(t, c.spec, c.zone, c.start, len(c.want)); !equal(got, c.want) {
			t.Errorf("%s: %q from %s:\n got %q\nwant %q", c.name, c.spec, c.start, got, c.want)
		}
	}
}

func TestLocalZoneAndResultZone(t *testing.T) {
	cs, err := Parse("0 0 3 * * ?", "")
	if err != nil {
		t.Fatal(err)
	}
	s := cs.(*Schedule)
	if s.Location() != time.Local || s.String() != "0 0 3 * * ?" {
		t.Fatalf("Location() = %v, String() = %q", s.Location(), s.String())
	}
	cs, _ = Parse("0 0 3 * * ?", "Asia/Shanghai")
	next := cs.Next(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if next.Location().String() != "Asia/Shanghai" || next.Format(time.RFC3339) != "2025-01-02T03:00:00+08:00" {
		t.Fatalf("Next = %s in %v", next, next.Location())
	}
}

// TestConcurrentNext: a Schedule is shared by every goroutine that asks it (run with -race).
func TestConcurrentNext(t *testing.T) {
	cs, err := Parse("0 0/30 * * * ?", "America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 11, 2, 4, 0, 0, 0, time.UTC)
	want := cs.Next(start)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				if got := cs.Next(start); !got.Equal(want) {
					t.Errorf("Next = %s, want %s", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
