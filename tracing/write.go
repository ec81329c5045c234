package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// rowsPerStatement bounds a multi-row statement's rows (11 parameters each: far below every
// database's limit on parameters).
const rowsPerStatement = 500

const (
	executionInsert = "INSERT INTO %s (id, job_name, task_id, hostname, ip, sharding_item, execution_source, failure_cause, is_success, start_time, complete_time) VALUES "
	statusInsert    = "INSERT INTO %s (id, job_name, original_task_id, task_id, slave_id, source, execution_type, sharding_item, state, message, creation_time) VALUES "
	valuesOf11      = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

func (r record) table() string {
	if r.status {
		return "JOB_STATUS_TRACE_LOG"
	}
	return "JOB_EXECUTION_LOG"
}

// writeBatch writes records in one transaction: the starts of item runs (one multi-row INSERT,
// is_success false, as ElasticJob's start event), their completions (one multi-row upsert: the
// outcome of a row that exists, the whole row when the start is missing — ElasticJob's
// UPDATE-then-INSERT for a completion written before its start), and the status rows (one
// multi-row INSERT). A start and its completion in the same batch become the completed row.
//
// A retried batch whose first attempt committed although its answer was lost meets its own rows:
// the duplicate key (SQLSTATE 23505, MySQL error 1062) says the whole transaction is written.
func (s *Store) writeBatch(ctx context.Context, batch []record, ids *ids, hostname string) error {
	var starts, completions, statuses []record
	completed := map[uint64]bool{}
	for i := range batch {
		if !batch[i].status && batch[i].complete {
			completed[batch[i].seq] = true
		}
	}
	for _, r := range batch {
		switch {
		case r.status:
			statuses = append(statuses, r)
		case r.complete:
			completions = append(completions, r)
		case !completed[r.seq]:
			starts = append(starts, r)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	execArgs := func(vals []any, r *record) []any { return s.executionArgs(vals, r, ids, hostname) }
	statusArgs := func(vals []any, r *record) []any { return s.statusArgs(vals, r, ids) }
	err = s.insert(ctx, tx, fmt.Sprintf(executionInsert, s.d.executionTable), "", starts, execArgs)
	if err == nil {
		err = s.insert(ctx, tx, fmt.Sprintf(executionInsert, s.d.executionTable), s.d.completeSuffix, completions, execArgs)
	}
	if err == nil {
		err = s.insert(ctx, tx, fmt.Sprintf(statusInsert, s.d.statusTable), "", statuses, statusArgs)
	}
	if err == nil {
		err = tx.Commit()
	}
	if isDuplicate(err) && (len(starts) > 0 || len(statuses) > 0) {
		return nil
	}
	return err
}

// insert runs one multi-row INSERT (plus suffix) per rowsPerStatement records.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, head, suffix string, rows []record, args func([]any, *record) []any) error {
	for len(rows) > 0 {
		n := min(len(rows), rowsPerStatement)
		var q strings.Builder
		q.Grow(len(head) + n*(len(valuesOf11)+2) + len(suffix))
		q.WriteString(head)
		vals := make([]any, 0, 11*n)
		for i := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(valuesOf11)
			vals = args(vals, &rows[i])
		}
		q.WriteString(suffix)
		if _, err := tx.ExecContext(ctx, s.d.bind(q.String()), vals...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// executionArgs are a JOB_EXECUTION_LOG row's values, fitted to the table's columns.
func (s *Store) executionArgs(vals []any, r *record, ids *ids, hostname string) []any {
	w := s.execWidths
	var cause, end any // NULL until complete; a success has no failure_cause
	success := r.complete && r.err == nil
	if r.complete {
		end = wall(r.end)
		if r.err != nil {
			cause = fit(r.err.Error(), w["failure_cause"])
		}
	}
	return append(vals, ids.format(r.seq), fit(r.job, w["job_name"]), fitTaskID(r.taskID, w["task_id"]), fit(hostname, w["hostname"]),
		fit(instanceIP(r.taskID), w["ip"]), r.item, r.source, cause, success, wall(r.time), end)
}

// statusArgs are a JOB_STATUS_TRACE_LOG row's values, fitted to the table's columns.
func (s *Store) statusArgs(vals []any, r *record, ids *ids) []any {
	w := s.statusWidths
	return append(vals, ids.format(r.seq), fit(r.job, w["job_name"]), "", fitTaskID(r.taskID, w["task_id"]), fit(instanceIP(r.taskID), w["slave_id"]),
		liteExecutor, executionType, fitList(javaList(r.items), w["sharding_item"]), r.state, fit(r.text(), w["message"]), wall(r.time))
}
