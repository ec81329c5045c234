package starter

import (
	"github.com/robfig/cron/v3"

	"github.com/elasticjob-go/elasticjob/internal/quartz"
)

// ParseCron parses a Quartz cron expression (Quartz syntax: "sec min hour day-of-month month
// day-of-week [year]", with ? L W # and names) in a time zone and returns it as a robfig/cron/v3
// Schedule whose Next gives the fire times Quartz 2.3.2 gives. timeZone is "" for the process's
// local zone, a Java custom ID such as "GMT+08:00", or an IANA name such as "Asia/Shanghai"; an
// unknown zone is an error (Java would fall back to GMT).
func ParseCron(spec, timeZone string) (cron.Schedule, error) {
	return quartz.Parse(spec, timeZone)
}
