package tracing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ExecutionRow is one row of JOB_EXECUTION_LOG: one item run.
type ExecutionRow struct {
	ID           string
	JobName      string
	TaskID       string
	Hostname     string
	IP           string
	ShardingItem int
	Source       string // execution_source: NORMAL_TRIGGER, MISFIRE or FAILOVER
	FailureCause string
	Success      bool       // is_success: false while the item runs, as ElasticJob writes it
	StartTime    time.Time  // zero when the row has none
	CompleteTime *time.Time // nil while the item runs
}

// Outcome tells a run in progress from a failed one: ElasticJob-UI prints is_success, which is
// false for both.
type Outcome string

const (
	Running   Outcome = "RUNNING"   // not complete and no failure recorded
	Succeeded Outcome = "SUCCEEDED" // is_success
	Failed    Outcome = "FAILED"    // complete (or a failure cause recorded) without success
)

// Outcome is the row's outcome. A row stays Running when its process died during the item.
func (r ExecutionRow) Outcome() Outcome {
	switch {
	case r.Success:
		return Succeeded
	case r.CompleteTime == nil && r.FailureCause == "":
		return Running
	}
	return Failed
}

// StatusRow is one row of JOB_STATUS_TRACE_LOG: a state a run went through.
type StatusRow struct {
	ID             string
	JobName        string
	OriginalTaskID string
	TaskID         string
	SlaveID        string
	Source         string // LITE_EXECUTOR
	ExecutionType  string // READY
	ShardingItems  string // sharding_item: the run's items as "[0, 1]"
	State          string // TASK_STAGING, TASK_RUNNING, TASK_FINISHED, TASK_ERROR
	Message        string
	CreationTime   time.Time // zero when the row has none
}

// Page is one page of rows and the number of rows matching the query.
type Page[T any] struct {
	Total int64
	Rows  []T
}

// Paging is ElasticJob-UI's paging and ordering. Page is 1-based; Page or PageSize ≤ 0 mean 1
// and 10. Sort names a field of the row (ElasticJob-UI's names, e.g. startTime, jobName,
// creationTime, or the column's name, start_time); an empty or unknown Sort orders by the
// time, newest first. Order is ASC or DESC, exactly; anything else is ASC.
type Paging struct {
	Page     int
	PageSize int
	Sort     string
	Order    string
}

// ExecutionQuery is the job trace page's query. Empty fields do not filter; JobName and IP
// match exactly; the time bounds are strict (start_time > From and < To), as ElasticJob-UI.
type ExecutionQuery struct {
	JobName       string
	IP            string
	Success       *bool   // ElasticJob-UI's execute-result filter: false includes runs in progress
	Outcome       Outcome // ours: Running, Succeeded or Failed
	StartTimeFrom time.Time
	StartTimeTo   time.Time
	Paging
}

// StatusQuery is the history status page's query, with the same rules on creation_time.
type StatusQuery struct {
	JobName          string
	TaskID           string // ours: the states of one run
	Source           string
	ExecutionType    string
	State            string
	CreationTimeFrom time.Time
	CreationTimeTo   time.Time
	Paging
}

// executionSorts and statusSorts map the sortable fields (ElasticJob-UI's entity and JSON names
// and the column names) to columns.
var (
	executionSorts = sortable(map[string]string{
		"id": "id", "jobName": "job_name", "taskId": "task_id", "hostname": "hostname", "ip": "ip",
		"shardingItem": "sharding_item", "executionSource": "execution_source", "source": "execution_source",
		"failureCause": "failure_cause", "isSuccess": "is_success", "success": "is_success",
		"startTime": "start_time", "completeTime": "complete_time",
	})
	statusSorts = sortable(map[string]string{
		"id": "id", "jobName": "job_name", "originalTaskId": "original_task_id", "taskId": "task_id",
		"slaveId": "slave_id", "source": "source", "executionType": "execution_type",
		"shardingItem": "sharding_item", "shardingItems": "sharding_item", "state": "state",
		"message": "message", "creationTime": "creation_time",
	})
)

func sortable(fields map[string]string) map[string]string {
	out := map[string]string{}
	for field, col := range fields {
		out[field], out[col] = col, col
	}
	return out
}

// orderBy is the ORDER BY of a page query: the named field, else the time column newest first;
// the id breaks ties so that pages do not overlap.
func (p Paging) orderBy(sorts map[string]string, timeColumn string) string {
	col, ok := sorts[p.Sort]
	if !ok {
		return " ORDER BY " + timeColumn + " DESC, id ASC"
	}
	dir := "ASC"
	if p.Order == "DESC" {
		dir = "DESC"
	}
	return " ORDER BY " + col + " " + dir + ", id ASC"
}

func (p Paging) limits() (limit, offset int) {
	page, size := p.Page, p.PageSize
	if page <= 0 || size <= 0 {
		page, size = 1, 10
	}
	return size, (page - 1) * size
}

