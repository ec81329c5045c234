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

// refused tells an error the database answered a statement with because of its rows (a
// constraint, a type, a value it will not take): those rows are dropped. Every other error is
// retried until the database takes the rows: a connection that failed or could not be made,
// whatever the server said to refuse it (starting up, shutting down, too many connections,
// credentials), and the answers that blame the moment, not the rows (transient).
func refused(err error) bool {
	if errors.As(err, new(unavailable)) {
		return false
	}
	var pg *pgconn.PgError
	var my *mysql.MySQLError
	var lite *sqlite.Error
	switch {
	case errors.As(err, &pg):
		return !pgTransient(pg.Code)
	case errors.As(err, &my):
		return !mysqlTransient[my.Number]
	case errors.As(err, &lite):
		return !sqliteTransient[lite.Code()&0xff] // the primary code of an extended one
	}
	return false
}

// unavailable is an error met before any row was sent (a connection, the transaction's begin):
// whatever the server answered, it refused no row.
type unavailable struct{ error }

func (u unavailable) Unwrap() error { return u.error }

// pgTransient: the SQLSTATE classes of a connection lost (08), a transaction rolled back for
// another's sake (40: serialization, deadlock), resources short (53: disk full, out of memory,
// too many connections), an operator's act (57: shutdown, starting up, a cancelled query),
// the system (58: I/O) or an internal error (XX); and a read-only server (25006: a standby, or
// a primary that is being switched over) and a lock not available (55P03).
func pgTransient(code string) bool {
	switch code[:min(2, len(code))] {
	case "08", "40", "53", "57", "58", "XX":
		return true
	}
	return code == "25006" || code == "55P03"
}

// mysqlTransient are MySQL's and MariaDB's errors that blame the moment, not the rows.
var mysqlTransient = map[uint16]bool{
	1021: true, // ER_DISK_FULL
	1037: true, // ER_OUTOFMEMORY
	1038: true, // ER_OUT_OF_SORTMEMORY
	1040: true, // ER_CON_COUNT_ERROR: too many connections
	1041: true, // ER_OUT_OF_RESOURCES
	1053: true, // ER_SERVER_SHUTDOWN: shutdown in progress
	1114: true, // ER_RECORD_FILE_FULL: the table is full
	1135: true, // ER_CANT_CREATE_THREAD
	1158: true, // ER_NET_READ_ERROR
	1159: true, // ER_NET_READ_INTERRUPTED
	1160: true, // ER_NET_ERROR_ON_WRITE
	1161: true, // ER_NET_WRITE_INTERRUPTED
	1205: true, // ER_LOCK_WAIT_TIMEOUT
	1213: true, // ER_LOCK_DEADLOCK
	1290: true, // ER_OPTION_PREVENTS_STATEMENT: --read-only (a replica, a switch-over)
	1317: true, // ER_QUERY_INTERRUPTED: KILL QUERY
	1792: true, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
	1836: true, // ER_READ_ONLY_MODE
	1927: true, // ER_CONNECTION_KILLED (MariaDB): KILL, or a shutdown
	4031: true, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8): an idle connection closed
}

// sqliteTransient are SQLite's primary result codes that blame the moment: the file busy or
// locked (beyond the busy timeout), memory, I/O, a full disk, a file that cannot be opened.
var sqliteTransient = map[int]bool{
	sqlite3.SQLITE_BUSY: true, sqlite3.SQLITE_LOCKED: true, sqlite3.SQLITE_NOMEM: true, sqlite3.SQLITE_READONLY: true,
	sqlite3.SQLITE_INTERRUPT: true, sqlite3.SQLITE_IOERR: true, sqlite3.SQLITE_FULL: true, sqlite3.SQLITE_CANTOPEN: true,
	sqlite3.SQLITE_PROTOCOL: true,
}
