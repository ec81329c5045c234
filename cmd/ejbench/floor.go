package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"
)

// The local scheduling floor (row 6): the same jobs in a plain local scheduler, no
// coordination. The cron is the instance's Quartz cron in the 6-field form both libraries
// accept ("?" is Quartz's; both read "*" the same way there).

// floorCron turns "0 0 3 * * ?" into "0 0 3 * * *".
func floorCron(quartz string) string {
	if n := len(quartz); n > 0 && quartz[n-1] == '?' {
		return quartz[:n-1] + "*"
	}
	return quartz
}

func floorFlags(role string, args []string) (jobsFlags, bool, error) {
	fs := flag.NewFlagSet(role, flag.ContinueOnError)
	var jf jobsFlags
	jf.register(fs)
	lat := fs.Bool("lat", false, "record fire latencies (the cron must fire on whole seconds)")
	err := fs.Parse(args)
	return jf, *lat, err
}

// floorTask counts a run and, with lat, records its delay after the whole second it serves:
// neither library tells a job its scheduled time.
func floorTask(c *counters, lat bool) func() {
	return func() {
		now := time.Now()
		c.execs.Add(1)
		if lat {
			c.mu.Lock()
			c.lat = append(c.lat, now.Sub(now.Truncate(time.Second)))
			c.mu.Unlock()
		}
	}
}

// runRobfig is the "robfig" role: robfig/cron/v3 with seconds.
func runRobfig(args []string) error {
	jf, lat, err := floorFlags("robfig", args)
	if err != nil {
		return err
	}
	o := &out{w: os.Stdout}
	c := &counters{}
	cr := cron.New(cron.WithSeconds())
	start := time.Now()
	for k := range jf.n {
		if _, err := cr.AddFunc(floorCron(jf.cron), floorTask(c, lat)); err != nil {
			return fmt.Errorf("robfig job %d, cron %q: %w", k, jf.cron, err)
		}
	}
	cr.Start()
	o.printf("ready %d robfig", time.Since(start).Nanoseconds())
	serve(o, c, nil)
	<-cr.Stop().Done()
	o.printf("bye")
	return nil
}

// runGocron is the "gocron" role: go-co-op/gocron v2 with seconds.
func runGocron(args []string) error {
	jf, lat, err := floorFlags("gocron", args)
	if err != nil {
		return err
	}
	o := &out{w: os.Stdout}
	c := &counters{}
	s, err := gocron.NewScheduler()
	if err != nil {
		return err
	}
	start := time.Now()
	for k := range jf.n {
		_, err := s.NewJob(gocron.CronJob(floorCron(jf.cron), true), gocron.NewTask(floorTask(c, lat)),
			gocron.WithName(fmt.Sprintf("%s%d", jf.prefix, k)))
		if err != nil {
			return fmt.Errorf("gocron job %d, cron %q: %w", k, jf.cron, err)
		}
	}
	s.Start()
	o.printf("ready %d gocron", time.Since(start).Nanoseconds())
	serve(o, c, nil)
	err = s.Shutdown()
	o.printf("bye")
	return err
}
