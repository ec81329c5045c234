package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/tracing"
)

// History is the tracing database's read side (*tracing.Store): ElasticJob-UI's two history
// queries.
type History interface {
	Executions(ctx context.Context, q tracing.ExecutionQuery) (tracing.Page[tracing.ExecutionRow], error)
	StatusTraces(ctx context.Context, q tracing.StatusQuery) (tracing.Page[tracing.StatusRow], error)
}

const historyPerPage = 20

// The filters' choices: ElasticJob-UI's execute-result select, plus running (its most common
// complaint is a run in progress shown as failed); its state select.
var (
	resultChoices = []string{"running", "ok", "failed"}
	stateChoices  = []string{"TASK_STAGING", "TASK_RUNNING", "TASK_FINISHED", "TASK_ERROR", "TASK_FAILED", "TASK_KILLED"}
)

type historyBody struct {
	Tab               string
	Enabled           bool
	Job, IP, From, To string
	Result, State     string
	Results           []string
	States            []string
	Total             int64
	Executions        []ItemRun
	Statuses          []tracing.StatusRow
	Pager             pager
}

// The datetime-local inputs' format; they are read in the console's time zone.
const formTime = "2006-01-02T15:04:05"

func parseFormTime(s string) time.Time {
	for _, layout := range []string{formTime, "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t
		}
	}
	return time.Time{}
}

func (c *Console) executions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b := historyBody{Tab: "executions", Enabled: c.history != nil, Job: strings.TrimSpace(q.Get("job")), IP: strings.TrimSpace(q.Get("ip")),
		Result: q.Get("result"), From: q.Get("from"), To: q.Get("to"), Results: resultChoices}
	if !b.Enabled {
		c.render(w, r, "history", "History", b, nil)
		return
	}
	eq := tracing.ExecutionQuery{JobName: b.Job, IP: b.IP, StartTimeFrom: parseFormTime(b.From), StartTimeTo: parseFormTime(b.To)}
	switch b.Result {
	case "running":
		eq.Outcome = tracing.Running
	case "ok":
		eq.Outcome = tracing.Succeeded
	case "failed":
		eq.Outcome = tracing.Failed
	}
	eq.Paging = tracing.Paging{Page: pageParam(r.URL), PageSize: historyPerPage}
	res, err := c.history.Executions(r.Context(), eq)
	if err == nil {
		b.Total = res.Total
		b.Pager = newPager(r.URL, int(res.Total), historyPerPage)
		for _, row := range res.Rows {
			b.Executions = append(b.Executions, itemRunOf(row))
		}
	}
	c.render(w, r, "history", "History", b, err)
}

func (c *Console) statuses(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b := historyBody{Tab: "status", Enabled: c.history != nil, Job: strings.TrimSpace(q.Get("job")), State: q.Get("state"),
		From: q.Get("from"), To: q.Get("to"), States: stateChoices}
	if !b.Enabled {
		c.render(w, r, "history", "History", b, nil)
		return
	}
	sq := tracing.StatusQuery{JobName: b.Job, State: b.State, CreationTimeFrom: parseFormTime(b.From), CreationTimeTo: parseFormTime(b.To)}
	sq.Paging = tracing.Paging{Page: pageParam(r.URL), PageSize: historyPerPage}
	res, err := c.history.StatusTraces(r.Context(), sq)
	if err == nil {
		b.Total, b.Statuses = res.Total, res.Rows
		b.Pager = newPager(r.URL, int(res.Total), historyPerPage)
	}
	c.render(w, r, "history", "History", b, err)
}

// itemRunOf reads an execution row: a row without completion and without a failure is a run
// in progress, not a failure.
func itemRunOf(row tracing.ExecutionRow) ItemRun {
	run := ItemRun{Job: row.JobName, Item: row.ShardingItem, TaskID: row.TaskID, Host: row.IP, Source: row.Source,
		Start: row.StartTime, Cause: row.FailureCause}
	switch row.Outcome() {
	case tracing.Succeeded:
		run.OK = true
		run.End = complete(row)
	case tracing.Failed:
		run.End = complete(row)
	}
	return run
}

// complete is the row's completion time; a failure recorded without one (ElasticJob's
// INSERT_FAILURE writes none) ends at its start.
func complete(row tracing.ExecutionRow) time.Time {
	if row.CompleteTime != nil {
		return *row.CompleteTime
	}
	return row.StartTime
}

// historyRuns reads the runs from the tracing database: every instance's.
type historyRuns struct{ h History }

// historyChartRows bounds the rows the chart reads; more are counted from the first ones only.
const historyChartRows = 5000

func (h historyRuns) ItemRuns(ctx context.Context, job string, since time.Time, limit int) ([]ItemRun, error) {
	res, err := h.h.Executions(ctx, tracing.ExecutionQuery{JobName: job, StartTimeFrom: since, Paging: tracing.Paging{PageSize: limit}})
	return runsOf(res.Rows), err
}

func (h historyRuns) Last(ctx context.Context, jobs []string) (map[string]ItemRun, error) {
	out := map[string]ItemRun{}
	var first error
	rows := make([][]tracing.ExecutionRow, len(jobs))
	errs := make([]error, len(jobs))
	forEach(len(jobs), func(i int) {
		res, err := h.h.Executions(ctx, tracing.ExecutionQuery{JobName: jobs[i], Paging: tracing.Paging{PageSize: 1}})
		rows[i], errs[i] = res.Rows, err
	})
	for i, job := range jobs {
		if errs[i] != nil && first == nil {
			first = errs[i]
		}
		if len(rows[i]) > 0 {
			out[job] = itemRunOf(rows[i][0])
		}
	}
	return out, first
}

func (h historyRuns) Failures(ctx context.Context, limit int) ([]ItemRun, error) {
	res, err := h.h.Executions(ctx, tracing.ExecutionQuery{Outcome: tracing.Failed, Paging: tracing.Paging{PageSize: limit}})
	return runsOf(res.Rows), err
}

func (h historyRuns) Counts(ctx context.Context, since time.Time, step time.Duration) ([]Count, error) {
	res, err := h.h.Executions(ctx, tracing.ExecutionQuery{StartTimeFrom: since, Paging: tracing.Paging{PageSize: historyChartRows}})
	out := bucket(nil, since, time.Now(), step)
	for _, row := range res.Rows {
		run := itemRunOf(row)
		if run.Running() || len(out) == 0 {
			continue
		}
		if i := int(run.End.Sub(out[0].From) / step); i >= 0 && i < len(out) {
			if run.OK {
				out[i].Succeeded++
			} else {
				out[i].Failed++
			}
		}
	}
	return out, err
}

func (h historyRuns) Scope() string { return "Every instance's runs, from the tracing database" }

func runsOf(rows []tracing.ExecutionRow) []ItemRun {
	out := make([]ItemRun, 0, len(rows))
	for _, row := range rows {
		out = append(out, itemRunOf(row))
	}
	return out
}
