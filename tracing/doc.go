// Package tracing is ElasticJob's event tracing to a relational database: every item run is a
// row of JOB_EXECUTION_LOG and every state of a run a row of JOB_STATUS_TRACE_LOG, with
// ElasticJob's tables, columns, states and messages, so that ElasticJob-UI's history pages (and
// this project's console) read the runs of Go jobs. PostgreSQL (pgx), MySQL and MariaDB
// (go-sql-driver/mysql) and SQLite (modernc.org/sqlite, no cgo) are supported.
//
// A Store is the two tables: Open connects from a JDBC URL, OpenDB takes the application's
// *sql.DB; both create the tables when missing and refuse tables of another shape. Executions,
// StatusTraces and the name lists are ElasticJob-UI's history queries.
package tracing
