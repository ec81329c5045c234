package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// Store is the two tables of ElasticJob's event tracing in one database: the observer writes
// them, the console (and anything else) reads them through Executions, StatusTraces and the
// name lists. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	ownDB  bool // opened from a URL: Close closes it
	d      *dialect
	source string // the URL without its password, or the driver, for messages

	execWidths, statusWidths widths
}

// Open connects to the database of a JDBC URL, creates ElasticJob's tables when they are
// missing and checks their shape when they exist. A database that cannot be reached, refuses
// the credentials or holds tables of another shape is an error naming the URL (never the
// password). It does not start any writer: an Observer does.
func Open(ctx context.Context, ds DataSource) (*Store, error) {
	spec, err := ds.parse()
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(spec.driver, spec.dsn)
	if err != nil {
		return nil, fmt.Errorf("tracing: %s: %w", spec.shown, scrub(err, ds.Password))
	}
	if spec.dialect == sqliteDialect {
		db.SetMaxOpenConns(1) // one writer at a time is all SQLite takes; readers wait their turn
	}
	s, err := open(ctx, db, spec.dialect, spec.shown)
	if err != nil {
		_ = db.Close()
		return nil, scrub(err, ds.Password)
	}
	s.ownDB = true
	return s, nil
}

// OpenDB uses a database the application already has (its *sql.DB from pgx's stdlib,
// go-sql-driver/mysql or modernc.org/sqlite), as ElasticJob's Spring starter uses the
// application's DataSource. Close leaves db open.
func OpenDB(ctx context.Context, db *sql.DB) (*Store, error) {
	var d *dialect
	switch db.Driver().(type) {
	case *stdlib.Driver:
		d = postgresDialect
	case *mysql.MySQLDriver, mysql.MySQLDriver:
		d = mysqlDialect
	case *sqlite.Driver:
		d = sqliteDialect
	default:
		return nil, fmt.Errorf("tracing: the application's *sql.DB uses driver %T: want pgx (github.com/jackc/pgx/v5/stdlib), github.com/go-sql-driver/mysql or modernc.org/sqlite", db.Driver())
	}
	if d == mysqlDialect {
		if err := checkMySQLTimes(ctx, db); err != nil {
			return nil, err
		}
	}
	return open(ctx, db, d, "the application's "+d.name+" database")
}

func open(ctx context.Context, db *sql.DB, d *dialect, source string) (*Store, error) {
	s := &Store{db: db, d: d, source: source}
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("tracing: %s: cannot connect: %w", source, err)
	}
	if err := s.ensureSchema(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// checkMySQLTimes refuses a MySQL connection that returns timestamps as text: the rows'
// times could not be read.
func checkMySQLTimes(ctx context.Context, db *sql.DB) error {
	var t sql.NullTime
	if err := db.QueryRowContext(ctx, "SELECT CAST('2000-01-01 00:00:00' AS DATETIME)").Scan(&t); err != nil {
		return fmt.Errorf("tracing: the application's MySQL database must be opened with parseTime=true: %w", err)
	}
	return nil
}

// Close closes the database when Open opened it.
func (s *Store) Close() error {
	if !s.ownDB {
		return nil
	}
	return s.db.Close()
}

// Dialect is the database's name: PostgreSQL, MySQL (MySQL and MariaDB) or SQLite.
func (s *Store) Dialect() string { return s.d.name }

// String is the URL without its password (or which application database).
func (s *Store) String() string { return s.source }

// The tables hold local wall-clock time in TIMESTAMP columns without a zone, as ElasticJob's
// JVM writes them. Values travel to and from the drivers as that wall clock in UTC, which every
// driver passes through unchanged.

// wall is t's local wall-clock time, carried in UTC.
func wall(t time.Time) time.Time {
	l := t.In(time.Local)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// fromWall is the local time a stored wall-clock value means.
func fromWall(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond(), time.Local)
}
