// Package discarddb is a database that takes every statement and keeps nothing, which the
// tracing store takes for PostgreSQL (its driver is pgx's). Benchmarks trace into it beside a
// real PostgreSQL to tell the traced process's cost (the observer on the fire path, the writer
// building its batches) from the database server's.
package discarddb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
)

// Open opens a database that discards what it is given.
func Open() *sql.DB { return sql.OpenDB(discardConnector{}) }

type discardConnector struct{}

func (discardConnector) Connect(context.Context) (driver.Conn, error) { return discardConn{}, nil }

// Driver is pgx's: the tracing store chooses its dialect by the driver.
func (discardConnector) Driver() driver.Driver { return stdlib.GetDefaultDriver() }

type discardConn struct{}

func (discardConn) Prepare(string) (driver.Stmt, error) { return nil, driver.ErrSkip }
func (discardConn) Close() error                        { return nil }
func (discardConn) Begin() (driver.Tx, error)           { return discardTx{}, nil }
func (discardConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return discardTx{}, nil
}

// CheckNamedValue takes any value (the store's PostgreSQL arrays) as it is.
func (discardConn) CheckNamedValue(*driver.NamedValue) error { return nil }

func (discardConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(0), nil
}

// QueryContext answers the store's one query at open, the columns of a table, with the
// columns of ElasticJob's tables (unbounded widths): the store then finds its tables there.
func (discardConn) QueryContext(_ context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	var cols []string
	if strings.Contains(query, "information_schema.columns") && len(args) == 1 {
		switch args[0].Value {
		case "job_execution_log":
			cols = []string{"id", "job_name", "task_id", "hostname", "ip", "sharding_item", "execution_source", "failure_cause", "is_success", "start_time", "complete_time"}
		case "job_status_trace_log":
			cols = []string{"id", "job_name", "original_task_id", "task_id", "slave_id", "source", "execution_type", "sharding_item", "state", "message", "creation_time"}
		}
	}
	return &columnRows{names: cols}, nil
}

type discardTx struct{}

func (discardTx) Commit() error   { return nil }
func (discardTx) Rollback() error { return nil }

// columnRows are (column_name, width) rows.
type columnRows struct{ names []string }

func (r *columnRows) Columns() []string { return []string{"column_name", "width"} }
func (r *columnRows) Close() error      { return nil }
func (r *columnRows) Next(dest []driver.Value) error {
	if len(r.names) == 0 {
		return io.EOF
	}
	dest[0], dest[1] = r.names[0], int64(0)
	r.names = r.names[1:]
	return nil
}
