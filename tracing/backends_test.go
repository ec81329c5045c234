package tracing

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/dbtest"
)

// backend opens a fresh, empty database of one kind for a test or a benchmark.
type backend struct {
	name string
	open func(t testing.TB) DataSource
}

// backends are the three databases every contract test runs on: SQLite in a temporary file,
// and the PostgreSQL and MariaDB servers that `make test` starts.
var backends = []backend{
	{"SQLite", func(t testing.TB) DataSource {
		return DataSource{URL: "jdbc:sqlite:" + filepath.Join(t.TempDir(), "trace.db")}
	}},
	{"PostgreSQL", func(t testing.TB) DataSource {
		db := dbtest.Shared(t, dbtest.Postgres).Fresh(t)
		return DataSource{URL: db.URL, Username: db.Username, Password: db.Password}
	}},
	{"MariaDB", func(t testing.TB) DataSource {
		db := dbtest.Shared(t, dbtest.MariaDB).Fresh(t)
		return DataSource{URL: db.URL, Username: db.Username, Password: db.Password}
	}},
}

// eachBackend runs test on every database.
func eachBackend(t *testing.T, test func(t *testing.T, ds DataSource)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.open(t)) })
	}
}

// openStore opens ds for the test and closes it at the end.
func openStore(t *testing.T, ds DataSource) *Store {
	t.Helper()
	s, err := Open(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// textLog writes the writer's lines where the test can read them.
func textLog(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// quietLog keeps the writer's lines out of the test output.
var quietLog = slog.New(slog.DiscardHandler)

// observe feeds events to a new observer of s and waits until they are written.
func observe(t *testing.T, s *Store, opts Options, events ...Event) *Observer {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLog
	}
	o, err := NewObserver(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		o.Observe(e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := o.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return o
}

// at is a whole second of the test's timeline (MySQL's TIMESTAMP keeps whole seconds).
func at(sec int) time.Time {
	return time.Date(2026, 3, 4, 5, 6, 7, 0, time.Local).Add(time.Duration(sec) * time.Second)
}
