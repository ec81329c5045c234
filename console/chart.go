package console

import (
	"fmt"
	"time"
)

// chart is the dashboard's bars of item runs succeeded (up) and failed (down) per step.
type chart struct {
	Width, Height, Mid int
	Bars               []bar
	Labels             []label
	Succeeded, Failed  int
	Max                int
}

type bar struct {
	X, Y, W, H int
	Class      string
	Title      string
}

const (
	chartHalf = 70 // pixels above and below the axis
	chartBarW = 8
)

func newChart(counts []Count, step time.Duration) chart {
	c := chart{Height: 2*chartHalf + 20, Mid: chartHalf}
	for _, n := range counts {
		c.Max = max(c.Max, n.Succeeded, n.Failed)
		c.Succeeded += n.Succeeded
		c.Failed += n.Failed
	}
	scale := func(n int) int {
		if c.Max == 0 || n == 0 {
			return 0
		}
		return max(1, n*chartHalf/c.Max)
	}
	for i, n := range counts {
		x := i * (chartBarW + 2)
		title := fmt.Sprintf("%s–%s: %d succeeded, %d failed", n.From.Local().Format("15:04"), n.From.Add(step).Local().Format("15:04"), n.Succeeded, n.Failed)
		if h := scale(n.Succeeded); h > 0 {
			c.Bars = append(c.Bars, bar{X: x, Y: chartHalf - h, W: chartBarW, H: h, Class: "ok", Title: title})
		}
		if h := scale(n.Failed); h > 0 {
			c.Bars = append(c.Bars, bar{X: x, Y: chartHalf, W: chartBarW, H: h, Class: "failed", Title: title})
		}
		if i%6 == 0 {
			c.Labels = append(c.Labels, label{X: x, Y: 2*chartHalf + 14, Text: n.From.Local().Format("15:04")})
		}
	}
	c.Width = max(len(counts)*(chartBarW+2), 100) + 30 // room for the last label
	return c
}
