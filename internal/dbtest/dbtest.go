// Package dbtest gives tests real PostgreSQL and MariaDB servers: the ones scripts/test.sh
// starts (their URLs in the environment), or a server of the test's own, started with
// scripts/postgres.sh or scripts/mariadb.sh in a temporary directory, for a test that stops it.
// Each test gets a database of its own, dropped when it ends.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// The environment scripts/test.sh sets (and `make db-up` prints).
const (
	EnvPostgresURL     = "TRACING_POSTGRES_URL"     // jdbc:postgresql://127.0.0.1:PORT/elasticjob?user=postgres
	EnvMariaDBURL      = "TRACING_MARIADB_URL"      // jdbc:mariadb://127.0.0.1:PORT/elasticjob
	EnvMariaDBPassword = "TRACING_MARIADB_PASSWORD" // the password of user elasticjob
)

// Kind is a database server kind: "postgres" or "mariadb" (the scripts' names).
type Kind string

const (
	Postgres Kind = "postgres"
	MariaDB  Kind = "mariadb"
)

// Database is a database of a test's own.
type Database struct {
	URL      string // jdbc:… of the database
	Username string
	Password string
}

// Server is a running server.
type Server struct {
	Kind     Kind
	URL      string // jdbc:… of its elasticjob database
	Username string
	Password string
	dir      string // set for a test's own server: Stop and Start work
}

// Shared is the server scripts/test.sh started; without it the test is skipped (failed under
// CI=true or ZKTEST_MANAGED=1, where test.sh should have started it).
func Shared(t testing.TB, kind Kind) Server {
	t.Helper()
	s := Server{Kind: kind}
	switch kind {
	case Postgres:
		s.URL = os.Getenv(EnvPostgresURL)
	case MariaDB:
		s.URL, s.Username, s.Password = os.Getenv(EnvMariaDBURL), "elasticjob", os.Getenv(EnvMariaDBPassword)
	}
	if s.URL == "" {
		testkit.Unavailable(t, fmt.Sprintf("dbtest: no %s server: run the tests with `make test`, or `make db-up` and export what it prints", kind))
	}
	return s
}

// Own starts a server of the test's own in a temporary directory (stopped when the test ends),
// for a test that stops and restarts it.
func Own(t testing.TB, kind Kind) *Server {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		testkit.Unavailable(t, "dbtest: go is not on PATH")
	}
	if _, err := os.Stat(installedMarker[kind]); err != nil {
		testkit.Unavailable(t, fmt.Sprintf("dbtest: %s is not installed: run `make test`, or scripts/%s.sh install", kind, kind))
	}
	dir, err := os.MkdirTemp("", "elasticjob-"+string(kind)+"-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Kind: kind, dir: dir}
	t.Cleanup(func() {
		_ = s.script("stop")
		_ = os.RemoveAll(dir)
	})
	if err := s.script("start"); err != nil {
		t.Fatalf("dbtest: starting %s: %v", kind, err)
	}
	url, err := os.ReadFile(filepath.Join(dir, "url"))
	if err != nil {
		t.Fatal(err)
	}
	s.URL = strings.TrimSpace(string(url))
	if kind == MariaDB {
		pw, err := os.ReadFile(filepath.Join(dir, "password"))
		if err != nil {
			t.Fatal(err)
		}
		s.Username, s.Password = "elasticjob", strings.TrimSpace(string(pw))
	}
	return s
}

var installedMarker = map[Kind]string{Postgres: "/usr/lib/postgresql", MariaDB: "/usr/sbin/mariadbd"}

// Stop stops a server of the test's own (its data stays).
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.script("stop"); err != nil {
		t.Fatalf("dbtest: stopping %s: %v", s.Kind, err)
	}
}

// Start starts a stopped server of the test's own again, on the same port and data.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if err := s.script("restart"); err != nil {
		t.Fatalf("dbtest: restarting %s: %v", s.Kind, err)
	}
}

func (s *Server) script(cmd string) error {
	if s.dir == "" {
		return fmt.Errorf("not a server of the test's own")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	out, err := exec.Command("bash", filepath.Join(root, "scripts", string(s.Kind)+".sh"), cmd, s.dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// Fresh creates an empty database on the server for this test, dropped when the test ends.
func (s Server) Fresh(t testing.TB) Database {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "elasticjob_" + hex.EncodeToString(b)
	driver, dsn := s.adminDSN()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("dbtest: creating database %s on %s: %v", name, s.URL, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open(driver, dsn)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		drop := "DROP DATABASE IF EXISTS " + name
		if s.Kind == Postgres {
			drop += " WITH (FORCE)"
		}
		if _, err := db.ExecContext(ctx, drop); err != nil {
			t.Logf("dbtest: dropping %s: %v", name, err)
		}
	})
	return Database{URL: strings.Replace(s.URL, "/elasticjob", "/"+name, 1), Username: s.Username, Password: s.Password}
}

// adminDSN connects to the server's elasticjob database with the Go driver.
func (s Server) adminDSN() (driver, dsn string) {
	hostPort := strings.TrimPrefix(s.URL, "jdbc:postgresql://")
	if s.Kind == MariaDB {
		hostPort = strings.TrimPrefix(s.URL, "jdbc:mariadb://")
	}
	hostPort, _, _ = strings.Cut(hostPort, "/")
	if s.Kind == Postgres {
		return "pgx", "postgres://postgres@" + hostPort + "/elasticjob"
	}
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.DBName, cfg.User, cfg.Passwd = "tcp", hostPort, "elasticjob", s.Username, s.Password
	return "mysql", cfg.FormatDSN()
}
