package errorhandler

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Handler receives a job's errors. It returns nil when it dealt with the error (logged,
// ignored, notified: a failed notification is logged, not returned) and an error when the
// run must stop and the error reach the caller (THROW).
type Handler interface {
	Handle(jobName string, err error) error
}

// HandlerFunc adapts a func to Handler.
type HandlerFunc func(jobName string, err error) error

// Handle calls f.
func (f HandlerFunc) Handle(jobName string, err error) error { return f(jobName, err) }

// Factory builds a handler from the job props, validating those it reads.
type Factory func(props map[string]string, log *slog.Logger) (Handler, error)

// DefaultType is the handler of a job that names none.
const DefaultType = "LOG"

var (
	mu        sync.RWMutex
	factories = map[string]Factory{}
)

func init() {
	Register("LOG", newLog)
	Register("IGNORE", newIgnore)
	Register("THROW", newThrow)
	Register("EMAIL", newEmail)
	Register("WECHAT", newWechat)
	Register("DINGTALK", newDingtalk)
}

// Register makes a handler type available to New. Like database/sql.Register it panics on
// an empty type, a nil factory or a type registered twice: these are programming errors.
func Register(typ string, f Factory) {
	if typ == "" {
		panic("errorhandler: Register with an empty type")
	}
	if f == nil {
		panic("errorhandler: Register " + typ + " with a nil factory")
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[typ]; dup {
		panic("errorhandler: Register called twice for type " + typ)
	}
	factories[typ] = f
}

// New builds the handler of type typ ("" means LOG) from the job props. Types match exactly,
// as ElasticJob's typed SPI. A nil log means slog.Default().
func New(typ string, props map[string]string, log *slog.Logger) (Handler, error) {
	if typ == "" {
		typ = DefaultType
	}
	if log == nil {
		log = slog.Default()
	}
	mu.RLock()
	f, ok := factories[typ]
	known := slices.Sorted(maps.Keys(factories))
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("jobErrorHandlerType %q: unknown (known: %s)", typ, strings.Join(known, ", "))
	}
	return f(props, log)
}

// message is the text every notifier sends, as ElasticJob's (with the error text where Java
// puts the stack trace).
func message(jobName, cause string) string {
	return fmt.Sprintf("Job '%s' exception occur in job processing, caused by %s", jobName, cause)
}
