package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// rowsPerStatement bounds a multi-row statement's rows (11 parameters each: far below every
// database's limit on parameters).
const rowsPerStatement = 500

const (
	executionInsert = "INSERT INTO %s (id, job_name, task_id, hostname, ip, sharding_item, execution_source, failure_cause, is_success, start_time, complete_time) "
	statusInsert    = "INSERT INTO %s (id, job_name, original_task_id, task_id, slave_id, source, execution_type, sharding_item, state, message, creation_time) "
	valuesOf11      = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	// PostgreSQL takes the rows as one array per column (see insertArrays), of the columns' types.
	executionUnnest = "SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::int[], $7::varchar[], $8::varchar[], $9::boolean[], $10::timestamp[], $11::timestamp[])"
	statusUnnest    = "SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::timestamp[])"
)

func (r record) table() string {
	if r.status {
		return "JOB_STATUS_TRACE_LOG"
	}
	return "JOB_EXECUTION_LOG"
}

// batchScratch is what writeBatch reuses from one batch to the next (one writer's, on its
// goroutine): a batch of 1,000 records would otherwise make its lists, and PostgreSQL's columns,
// anew.
type batchScratch struct {
	starts, completions, statuses []*record
	completed                     map[uint64]bool
	vals                          []any
	exec                          executionArrays
	status                        statusArrays
}

// writeBatch writes records in one transaction: the starts of item runs (one multi-row INSERT,
// is_success false, as ElasticJob's start event), their completions (one multi-row upsert: the
// outcome of a row that exists, the whole row when the start is missing — ElasticJob's
// UPDATE-then-INSERT for a completion written before its start), and the status rows (one
// multi-row INSERT). A start and its completion in the same batch become the completed row.
//
// A retried batch whose first attempt committed although its answer was lost meets its own rows:
// the duplicate key (SQLSTATE 23505, MySQL error 1062) says the whole transaction is written.
func (s *Store) writeBatch(ctx context.Context, batch []record, ids *ids, hostname string, sc *batchScratch) error {
	if sc.completed == nil {
		sc.completed = map[uint64]bool{}
	}
	clear(sc.completed)
	starts, completions, statuses := sc.starts[:0], sc.completions[:0], sc.statuses[:0]
	for i := range batch {
		if !batch[i].status && batch[i].complete {
			sc.completed[batch[i].seq] = true
		}
	}
	for i := range batch {
		r := &batch[i]
		switch {
		case r.status:
			statuses = append(statuses, r)
		case r.complete:
			completions = append(completions, r)
		case !sc.completed[r.seq]:
			starts = append(starts, r)
		}
	}
	sc.starts, sc.completions, sc.statuses = starts, completions, statuses
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable{err}
	}
	defer func() { _ = tx.Rollback() }()
	if s.d.arrays {
		err = s.insertArrays(ctx, tx, starts, completions, statuses, ids, hostname, sc)
	} else {
		err = s.insertRows(ctx, tx, starts, completions, statuses, ids, hostname, sc)
	}
	if err == nil {
		err = tx.Commit()
	}
	if isDuplicate(err) && (len(starts) > 0 || len(statuses) > 0) {
		return nil
	}
	return err
}

// insertRows writes the records as multi-row INSERTs of placeholders.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, starts, completions, statuses []*record, ids *ids, hostname string, sc *batchScratch) error {
	execArgs := func(vals []any, r *record) []any { return s.executionRow(r, ids, hostname).args(vals) }
	statusArgs := func(vals []any, r *record) []any { return s.statusRow(r, ids).args(vals) }
	head := fmt.Sprintf(executionInsert, s.d.executionTable) + "VALUES "
	err := s.insert(ctx, tx, head, "", starts, execArgs, sc)
	if err == nil {
		err = s.insert(ctx, tx, head, s.d.completeSuffix, completions, execArgs, sc)
	}
	if err == nil {
		err = s.insert(ctx, tx, fmt.Sprintf(statusInsert, s.d.statusTable)+"VALUES ", "", statuses, statusArgs, sc)
	}
	return err
}

// insert runs one multi-row INSERT (plus suffix) per rowsPerStatement records.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, head, suffix string, rows []*record, args func([]any, *record) []any, sc *batchScratch) error {
	for len(rows) > 0 {
		n := min(len(rows), rowsPerStatement)
		var q strings.Builder
		q.Grow(len(head) + n*(len(valuesOf11)+2) + len(suffix))
		q.WriteString(head)
		vals := sc.vals[:0]
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(valuesOf11)
			vals = args(vals, r)
		}
		q.WriteString(suffix)
		_, err := tx.ExecContext(ctx, s.d.bind(q.String()), vals...)
		clear(vals) // the next batch's records are not kept alive by this one's values
		sc.vals = vals[:0]
		if err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertArrays writes each kind of record in one statement of 11 arrays, one per column, that
// PostgreSQL unnests into rows: the same statement for any number of rows (prepared once per
// connection), and 11 parameters for pgx to encode instead of 11 per row, which made most of
// what the writer allocated.
func (s *Store) insertArrays(ctx context.Context, tx *sql.Tx, starts, completions, statuses []*record, ids *ids, hostname string, sc *batchScratch) error {
	head := fmt.Sprintf(executionInsert, s.d.executionTable) + executionUnnest
	for _, part := range []struct {
		rows   []*record
		suffix string
	}{{starts, ""}, {completions, s.d.completeSuffix}} {
		if len(part.rows) == 0 {
			continue
		}
		c := &sc.exec
		c.reset()
		for _, r := range part.rows {
			c.add(s.executionRow(r, ids, hostname))
		}
		if _, err := tx.ExecContext(ctx, head+part.suffix, c.args()...); err != nil {
			return err
		}
	}
	if len(statuses) == 0 {
		return nil
	}
	c := &sc.status
	c.reset()
	for _, r := range statuses {
		c.add(s.statusRow(r, ids))
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(statusInsert, s.d.statusTable)+statusUnnest, c.args()...)
	return err
}

