package tracing

import (
	"errors"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between the databases: ElasticJob's DDL for each, the table names as
// the database stores them, placeholders, the upsert of a completion and the duplicate-key error.
type dialect struct {
	name            string
	executionTable  string
	statusTable     string
	createExecution string
	createStatus    string
	createIndexes   []string // ElasticJob's TASK_ID_STATE_INDEX, then ours for the history pages and retention
	numbered        bool     // $1, $2… instead of ?
	// completeSuffix turns a multi-row INSERT of completed executions into an upsert: a row that
	// exists (its start was written) gets the outcome, a missing one is inserted whole.
	completeSuffix string
	// arrays: rows go as one array per column, unnested by the database (insertArrays).
	arrays bool
}

// The DDL is ElasticJob's (tracing-rdb's MySQL.properties and PostgreSQL.properties), with IF NOT
// EXISTS so that instances starting together do not fail on each other's CREATE; SQLite takes
// the shape of ElasticJob's H2 file. The extra indexes serve the history pages' ordering and the
// retention's deletes; ElasticJob-UI does not mind them.
var (
	mysqlDialect = &dialect{
		name:           "MySQL",
		executionTable: "JOB_EXECUTION_LOG",
		statusTable:    "JOB_STATUS_TRACE_LOG",
		createExecution: `CREATE TABLE IF NOT EXISTS JOB_EXECUTION_LOG (
    auto_id int NOT NULL AUTO_INCREMENT,
    id VARCHAR (40) NOT NULL,
    job_name VARCHAR (100) NOT NULL,
    task_id VARCHAR (255) NOT NULL,
    hostname VARCHAR (255) NOT NULL,
    ip VARCHAR (50) NOT NULL,
    sharding_item INT NOT NULL,
    execution_source VARCHAR (20) NOT NULL,
    failure_cause VARCHAR (4000) NULL,
    is_success INT NOT NULL,
    start_time TIMESTAMP NULL,
    complete_time TIMESTAMP NULL,
    PRIMARY KEY (auto_id),
    UNIQUE KEY ` + "`id` (`id`)" + `
) ENGINE=InnoDB`,
		createStatus: `CREATE TABLE IF NOT EXISTS JOB_STATUS_TRACE_LOG (
    auto_id int NOT NULL AUTO_INCREMENT,
    id VARCHAR (40) NOT NULL,
    job_name VARCHAR (100) NOT NULL,
    original_task_id VARCHAR (255) NOT NULL,
    task_id VARCHAR (255) NOT NULL,
    slave_id VARCHAR (50) NOT NULL,
    source VARCHAR (50) NOT NULL,
    execution_type VARCHAR (20) NOT NULL,
    sharding_item VARCHAR (100) NOT NULL,
    state VARCHAR (20) NOT NULL,
    message VARCHAR (4000) NULL,
    creation_time TIMESTAMP NULL,
    PRIMARY KEY (auto_id)
) ENGINE=InnoDB`,
		createIndexes: []string{
			"CREATE INDEX TASK_ID_STATE_INDEX ON JOB_STATUS_TRACE_LOG (task_id(128), state)",
			"CREATE INDEX JOB_EXECUTION_LOG_START_TIME_INDEX ON JOB_EXECUTION_LOG (start_time)",
			"CREATE INDEX JOB_STATUS_TRACE_LOG_CREATION_TIME_INDEX ON JOB_STATUS_TRACE_LOG (creation_time)",
		},
		completeSuffix: " ON DUPLICATE KEY UPDATE is_success = VALUES(is_success), complete_time = VALUES(complete_time), failure_cause = VALUES(failure_cause)",
	}
	postgresDialect = &dialect{
		name:            "PostgreSQL",
		executionTable:  "job_execution_log",
		statusTable:     "job_status_trace_log",
		createExecution: "CREATE TABLE IF NOT EXISTS JOB_EXECUTION_LOG (id VARCHAR(40) NOT NULL, job_name VARCHAR(100) NOT NULL, task_id VARCHAR(255) NOT NULL, hostname VARCHAR(255) NOT NULL, ip VARCHAR(50) NOT NULL, sharding_item INT NOT NULL, execution_source VARCHAR(20) NOT NULL, failure_cause VARCHAR(4000) NULL, is_success BOOLEAN NOT NULL, start_time TIMESTAMP NULL, complete_time TIMESTAMP NULL, PRIMARY KEY (id))",
		createStatus:    "CREATE TABLE IF NOT EXISTS JOB_STATUS_TRACE_LOG (id VARCHAR(40) NOT NULL, job_name VARCHAR(100) NOT NULL, original_task_id VARCHAR(255) NOT NULL, task_id VARCHAR(255) NOT NULL, slave_id VARCHAR(50) NOT NULL, source VARCHAR(50) NOT NULL, execution_type VARCHAR(20) NOT NULL, sharding_item VARCHAR(100) NOT NULL, state VARCHAR(20) NOT NULL, message VARCHAR(4000) NULL, creation_time TIMESTAMP NULL, PRIMARY KEY (id))",
		createIndexes: []string{
			"CREATE INDEX IF NOT EXISTS TASK_ID_STATE_INDEX ON JOB_STATUS_TRACE_LOG (task_id, state)",
			"CREATE INDEX IF NOT EXISTS JOB_EXECUTION_LOG_START_TIME_INDEX ON JOB_EXECUTION_LOG (start_time)",
			"CREATE INDEX IF NOT EXISTS JOB_STATUS_TRACE_LOG_CREATION_TIME_INDEX ON JOB_STATUS_TRACE_LOG (creation_time)",
		},
		numbered:       true,
		completeSuffix: " ON CONFLICT (id) DO UPDATE SET is_success = EXCLUDED.is_success, complete_time = EXCLUDED.complete_time, failure_cause = EXCLUDED.failure_cause",
		arrays:         true,
	}
	sqliteDialect = &dialect{
		name:            "SQLite",
		executionTable:  "JOB_EXECUTION_LOG",
		statusTable:     "JOB_STATUS_TRACE_LOG",
		createExecution: "CREATE TABLE IF NOT EXISTS JOB_EXECUTION_LOG (id VARCHAR(40) NOT NULL, job_name VARCHAR(100) NOT NULL, task_id VARCHAR(255) NOT NULL, hostname VARCHAR(255) NOT NULL, ip VARCHAR(50) NOT NULL, sharding_item INT NOT NULL, execution_source VARCHAR(20) NOT NULL, failure_cause VARCHAR(4000) NULL, is_success INT NOT NULL, start_time TIMESTAMP NULL, complete_time TIMESTAMP NULL, PRIMARY KEY (id))",
		createStatus:    "CREATE TABLE IF NOT EXISTS JOB_STATUS_TRACE_LOG (id VARCHAR(40) NOT NULL, job_name VARCHAR(100) NOT NULL, original_task_id VARCHAR(255) NOT NULL, task_id VARCHAR(255) NOT NULL, slave_id VARCHAR(50) NOT NULL, source VARCHAR(50) NOT NULL, execution_type VARCHAR(20) NOT NULL, sharding_item VARCHAR(100) NOT NULL, state VARCHAR(20) NOT NULL, message VARCHAR(4000) NULL, creation_time TIMESTAMP NULL, PRIMARY KEY (id))",
		createIndexes: []string{
			"CREATE INDEX IF NOT EXISTS TASK_ID_STATE_INDEX ON JOB_STATUS_TRACE_LOG (task_id, state)",
			"CREATE INDEX IF NOT EXISTS JOB_EXECUTION_LOG_START_TIME_INDEX ON JOB_EXECUTION_LOG (start_time)",
			"CREATE INDEX IF NOT EXISTS JOB_STATUS_TRACE_LOG_CREATION_TIME_INDEX ON JOB_STATUS_TRACE_LOG (creation_time)",
		},
		completeSuffix: " ON CONFLICT (id) DO UPDATE SET is_success = excluded.is_success, complete_time = excluded.complete_time, failure_cause = excluded.failure_cause",
	}
)

// bind rewrites ? placeholders as $n where the database wants that (no query of ours has a ?
// inside a literal).
func (d *dialect) bind(query string) string {
	if !d.numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// isDuplicate tells a duplicate-key error: SQLSTATE 23505 (PostgreSQL), error 1062 (MySQL,
// MariaDB), a primary-key or unique constraint (SQLite). ElasticJob compares PostgreSQL's
// vendor code with 0, which every PostgreSQL error has.
func isDuplicate(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1062
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// alreadyExists tells the error of a CREATE that lost a race with another instance's, or of an
// index MySQL already has (MySQL has no CREATE INDEX IF NOT EXISTS).
func alreadyExists(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "42P07" || pg.Code == "23505"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1061 || my.Number == 1050
	}
	return false
}

// refused tells an error the database answered with (a constraint, a type, a value it will not
// take) from a connection that failed: a refused row is dropped, a failed connection retried.
func refused(err error) bool {
	var pg *pgconn.PgError
	var my *mysql.MySQLError
	var lite *sqlite.Error
	return errors.As(err, &pg) || errors.As(err, &my) || errors.As(err, &lite)
}
