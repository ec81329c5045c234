package quartz

import (
	"testing"
	"time"
)

// FuzzParse checks that no input makes the parser panic, and that for accepted expressions Next
// moves strictly forward (or reports no fire time) and returns whole seconds in the schedule's zone.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0 0 12 * * ?", "0/5 * * * * ?", "0 15 10 ? * MON-FRI", "0 0 0 L-3 * ?", "0 0 0 LW * ?",
		"0 0 0 15W * ?", "0 0 0 ? * 6#3", "0 0 0 ? * 5L", "0 0 22-2 * * ? 2025-2030", "*/13 * * * * ?",
		"0 0 0 ? * FRI-MON", "0 30 2 * * ?", "99 * * * * ?", "0 0 0 98 * 2", "*/-5 * * * * ?",
	} {
		f.Add(s, int64(1735689600), uint8(2))
	}
	zones := []string{"UTC", "GMT+08:00", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"}
	f.Fuzz(func(t *testing.T, spec string, start int64, zone uint8) {
		cs, err := Parse(spec, zones[int(zone)%len(zones)])
		if err != nil {
			return
		}
		s := cs.(*Schedule)
		prev := time.Unix(start%(1<<36), 0) // years up to ~4100
		for range 5 {
			next := s.Next(prev)
			if next.IsZero() {
				return
			}
			if !next.After(prev) {
				t.Fatalf("%q: Next(%s) = %s, not after", spec, prev, next)
			}
			if next.Nanosecond() != 0 || next.Location() != s.loc {
				t.Fatalf("%q: Next(%s) = %s", spec, prev, next)
			}
			prev = next
		}
	})
}