// executionRow is a JOB_EXECUTION_LOG row's values, fitted to the table's columns.
type executionRow struct {
	id, job, taskID, hostname, ip, source string
	item                                  int
	complete                              bool // complete_time and is_success are the outcome; else NULL and false
	success                               bool
	cause                                 string // a failure's; NULL otherwise
	start, end                            time.Time
}

func (s *Store) executionRow(r *record, ids *ids, hostname string) executionRow {
	w := s.execWidths
	row := executionRow{id: ids.format(r.seq), job: fit(r.job, w["job_name"]), taskID: fitTaskID(r.taskID, w["task_id"]),
		hostname: fit(hostname, w["hostname"]), ip: fit(instanceIP(r.taskID), w["ip"]), source: r.source, item: r.item,
		complete: r.complete, success: r.complete && r.err == nil, start: wall(r.time)}
	if r.complete {
		row.end = wall(r.end)
		if r.err != nil {
			row.cause = fit(r.err.Error(), w["failure_cause"])
		}
	}
	return row
}

// args appends the row's values, in the execution table's column order.
func (r executionRow) args(vals []any) []any {
	var cause, end any // NULL until complete; a success has no failure_cause
	if r.complete {
		end = r.end
		if !r.success {
			cause = r.cause
		}
	}
	return append(vals, r.id, r.job, r.taskID, r.hostname, r.ip, r.item, r.source, cause, r.success, r.start, end)
}

// statusRow is a JOB_STATUS_TRACE_LOG row's values, fitted to the table's columns; the fixed
// ones (original_task_id, source, execution_type) are left out.
type statusRow struct {
	id, job, taskID, slaveID, items, state, message string
	creation                                        time.Time
}

func (s *Store) statusRow(r *record, ids *ids) statusRow {
	w := s.statusWidths
	return statusRow{id: ids.format(r.seq), job: fit(r.job, w["job_name"]), taskID: fitTaskID(r.taskID, w["task_id"]),
		slaveID: fit(instanceIP(r.taskID), w["slave_id"]), items: fitList(javaList(r.items), w["sharding_item"]), state: r.state,
		message: fit(r.text(), w["message"]), creation: wall(r.time)}
}

// args appends the row's values, in the status table's column order.
func (r statusRow) args(vals []any) []any {
	return append(vals, r.id, r.job, "", r.taskID, r.slaveID, liteExecutor, executionType, r.items, r.state, r.message, r.creation)
}

// executionArrays are execution rows as PostgreSQL's arrays, one per column.
type executionArrays struct {
	id, job, taskID, hostname, ip, source []string
	item                                  []int32
	cause                                 []pgtype.Text
	success                               []bool
	start, end                            []pgtype.Timestamp
}

func (c *executionArrays) reset() {
	*c = executionArrays{id: c.id[:0], job: c.job[:0], taskID: c.taskID[:0], hostname: c.hostname[:0], ip: c.ip[:0], source: c.source[:0],
		item: c.item[:0], cause: c.cause[:0], success: c.success[:0], start: c.start[:0], end: c.end[:0]}
}

func (c *executionArrays) add(r executionRow) {
	c.id, c.job, c.taskID = append(c.id, r.id), append(c.job, r.job), append(c.taskID, r.taskID)
	c.hostname, c.ip, c.source = append(c.hostname, r.hostname), append(c.ip, r.ip), append(c.source, r.source)
	c.item = append(c.item, int32(r.item))
	c.cause = append(c.cause, pgtype.Text{String: r.cause, Valid: r.complete && !r.success})
	c.success = append(c.success, r.success)
	c.start = append(c.start, pgtype.Timestamp{Time: r.start, Valid: true})
	c.end = append(c.end, pgtype.Timestamp{Time: r.end, Valid: r.complete})
}

// args are the 11 arrays, in the execution table's column order.
func (c *executionArrays) args() []any {
	return []any{c.id, c.job, c.taskID, c.hostname, c.ip, c.item, c.source, c.cause, c.success, c.start, c.end}
}

// statusArrays are status rows as PostgreSQL's arrays, one per column.
type statusArrays struct {
	id, job, original, taskID, slaveID, source, execType, items, state, message []string
	creation                                                                    []pgtype.Timestamp
}

func (c *statusArrays) reset() {
	*c = statusArrays{id: c.id[:0], job: c.job[:0], original: c.original[:0], taskID: c.taskID[:0], slaveID: c.slaveID[:0],
		source: c.source[:0], execType: c.execType[:0], items: c.items[:0], state: c.state[:0], message: c.message[:0], creation: c.creation[:0]}
}

func (c *statusArrays) add(r statusRow) {
	c.id, c.job, c.original, c.taskID = append(c.id, r.id), append(c.job, r.job), append(c.original, ""), append(c.taskID, r.taskID)
	c.slaveID, c.source, c.execType = append(c.slaveID, r.slaveID), append(c.source, liteExecutor), append(c.execType, executionType)
	c.items, c.state, c.message = append(c.items, r.items), append(c.state, r.state), append(c.message, r.message)
	c.creation = append(c.creation, pgtype.Timestamp{Time: r.creation, Valid: true})
}

// args are the 11 arrays, in the status table's column order.
func (c *statusArrays) args() []any {
	return []any{c.id, c.job, c.original, c.taskID, c.slaveID, c.source, c.execType, c.items, c.state, c.message, c.creation}
}