// where collects a query's conditions and arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) eq(col, v string) {
	if v != "" {
		w.add(col+" = ?", v)
	}
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) between(col string, from, to time.Time) {
	if !from.IsZero() {
		w.add(col+" > ?", wall(from))
	}
	if !to.IsZero() {
		w.add(col+" < ?", wall(to))
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

const (
	executionSelect = "id, job_name, task_id, hostname, ip, sharding_item, execution_source, failure_cause, is_success, start_time, complete_time"
	statusSelect    = "id, job_name, original_task_id, task_id, slave_id, source, execution_type, sharding_item, state, message, creation_time"
)

// Executions is one page of JOB_EXECUTION_LOG, as ElasticJob-UI's job trace page queries it.
func (s *Store) Executions(ctx context.Context, q ExecutionQuery) (Page[ExecutionRow], error) {
	var w where
	w.eq("job_name", q.JobName)
	w.eq("ip", q.IP)
	if q.Success != nil {
		w.add("is_success = ?", *q.Success)
	}
	switch q.Outcome {
	case "":
	case Succeeded:
		w.add("is_success = ?", true)
	case Running:
		w.add("is_success = ? AND complete_time IS NULL AND (failure_cause IS NULL OR failure_cause = '')", false)
	case Failed:
		w.add("is_success = ? AND (complete_time IS NOT NULL OR failure_cause <> '')", false)
	default:
		return Page[ExecutionRow]{}, fmt.Errorf("tracing: outcome %q: want %s, %s or %s", q.Outcome, Running, Succeeded, Failed)
	}
	w.between("start_time", q.StartTimeFrom, q.StartTimeTo)
	return page(ctx, s, s.d.executionTable, executionSelect, w, q.orderBy(executionSorts, "start_time"), q.Paging, scanExecution)
}

// StatusTraces is one page of JOB_STATUS_TRACE_LOG, as ElasticJob-UI's history status page
// queries it.
func (s *Store) StatusTraces(ctx context.Context, q StatusQuery) (Page[StatusRow], error) {
	var w where
	w.eq("job_name", q.JobName)
	w.eq("task_id", q.TaskID)
	w.eq("source", q.Source)
	w.eq("execution_type", q.ExecutionType)
	w.eq("state", q.State)
	w.between("creation_time", q.CreationTimeFrom, q.CreationTimeTo)
	return page(ctx, s, s.d.statusTable, statusSelect, w, q.orderBy(statusSorts, "creation_time"), q.Paging, scanStatus)
}

func page[T any](ctx context.Context, s *Store, table, cols string, w where, order string, p Paging, scan func(*sql.Rows) (T, error)) (Page[T], error) {
	var out Page[T]
	count := s.d.bind("SELECT COUNT(*) FROM " + table + w.sql())
	if err := s.db.QueryRowContext(ctx, count, w.args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("tracing: %s: counting %s: %w", s.source, table, err)
	}
	limit, offset := p.limits()
	query := s.d.bind("SELECT " + cols + " FROM " + table + w.sql() + order + " LIMIT ? OFFSET ?")
	rows, err := s.db.QueryContext(ctx, query, append(w.args, limit, offset)...)
	if err != nil {
		return out, fmt.Errorf("tracing: %s: reading %s: %w", s.source, table, err)
	}
	defer rows.Close()
	out.Rows = []T{}
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return out, fmt.Errorf("tracing: %s: reading %s: %w", s.source, table, err)
		}
		out.Rows = append(out.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("tracing: %s: reading %s: %w", s.source, table, err)
	}
	return out, nil
}

func scanExecution(rows *sql.Rows) (ExecutionRow, error) {
	var r ExecutionRow
	var cause sql.NullString
	var start, complete sql.NullTime
	err := rows.Scan(&r.ID, &r.JobName, &r.TaskID, &r.Hostname, &r.IP, &r.ShardingItem, &r.Source, &cause, &r.Success, &start, &complete)
	r.FailureCause = cause.String
	if start.Valid {
		r.StartTime = fromWall(start.Time)
	}
	if complete.Valid {
		t := fromWall(complete.Time)
		r.CompleteTime = &t
	}
	return r, err
}

func scanStatus(rows *sql.Rows) (StatusRow, error) {
	var r StatusRow
	var msg sql.NullString
	var created sql.NullTime
	err := rows.Scan(&r.ID, &r.JobName, &r.OriginalTaskID, &r.TaskID, &r.SlaveID, &r.Source, &r.ExecutionType, &r.ShardingItems, &r.State, &msg, &created)
	r.Message = msg.String
	if created.Valid {
		r.CreationTime = fromWall(created.Time)
	}
	return r, err
}

// ExecutionJobNames are the distinct job names of JOB_EXECUTION_LOG starting with prefix, in
// order (the job trace page's suggestions).
func (s *Store) ExecutionJobNames(ctx context.Context, prefix string) ([]string, error) {
	return s.distinct(ctx, s.d.executionTable, "job_name", prefix)
}

// ExecutionIPs are the distinct server IPs of JOB_EXECUTION_LOG starting with prefix.
func (s *Store) ExecutionIPs(ctx context.Context, prefix string) ([]string, error) {
	return s.distinct(ctx, s.d.executionTable, "ip", prefix)
}

// StatusJobNames are the distinct job names of JOB_STATUS_TRACE_LOG starting with prefix.
func (s *Store) StatusJobNames(ctx context.Context, prefix string) ([]string, error) {
	return s.distinct(ctx, s.d.statusTable, "job_name", prefix)
}

// distinctLimit bounds a suggestion list.
const distinctLimit = 1000

func (s *Store) distinct(ctx context.Context, table, col, prefix string) ([]string, error) {
	var w where
	if prefix != "" {
		escaped := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(prefix)
		w.add(col+" LIKE ? ESCAPE '!'", escaped+"%")
	}
	query := s.d.bind(fmt.Sprintf("SELECT DISTINCT %[1]s FROM %[2]s%[3]s ORDER BY %[1]s LIMIT %[4]d", col, table, w.sql(), distinctLimit))
	rows, err := s.db.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("tracing: %s: reading %s: %w", s.source, table, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
