package console

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/elasticjob-go/elasticjob/tracing"
)

// historyDB is a tracing database in a SQLite file, with the tables tracing creates, and a
// second connection for the test to write ElasticJob's rows into.
func historyDB(t *testing.T) (*tracing.Store, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trace.db")
	store, err := tracing.Open(context.Background(), tracing.DataSource{URL: "jdbc:sqlite:" + path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return store, db
}

// The execution log shows a run in progress (no completion, no failure) as running, not as
// failed; the result filter finds each; the status trace and its state filter; paging.
func TestHistoryPages(t *testing.T) {
	store, db := historyDB(t)
	start := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	done := start.Add(2 * time.Second)
	exec := `INSERT INTO JOB_EXECUTION_LOG (id, job_name, task_id, hostname, ip, sharding_item, execution_source, failure_cause, is_success, start_time, complete_time) VALUES (?, ?, ?, 'host', ?, ?, 'NORMAL_TRIGGER', ?, ?, ?, ?)`
	for _, row := range [][]any{
		{"e1", "alpha", "alpha@-@0@-@READY@-@10.0.0.1@-@1", "10.0.0.1", 0, nil, true, start, done},
		{"e2", "alpha", "alpha@-@1@-@READY@-@10.0.0.1@-@1", "10.0.0.1", 1, "java.lang.RuntimeException: boom", false, start, done},
		{"e3", "alpha", "alpha@-@2@-@READY@-@10.0.0.2@-@1", "10.0.0.2", 2, nil, false, start.Add(time.Second), nil},
	} {
		if _, err := db.Exec(exec, row...); err != nil {
			t.Fatal(err)
		}
	}
	status := `INSERT INTO JOB_STATUS_TRACE_LOG (id, job_name, original_task_id, task_id, slave_id, source, execution_type, sharding_item, state, message, creation_time) VALUES (?, 'alpha', '', 't', '10.0.0.1', 'LITE_EXECUTOR', 'READY', '[0, 1]', ?, ?, ?)`
	for i, state := range []string{"TASK_STAGING", "TASK_RUNNING", "TASK_ERROR"} {
		if _, err := db.Exec(status, "s"+state, state, "message of "+state, start.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 3, cron: daily, failItem: -1}}, Auth{})
	con, err := New(Options{Operator: c.op, History: store, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	c.console = con
	c.srv.Config.Handler = con
	cl := c.client("", "")

	_, body := cl.get("/history")
	row := func(item string) string {
		i := strings.Index(body, "<td>"+item+"</td>")
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	if r := row("2"); !strings.Contains(r, `class="result r-running"`) || strings.Contains(r, "failed") {
		t.Errorf("the run in progress (item 2) is not shown as running:\n%s", r)
	}
	if r := row("1"); !strings.Contains(r, "r-failed") || !strings.Contains(r, "boom") {
		t.Errorf("the failed item 1:\n%s", r)
	}
	if r := row("0"); !strings.Contains(r, "r-ok") {
		t.Errorf("the succeeded item 0:\n%s", r)
	}
	for result, item := range map[string]string{"running": "2", "failed": "1", "ok": "0"} {
		_, body := cl.get("/history?result=" + result)
		if !strings.Contains(body, "1 executions") || strings.Count(body, "<td>"+item+"</td>") != 1 || !strings.Contains(body, "r-"+result) {
			t.Errorf("result=%s: not item %s alone:\n%s", result, item, body)
		}
	}
	_, body = cl.get("/history?ip=10.0.0.2")
	if !strings.Contains(body, "1 executions") || !strings.Contains(body, "r-running") {
		t.Errorf("ip=10.0.0.2:\n%s", body)
	}
	_, body = cl.get("/history/status?state=TASK_ERROR")
	if !strings.Contains(body, "message of TASK_ERROR") || strings.Contains(body, "message of TASK_RUNNING") {
		t.Errorf("state=TASK_ERROR:\n%s", body)
	}
	// the dashboard and the job page read the runs from the database
	_, body = cl.get("/")
	if !strings.Contains(body, "boom") {
		t.Errorf("the dashboard's recent failures lack alpha's item 1:\n%s", body)
	}
	_, body = cl.get("/jobs/alpha")
	if !strings.Contains(body, `class="running"`) || !strings.Contains(body, `class="failed"`) {
		t.Errorf("the picture lacks the running and the failed cell:\n%s", body)
	}

	// paging: 45 more rows make 3 pages of 20
	for i := range 45 {
		if _, err := db.Exec(exec, "p"+string(rune('A'+i/26))+string(rune('a'+i%26)), "gamma", "t", "10.0.0.3", i, nil, true, start.Add(-time.Hour), done); err != nil {
			t.Fatal(err)
		}
	}
	_, body = cl.get("/history?job=gamma&page=3")
	if !strings.Contains(body, "page 3 of 3") || strings.Count(body, `<tr class="row-ok">`) != 5 {
		t.Errorf("page 3 of gamma's 45 rows:\n%s", body)
	}
}

// Without a tracing database the history page says how to get one.
func TestHistoryWithoutDatabase(t *testing.T) {
	c := newCluster(t, 1, nil, Auth{})
	_, body := c.client("", "").get("/history")
	if !strings.Contains(body, "elasticjob.tracing.dataSource.url") || !strings.Contains(body, "--tracing-url") {
		t.Errorf("the history page without a database:\n%s", body)
	}
}
