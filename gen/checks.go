package gen

import (
	"errors"

	"github.com/elasticjob-go/elasticjob/gen/directive"
	"github.com/elasticjob-go/elasticjob/internal/quartz"
	"github.com/elasticjob-go/elasticjob/starter"
)

// valueChecks are the checks directive.Parse cannot make alone: cron expressions and time
// zones go through the Quartz parser the runtime uses (starter.ParseCron and its zones).
var valueChecks = []directive.Option{
	directive.Check("cron", func(spec string) error {
		_, err := starter.ParseCron(spec, "")
		return bare(err)
	}),
	directive.Check("timeZone", func(tz string) error {
		_, err := quartz.LoadZone(tz)
		return err
	}),
}

// bare drops the `cron "<spec>": ` that ParseCron wraps its errors in: the directive error
// already shows the value.
func bare(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}
