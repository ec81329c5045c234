package tracing

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Only the rows a database refuses are dropped: a constraint the rows break. What blames the
// moment (a server shutting down or starting up, read-only, out of connections, a deadlock) or
// comes before any row was sent (a connection, credentials) is retried: dropping there would
// lose every row of the batch, one by one.
func TestRefusedTellsTheRowsFromTheMoment(t *testing.T) {
	for _, c := range []struct {
		err     error
		refused bool
	}{
		{&pgconn.PgError{Code: "23505"}, true},  // unique_violation
		{&pgconn.PgError{Code: "23514"}, true},  // check_violation
		{&pgconn.PgError{Code: "22001"}, true},  // string_data_right_truncation
		{&pgconn.PgError{Code: "42P01"}, true},  // undefined_table
		{&pgconn.PgError{Code: "57P01"}, false}, // admin_shutdown
		{&pgconn.PgError{Code: "57P03"}, false}, // cannot_connect_now: starting up, shutting down
		{&pgconn.PgError{Code: "25006"}, false}, // read_only_sql_transaction
		{&pgconn.PgError{Code: "53300"}, false}, // too_many_connections
		{&pgconn.PgError{Code: "40P01"}, false}, // deadlock_detected
		{&pgconn.PgError{Code: "08006"}, false}, // connection_failure
		{&mysql.MySQLError{Number: 1062}, true}, // ER_DUP_ENTRY
		{&mysql.MySQLError{Number: 1406}, true}, // ER_DATA_TOO_LONG
		{&mysql.MySQLError{Number: 4025}, true}, // ER_CONSTRAINT_FAILED (MariaDB's CHECK)
		{&mysql.MySQLError{Number: 1053}, false},
		{&mysql.MySQLError{Number: 1927}, false},
		{&mysql.MySQLError{Number: 1290}, false},
		{&mysql.MySQLError{Number: 1040}, false},
		{&mysql.MySQLError{Number: 1213}, false},
		{unavailable{&mysql.MySQLError{Number: 1045}}, false}, // access denied while connecting
		{unavailable{&pgconn.PgError{Code: "28P01"}}, false},  // invalid_password while connecting
		{mysql.ErrInvalidConn, false},
		{errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), false},
	} {
		if got := refused(c.err); got != c.refused {
			t.Errorf("refused(%v) = %v, want %v", c.err, got, c.refused)
		}
	}
}

// On a real server: rows that break a constraint are dropped, counted and logged, the others
// of their batch written; a database that turns read-only (a standby, a switch-over) keeps the
// rows queued until it takes writes again, and drops none.
func TestRefusedRowsDroppedReadOnlyRetried(t *testing.T) {
	for _, be := range backends[1:] { // SQLite cannot add a constraint to a table
		t.Run(be.name, func(t *testing.T) {
			ds := be.open(t)
			s := openStore(t, ds)
			ctx := context.Background()
			if _, err := s.db.ExecContext(ctx, "ALTER TABLE "+s.d.statusTable+" ADD CONSTRAINT no_refused CHECK (job_name <> 'refused')"); err != nil {
				t.Fatal(err)
			}
			var logs testkit.Buffer
			var evs []Event
			evs = append(evs, run("kept", starter.SourceNormal, 0, []int{0}, nil)...)
			evs = append(evs, run("refused", starter.SourceNormal, 0, []int{0}, nil)...)
			o := observe(t, s, Options{Logger: textLog(&logs)}, evs...)
			if o.Dropped() != 3 || o.Written() != 7 {
				t.Fatalf("dropped %d, written %d; want the 3 status rows of job refused dropped, the other 7 rows written", o.Dropped(), o.Written())
			}
			if n := strings.Count(logs.String(), "the database refused an event"); n != 3 {
				t.Fatalf("%d lines say a row was refused, want 3:\n%s", n, logs.String())
			}
			for job, want := range map[string]int64{"kept": 3, "refused": 0} {
				p, err := s.StatusTraces(ctx, StatusQuery{JobName: job})
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != want {
					t.Fatalf("%d status rows of %s, want %d", p.Total, job, want)
				}
			}
			if s.d != postgresDialect {
				return // MariaDB's read-only mode is the server's (SUPER): not the test user's
			}
			// The database turns read-only for new sessions; the writer's are ended. admin's
			// session, begun before, stays read-write (and is not ended).
			admin, err := s.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer admin.Close()
			readOnly := func(on bool) {
				set := "SET default_transaction_read_only = on"
				if !on {
					set = "RESET default_transaction_read_only"
				}
				if _, err := admin.ExecContext(ctx, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I "+set+"', current_database()); END $$"); err != nil {
					t.Fatal(err)
				}
				if _, err := admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"); err != nil {
					t.Fatal(err)
				}
			}
			readOnly(true)
			var later testkit.Buffer
			o, err = NewObserver(openStore(t, ds), Options{Logger: textLog(&later)})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range run("later", starter.SourceNormal, 2, []int{0, 1}, nil) {
				o.Observe(e)
			}
			testkit.Eventually(t, 30*time.Second, func() bool { return strings.Contains(later.String(), "read-only transaction") },
				"the writer meets the read-only database: %s", testkit.Later[string](later.String))
			if o.Dropped() != 0 {
				t.Fatalf("%d rows dropped by a read-only database:\n%s", o.Dropped(), later.String())
			}
			readOnly(false)
			closeCtx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if err := o.Close(closeCtx); err != nil {
				t.Fatal(err)
			}
			if o.Dropped() != 0 || o.Written() != 7 {
				t.Fatalf("dropped %d, written %d once the database takes writes again; want 0 and 7:\n%s", o.Dropped(), o.Written(), later.String())
			}
		})
	}
}
