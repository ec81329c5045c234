package main

import "fmt"

// floorRows is row 6: our idle process beside robfig/cron and gocron v2 holding the same jobs
// in the same windows, as ratios of ours to theirs.
func (b *bench) floorRows(s scaled) {
	for _, name := range []string{"robfig", "gocron"} {
		lib := map[string]string{"robfig": "robfig/cron v3", "gocron": "go-co-op/gocron v2"}[name]
		setup := fmt.Sprintf("%d idle jobs, same windows as row 5, no coordination", s.n)
		b.add(row{
			id: "6", measure: "RSS, ours ÷ " + lib, setup: setup,
			value: s.floorRSSRate[name].format("%.1f"),
			reference: fmt.Sprintf("ours %s MB, %s %s MB (%s goroutines)", s.rss.format("%.0f"), lib,
				s.floorRSS[name].format("%.0f"), s.floorGor[name].format("%.0f")),
			target: "—", verdict: "—",
		})
		ratio := "n/a (theirs is 0)"
		if c := s.floorCPU[name]; c.med > 0 {
			ratio = fmt.Sprintf("%.1f", s.cpu.med/c.med)
		}
		b.add(row{
			id: "6", measure: "idle CPU, ours ÷ " + lib, setup: setup, value: ratio,
			reference: fmt.Sprintf("ours %s %%, %s %s %% of one core", s.cpu.format("%.2f"), lib, s.floorCPU[name].format("%.2f")),
			target:    "—", verdict: "—",
		})
	}
}
