package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The columns this package reads and writes, by table. A table that exists without one of
// them, or with a text column too narrow for ElasticJob's values, is reported and left alone.
var (
	executionColumns = []string{"id", "job_name", "task_id", "hostname", "ip", "sharding_item", "execution_source", "failure_cause", "is_success", "start_time", "complete_time"}
	statusColumns    = []string{"id", "job_name", "original_task_id", "task_id", "slave_id", "source", "execution_type", "sharding_item", "state", "message", "creation_time"}
)

// widths are the text columns' lengths as the table declares them; values are fitted to them.
type widths map[string]int

// column is one column of an existing table.
type column struct {
	name  string
	width int // character length of a text column, 0 when unbounded or not text
}

// ensureSchema creates the tables (and, with a new status table, its indexes) when missing, as
// ElasticJob does, and checks the shape of tables that exist.
func (s *Store) ensureSchema(ctx context.Context) error {
	d := s.d
	exec, err := s.tableColumns(ctx, d.executionTable)
	if err != nil {
		return err
	}
	status, err := s.tableColumns(ctx, d.statusTable)
	if err != nil {
		return err
	}
	created := false
	if exec == nil {
		if err := s.create(ctx, d.createExecution); err != nil {
			return err
		}
		created = true
	}
	if status == nil {
		if err := s.create(ctx, d.createStatus); err != nil {
			return err
		}
		created = true
	}
	if created {
		for _, ddl := range d.createIndexes {
			if err := s.create(ctx, ddl); err != nil {
				return err
			}
		}
		if exec, err = s.tableColumns(ctx, d.executionTable); err != nil {
			return err
		}
		if status, err = s.tableColumns(ctx, d.statusTable); err != nil {
			return err
		}
	}
	if s.execWidths, err = s.checkShape(d.executionTable, exec, executionColumns); err != nil {
		return err
	}
	s.statusWidths, err = s.checkShape(d.statusTable, status, statusColumns)
	return err
}

func (s *Store) create(ctx context.Context, ddl string) error {
	if _, err := s.db.ExecContext(ctx, ddl); err != nil && !alreadyExists(err) {
		return fmt.Errorf("tracing: %s: creating the tables: %w", s.source, err)
	}
	return nil
}

// checkShape verifies that the table has every column we use, and wide enough: a table of
// another shape (another product's, a hand-made one) is not written into blindly.
func (s *Store) checkShape(table string, cols []column, want []string) (widths, error) {
	have := map[string]column{}
	for _, c := range cols {
		have[strings.ToLower(c.name)] = c
	}
	var missing []string
	w := widths{}
	for _, name := range want {
		c, ok := have[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		if c.width > 0 {
			w[name] = c.width
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("tracing: %s: table %s exists but is not ElasticJob's: it has no column %s; not writing into it (drop or rename it, or point the tracing at another database)",
			s.source, table, strings.Join(missing, ", "))
	}
	for _, name := range []string{"id", "job_name", "state", "execution_source", "source", "execution_type"} {
		if n, ok := w[name]; ok && n < minWidth[name] {
			return nil, fmt.Errorf("tracing: %s: table %s: column %s holds %d characters, fewer than ElasticJob's %d; not writing into it", s.source, table, name, n, minWidth[name])
		}
	}
	return w, nil
}

// minWidth are the columns whose values cannot be shortened, with ElasticJob's widths.
var minWidth = map[string]int{"id": 36, "job_name": 100, "state": 13, "execution_source": 14, "source": 13, "execution_type": 5}

// tableColumns lists the columns of a table of the current schema, nil when it does not exist.
func (s *Store) tableColumns(ctx context.Context, table string) ([]column, error) {
	var rows *sql.Rows
	var err error
	switch s.d {
	case postgresDialect:
		rows, err = s.db.QueryContext(ctx, `SELECT column_name, COALESCE(character_maximum_length, 0) FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1`, table)
	case mysqlDialect:
		rows, err = s.db.QueryContext(ctx, `SELECT column_name, COALESCE(character_maximum_length, 0) FROM information_schema.columns
WHERE table_schema = DATABASE() AND table_name IN (?, ?)`, table, strings.ToLower(table))
	default:
		rows, err = s.db.QueryContext(ctx, "SELECT name, type FROM pragma_table_info(?)", table)
	}
	if err != nil {
		return nil, fmt.Errorf("tracing: %s: reading the shape of %s: %w", s.source, table, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if s.d == sqliteDialect {
			var typ string
			if err := rows.Scan(&c.name, &typ); err != nil {
				return nil, err
			}
			c.width = declaredWidth(typ)
		} else {
			var width int64
			if err := rows.Scan(&c.name, &width); err != nil {
				return nil, err
			}
			c.width = int(min(width, 1<<30))
		}
		if !slices.ContainsFunc(cols, func(o column) bool { return strings.EqualFold(o.name, c.name) }) {
			cols = append(cols, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracing: %s: reading the shape of %s: %w", s.source, table, err)
	}
	return cols, nil
}

var varcharWidth = regexp.MustCompile(`(?i)^\s*(?:VAR)?CHAR(?:ACTER)?(?:\s+VARYING)?\s*\(\s*(\d+)\s*\)`)

// declaredWidth reads n from a SQLite declared type VARCHAR(n): SQLite keeps any length, but
// we keep to the declared one, as the other databases must.
func declaredWidth(typ string) int {
	m := varcharWidth.FindStringSubmatch(typ)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
