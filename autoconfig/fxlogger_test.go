package autoconfig

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/elasticjob-go/elasticjob/starter"
)

// quietApp builds an app logging through QuietLogger's logger into a buffer.
func quietApp(opts ...fx.Option) (*fx.App, *bytes.Buffer) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	opts = append(opts, fx.WithLogger(func() fxevent.Logger { return NewQuietLogger(log) }))
	return fx.New(opts...), &buf
}

// A start-up error is printed once, one record per problem; a good start prints nothing.
func TestQuietLoggerPrintsEachErrorOnce(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  jobs:\n    validated:\n      misfire: often\n"})
	t.Setenv("ELASTICJOB_JOBS_VALIDATED_JOBSHARDINGSTRATEGYTYPE", "avg")
	app, buf := quietApp(Module, provideJobs([]starter.JobDefinition{everySecond("validated", "1")}))
	if app.Err() == nil {
		t.Fatal("no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Start(ctx); err == nil {
		t.Fatal("started")
	}
	want := `level=ERROR msg="fx: start-up failed" problems=2
level=ERROR msg="fx: application.yaml: elasticjob.jobs.validated.misfire: \"often\" is not a bool"
level=ERROR msg="fx: environment: ELASTICJOB_JOBS_VALIDATED_JOBSHARDINGSTRATEGYTYPE: \"avg\" is not allowed: want one of AVG_ALLOCATION, ODEVITY, ROUND_ROBIN, SINGLE_SHARDING_BALANCE (did you mean \"AVG_ALLOCATION\"?)"
`
	if buf.String() != want {
		t.Fatalf("logged:\n%s\nwant:\n%s", buf, want)
	}

	inTempDir(t, nil)
	t.Setenv("ELASTICJOB_JOBS_VALIDATED_JOBSHARDINGSTRATEGYTYPE", "")
	app, buf = quietApp(Module, provideJobs([]starter.JobDefinition{everySecond("validated", "1")}))
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := app.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatalf("a good start and stop logged:\n%s", buf)
	}
}

// A failing start hook is printed once (fx reports it as the hook's error and as the start's).
func TestQuietLoggerPrintsAStartFailureOnce(t *testing.T) {
	inTempDir(t, nil)
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", "127.0.0.1:1")
	t.Setenv("ELASTICJOB_REGCENTER_MAXSLEEPTIMEMILLISECONDS", "100")
	t.Setenv("ELASTICJOB_REGCENTER_MAXRETRIES", "1")
	app, buf := quietApp(Module, provideJobs([]starter.JobDefinition{everySecond("validated", "1")}))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Start(ctx); err == nil {
		t.Fatal("started")
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "reg: no ZooKeeper session with 127.0.0.1:1 within 100ms") {
		t.Fatalf("logged:\n%s", buf)
	}
}
