package quartz

import (
	"testing"
	"time"
)

// BenchmarkNext measures one Next call on typical schedules (fixed zone, zones with DST, 'LW').
func BenchmarkNext(b *testing.B) {
	for _, c := range []struct{ name, spec, zone string }{
		{"every5s_UTC", "0/5 * * * * ?", "UTC"},
		{"daily_NewYork", "0 30 2 * * ?", "America/New_York"},
		{"weekdays_Shanghai", "0 15 10 ? * MON-FRI", "Asia/Shanghai"},
		{"LW_London", "0 0 18 LW * ?", "Europe/London"},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := Parse(c.spec, c.zone)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			limit := start.AddDate(20, 0, 0) // stay in the years that matter
			t := start
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if t = s.Next(t); t.After(limit) {
					t = start
				}
			}
		})
	}
}
