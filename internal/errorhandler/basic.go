package errorhandler

import (
	"fmt"
	"log/slog"
)

// logHandler is LOG: the error is logged and the run goes on.
type logHandler struct{ log *slog.Logger }

func newLog(_ map[string]string, log *slog.Logger) (Handler, error) { return logHandler{log}, nil }

func (h logHandler) Handle(jobName string, err error) error {
	h.log.Error("job error", "job", jobName, "error", err)
	return nil
}

// ignoreHandler is IGNORE: the error is dropped.
type ignoreHandler struct{}

func newIgnore(map[string]string, *slog.Logger) (Handler, error) { return ignoreHandler{}, nil }

func (ignoreHandler) Handle(string, error) error { return nil }

// throwHandler is THROW: the error is returned so that the run stops and it reaches the caller.
type throwHandler struct{}

func newThrow(map[string]string, *slog.Logger) (Handler, error) { return throwHandler{}, nil }

func (throwHandler) Handle(jobName string, err error) error {
	return fmt.Errorf("job %s: %w", jobName, err)
}
