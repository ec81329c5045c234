package tracing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/internal/dbtest"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

func TestMain(m *testing.M) { zktest.VerifyTestMain(m) }

// countingJob counts its item runs; fail makes an item fail.
type countingJob struct {
	mu   sync.Mutex
	runs []starter.ShardingContext
	fail map[int]bool
}

func (j *countingJob) Execute(_ context.Context, sc starter.ShardingContext) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.runs = append(j.runs, sc)
	if j.fail[sc.ShardingItem] {
		return errors.New("item " + fmt.Sprint(sc.ShardingItem) + " failed")
	}
	return nil
}

func (j *countingJob) count() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.runs)
}

// service is an application as users write it: autoconfig, the options (tracing.Module) and a
// job every second, configured by application.yaml in a temporary directory, on the shared
// ZooKeeper.
func service(t *testing.T, job *countingJob, tracingYAML string, extra ...fx.Option) (*fx.App, *testkit.Buffer, string) {
	t.Helper()
	ns := fmt.Sprintf("tracing-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	dir := t.TempDir()
	yaml := fmt.Sprintf("elasticjob:\n  regCenter: {serverLists: %q, namespace: %q}\n  tracing:\n%s\n", zktest.Servers(t), ns, tracingYAML)
	if err := os.WriteFile(filepath.Join(dir, "application.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv(autoconfig.ConfigEnv, "")
	var logs testkit.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	jobs := fx.Provide(fx.Annotate(func() starter.JobDefinition {
		return starter.JobDefinition{Name: "traced", Class: "example.com/jobs.Traced", Job: job,
			Settings: map[string]string{"cron": "* * * * * ?", "shardingTotalCount": "2"}}
	}, fx.ResultTags(`group:"elasticjob.jobs"`)))
	opts := append([]fx.Option{autoconfig.Module, jobs, fx.Supply(log), fx.NopLogger}, extra...)
	return fx.New(opts...), &logs, ns
}

func mustStart(t *testing.T, app *fx.App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
}

func mustStop(t *testing.T, app *fx.App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := app.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

// A service traced through its configuration: every item run it made is a row, every run its
// three states, in the database of each kind.
func TestModuleTracesAService(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		job := &countingJob{fail: map[int]bool{1: true}}
		yaml := fmt.Sprintf("    type: RDB\n    dataSource: {url: %q, username: %q, password: %q}\n", ds.URL, ds.Username, ds.Password)
		app, logs, _ := service(t, job, yaml, Module)
		mustStart(t, app)
		testkit.Eventually(t, 30*time.Second, func() bool { return job.count() >= 4 }, "two runs of two items")
		mustStop(t, app)

		s := openStore(t, ds)
		ctx := context.Background()
		runs := job.count()
		p, err := s.Executions(ctx, ExecutionQuery{JobName: "traced", Paging: Paging{Page: 1, PageSize: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		if int(p.Total) != runs {
			t.Fatalf("%d execution rows for %d item runs", p.Total, runs)
		}
		for _, r := range p.Rows {
			wantOutcome, cause := Succeeded, ""
			if r.ShardingItem == 1 {
				wantOutcome, cause = Failed, "item 1 failed"
			}
			if r.Outcome() != wantOutcome || r.FailureCause != cause || r.Source != "NORMAL_TRIGGER" || !strings.HasPrefix(r.TaskID, "traced@-@0,1@-@READY@-@") {
				t.Fatalf("row %+v", r)
			}
		}
		st, err := s.StatusTraces(ctx, StatusQuery{JobName: "traced", Paging: Paging{Page: 1, PageSize: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, r := range st.Rows {
			counts[r.State]++
			if r.State == stateError && r.Message != "{1=item 1 failed}" {
				t.Fatalf("error row %+v", r)
			}
		}
		fires := runs / 2
		if counts[stateStaging] < fires || counts[stateRunning] != fires || counts[stateError] != fires || counts[stateFinished] != counts[stateStaging]-fires {
			t.Fatalf("states %v for %d runs", counts, fires)
		}
		if ds.Password != "" && strings.Contains(logs.String(), ds.Password) {
			t.Fatal("the password is in the log")
		}
	})
}

// Without a URL, the application's own *sql.DB is used (here SQLite's); the metrics of the
// application's Prometheus registry count the events tracing dropped.
func TestModuleUsesTheApplicationsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_time_format=sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	job := &countingJob{}
	metrics := prometheus.NewRegistry()
	app, _, _ := service(t, job, "    type: RDB\n", Module, fx.Supply(db), fx.Supply(fx.Annotate(metrics, fx.As(new(prometheus.Registerer)))))
	mustStart(t, app)
	testkit.Eventually(t, 30*time.Second, func() bool { return job.count() >= 2 }, "a run")
	dropped, err := testutil.GatherAndCount(metrics, "elasticjob_tracing_events_dropped_total")
	if err != nil || dropped != 1 {
		t.Fatalf("elasticjob_tracing_events_dropped_total: %d series, %v", dropped, err)
	}
	mustStop(t, app)
	s, err := OpenDB(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Executions(context.Background(), ExecutionQuery{JobName: "traced"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != int64(job.count()) {
		t.Fatalf("%d rows for %d item runs", p.Total, job.count())
	}
}

// Configuration mistakes fail the application: tracing configured without the module, a type
// with neither a URL nor a database, a URL the driver class does not serve.
func TestModuleConfigurationErrors(t *testing.T) {
	for _, c := range []struct {
		yaml   string
		module bool
		want   string
	}{
		{"    type: RDB\n    dataSource: {url: 'jdbc:sqlite:x.db'}\n", false, "elasticjob.tracing.type is RDB but the application does not include tracing.Module (github.com/elasticjob-go/elasticjob/tracing): fx.New(autoconfig.Module, tracing.Module, …)"},
		{"    type: RDB\n", true, "tracing: elasticjob.tracing.type is RDB but elasticjob.tracing.dataSource.url is not set and the application provides no *sql.DB"},
		{"    type: RDB\n    dataSource: {url: 'jdbc:postgresql://db/x?password=hunter2', driverClassName: com.mysql.cj.jdbc.Driver}\n", true,
			"tracing: dataSource.url jdbc:postgresql://db/x?password=xxxxx: driverClassName com.mysql.cj.jdbc.Driver does not serve jdbc:postgresql URLs (use org.postgresql.Driver)"},
		{"    type: RDB\n    dataSource: {url: 'jdbc:oracle:thin:@db:1521:x'}\n", true, `tracing: dataSource.url jdbc:oracle:thin:@db:1521:x: unsupported database "oracle": want postgresql, mysql, mariadb or sqlite`},
		{"    type: RDB\n    dataSource: {url: 'jdbc:mysql://db/x?serverTimezone=UTC'}\n", true, "tracing: dataSource.url jdbc:mysql://db/x?serverTimezone=UTC: parameter serverTimezone is not supported (supported: useSSL, sslMode, characterEncoding, useUnicode, connectTimeout, user, password)"},
	} {
		var opts []fx.Option
		if c.module {
			opts = append(opts, Module)
		}
		app, _, _ := service(t, &countingJob{}, c.yaml, opts...)
		err := app.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("error %v\nwant it to contain %s", err, c.want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("the password is in the error: %v", err)
		}
	}
}

// A database that refuses the credentials, or cannot be reached, fails the start with the URL
// and without the password, in the error and in the log.
func TestModuleStartFailsOnABadDatabase(t *testing.T) {
	maria := dbtest.Shared(t, dbtest.MariaDB)
	for _, c := range []struct{ yaml, want string }{
		{fmt.Sprintf("    type: RDB\n    dataSource: {url: %q, username: elasticjob, password: wrong-pass-42}\n", maria.URL),
			"tracing: " + maria.URL + ": cannot connect: Error 1045 (28000): Access denied for user 'elasticjob'@'127.0.0.1' (using password: YES)"},
		{"    type: RDB\n    dataSource: {url: 'jdbc:postgresql://127.0.0.1:1/x', username: u, password: wrong-pass-42}\n",
			"tracing: jdbc:postgresql://127.0.0.1:1/x: cannot connect: "},
	} {
		app, logs, _ := service(t, &countingJob{}, c.yaml, Module)
		err := app.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("start error %v\nwant it to contain %s", err, c.want)
		}
		if strings.Contains(err.Error()+logs.String(), "wrong-pass-42") {
			t.Fatalf("the password is in the error or the log: %v", err)
		}
	}
}
