package autoconfig

import (
	"errors"
	"log/slog"
	"sync"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
)

// QuietLogger makes fx log nothing but its errors, once each, on slog.Default():
//
//	fx.New(autoconfig.QuietLogger, autoconfig.Module, jobs.Module).Run()
//
// fx's default logger prints every provide, invoke and hook of every start (some 25 lines),
// and a start-up error three times; fx.NopLogger prints nothing at all, start-up errors
// included, so that the process exits 1 without a word. With QuietLogger a service that starts
// prints only its own logs, and one that does not prints each error once, one record per
// problem (autoconfig reports all the problems of the configuration at once).
var QuietLogger = fx.WithLogger(func() fxevent.Logger { return NewQuietLogger(slog.Default()) })

// NewQuietLogger is QuietLogger's fxevent.Logger writing to log.
func NewQuietLogger(log *slog.Logger) fxevent.Logger { return &quietLogger{log: log} }

type quietLogger struct {
	log    *slog.Logger
	mu     sync.Mutex
	failed bool // an error was logged: Started and Stopped would repeat it
}

func (q *quietLogger) LogEvent(event fxevent.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch e := event.(type) {
	case *fxevent.LoggerInitialized:
		q.fail("initializing the logger", e.Err)
	case *fxevent.Supplied:
		q.fail("supplying "+e.TypeName, e.Err)
	case *fxevent.Provided:
		q.fail("providing with "+e.ConstructorName, e.Err)
	case *fxevent.Replaced:
		q.fail("replacing", e.Err)
	case *fxevent.Decorated:
		q.fail("decorating with "+e.DecoratorName, e.Err)
	case *fxevent.Invoked: // a constructor's error (Run) comes back here, in its context
		q.fail("start-up", e.Err)
	case *fxevent.OnStartExecuted:
		q.fail("start hook of "+e.CallerName, e.Err)
	case *fxevent.OnStopExecuted:
		q.fail("stop hook of "+e.CallerName, e.Err)
	case *fxevent.RolledBack:
		q.fail("rolling back", e.Err)
	case *fxevent.Started:
		if !q.failed {
			q.fail("start", e.Err)
		}
	case *fxevent.Stopped:
		if !q.failed {
			q.fail("stop", e.Err)
		}
	}
}

// fail logs err, one record per joined error, so that each problem reads on its own line.
func (q *quietLogger) fail(what string, err error) {
	if err == nil {
		return
	}
	q.failed = true
	problems := leaves(err)
	if len(problems) == 1 {
		q.log.Error("fx: "+what+" failed", "error", err)
		return
	}
	q.log.Error("fx: "+what+" failed", "problems", len(problems))
	for _, p := range problems {
		q.log.Error("fx: " + p.Error())
	}
}

// leaves are the errors joined (errors.Join) somewhere in err's chain, flattened; or err
// itself when nothing is joined.
func leaves(err error) []error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			var out []error
			for _, inner := range joined.Unwrap() {
				out = append(out, leaves(inner)...)
			}
			return out
		}
	}
	return []error{err}
}
