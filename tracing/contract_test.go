package tracing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

type Event = starter.Event

const ip = "10.0.0.5"

func taskOf(job, items string) string { return job + "@-@" + items + "@-@READY@-@" + ip + "@-@4242" }

// run is the events of one run of job on items, as the engine reports them, starting at
// second sec; errs fail items.
func run(job string, src starter.Source, sec int, items []int, errs map[int]error) []Event {
	var list []string
	for _, i := range items {
		list = append(list, fmt.Sprint(i))
	}
	task := taskOf(job, strings.Join(list, ","))
	evs := []Event{
		{Kind: starter.EventRunStaged, Job: job, TaskID: task, Source: src, Items: items, Time: at(sec)},
		{Kind: starter.EventRunStarted, Job: job, TaskID: task, Source: src, Items: items, Time: at(sec)},
	}
	for _, i := range items {
		evs = append(evs, Event{Kind: starter.EventItemStarted, Job: job, TaskID: task, Source: src, Item: i, Time: at(sec)})
	}
	for _, i := range items {
		evs = append(evs, Event{Kind: starter.EventItemFinished, Job: job, TaskID: task, Source: src, Item: i, Time: at(sec + 1), Duration: time.Second, Err: errs[i]})
	}
	var itemErrs map[int]error
	if len(errs) > 0 {
		itemErrs = errs
	}
	return append(evs, Event{Kind: starter.EventRunFinished, Job: job, TaskID: task, Source: src, Items: items, Time: at(sec + 1), ItemErrors: itemErrs})
}

func statesOf(rows []StatusRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.State+" "+r.ShardingItems+" "+r.Message)
	}
	return out
}

func ascending(p Paging) Paging { p.Sort, p.Order = "creationTime", "ASC"; return p }

// One run with a failed item: ElasticJob-Lite's rows, field by field.
func TestContractRowsOfARun(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		ctx := context.Background()
		o := observe(t, s, Options{}, run("orders", starter.SourceNormal, 0, []int{0, 1}, map[int]error{1: errors.New("boom")})...)
		if o.Dropped() != 0 || o.Written() != 7 {
			t.Fatalf("dropped %d, written %d records; want 0 and 7", o.Dropped(), o.Written())
		}
		execs, err := s.Executions(ctx, ExecutionQuery{Paging: Paging{Sort: "shardingItem", Order: "ASC"}})
		if err != nil {
			t.Fatal(err)
		}
		if execs.Total != 2 || len(execs.Rows) != 2 {
			t.Fatalf("executions %+v", execs)
		}
		host := o.hostname
		for i, r := range execs.Rows {
			done := at(1)
			want := ExecutionRow{ID: r.ID, JobName: "orders", TaskID: taskOf("orders", "0,1"), Hostname: host, IP: ip, ShardingItem: i,
				Source: "NORMAL_TRIGGER", Success: i == 0, StartTime: at(0), CompleteTime: &done}
			if i == 1 {
				want.FailureCause = "boom"
			}
			if len(r.ID) != 36 || r.CompleteTime == nil || !r.CompleteTime.Equal(done) || !r.StartTime.Equal(at(0)) {
				t.Fatalf("execution row %d: %+v", i, r)
			}
			r.CompleteTime, r.StartTime = &done, at(0)
			if fmt.Sprint(r) != fmt.Sprint(want) {
				t.Fatalf("execution row %d:\n got %+v\nwant %+v", i, r, want)
			}
		}
		if execs.Rows[0].Outcome() != Succeeded || execs.Rows[1].Outcome() != Failed {
			t.Fatalf("outcomes %s %s", execs.Rows[0].Outcome(), execs.Rows[1].Outcome())
		}
		st, err := s.StatusTraces(ctx, StatusQuery{Paging: Paging{Sort: "state", Order: "DESC"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"TASK_STAGING [0, 1] Job 'orders' execute begin.", "TASK_RUNNING [0, 1] ", "TASK_ERROR [0, 1] {1=boom}"}
		if got := statesOf(st.Rows); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("status rows\n got %q\nwant %q", got, want)
		}
		for _, r := range st.Rows {
			if r.JobName != "orders" || r.OriginalTaskID != "" || r.TaskID != taskOf("orders", "0,1") || r.SlaveID != ip ||
				r.Source != "LITE_EXECUTOR" || r.ExecutionType != "READY" || len(r.ID) != 36 || r.CreationTime.IsZero() {
				t.Fatalf("status row %+v", r)
			}
		}
	})
}

// A run in progress is RUNNING, not failed, though is_success is false as ElasticJob writes it;
// the UI's isSuccess=false filter still finds it, our Outcome filter tells them apart.
func TestContractRunningIsNotFailed(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		ctx := context.Background()
		evs := run("slow", starter.SourceNormal, 0, []int{0}, nil)
		failed := run("bad", starter.SourceNormal, 5, []int{0}, map[int]error{0: errors.New("")})
		observe(t, s, Options{}, append(evs[:3], failed...)...) // slow: staged, running, item started
		no := false
		p, err := s.Executions(ctx, ExecutionQuery{Success: &no})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 2 {
			t.Fatalf("isSuccess=false: %d rows, want 2", p.Total)
		}
		for outcome, job := range map[Outcome]string{Running: "slow", Failed: "bad"} {
			p, err := s.Executions(ctx, ExecutionQuery{Outcome: outcome})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 1 || p.Rows[0].JobName != job || p.Rows[0].Outcome() != outcome {
				t.Fatalf("outcome %s: %+v", outcome, p)
			}
		}
		if _, err := s.Executions(ctx, ExecutionQuery{Outcome: "LOST"}); err == nil || err.Error() != `tracing: outcome "LOST": want RUNNING, SUCCEEDED or FAILED` {
			t.Fatalf("error %v", err)
		}
	})
}

// ElasticJob-UI's job trace and history status queries: exact filters, strict time bounds,
// 1-based paging with its defaults, newest first unless a field is named, ASC unless "DESC".
func TestContractQueries(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		ctx := context.Background()
		var evs []Event
		for i := range 12 { // a_job runs at 0, 10, 20…; b_job at 5, 15…; every third run fails
			var errs map[int]error
			if i%3 == 2 {
				errs = map[int]error{0: errors.New("boom")}
			}
			evs = append(evs, run("a_job", starter.SourceNormal, 10*i, []int{0}, errs)...)
			evs = append(evs, run("b_job", starter.SourceNormal, 10*i+5, []int{0}, nil)...)
		}
		evs = append(evs, run("axjob", starter.SourceNormal, 500, []int{0}, nil)...) // not a_job's prefix with '_' literal
		observe(t, s, Options{}, evs...)

		type q = ExecutionQuery
		yes, no := true, false
		for _, c := range []struct {
			name  string
			q     ExecutionQuery
			total int64
			first []string // jobName@start second of the page's rows
		}{
			{"defaults: page 1 of 10, newest first", q{}, 25, []string{"axjob@500", "b_job@115", "a_job@110", "b_job@105", "a_job@100", "b_job@95", "a_job@90", "b_job@85", "a_job@80", "b_job@75"}},
			{"page 3", q{Paging: Paging{Page: 3, PageSize: 10}}, 25, []string{"a_job@20", "b_job@15", "a_job@10", "b_job@5", "a_job@0"}},
			{"page size 0 means the defaults", q{Paging: Paging{Page: 3, PageSize: 0}}, 25, []string{"axjob@500", "b_job@115", "a_job@110", "b_job@105", "a_job@100", "b_job@95", "a_job@90", "b_job@85", "a_job@80", "b_job@75"}},
			{"job name exact", q{JobName: "a_job", Paging: Paging{Page: 1, PageSize: 3}}, 12, []string{"a_job@110", "a_job@100", "a_job@90"}},
			{"job name is not a prefix", q{JobName: "a_"}, 0, nil},
			{"failures", q{JobName: "a_job", Success: &no, Paging: Paging{Page: 1, PageSize: 2}}, 4, []string{"a_job@110", "a_job@80"}},
			{"successes", q{Success: &yes}, 21, nil},
			{"strict time bounds", q{StartTimeFrom: at(10), StartTimeTo: at(30), Paging: Paging{Page: 1, PageSize: 5}}, 3, []string{"b_job@25", "a_job@20", "b_job@15"}},
			{"sort by job name ascending", q{StartTimeTo: at(100), Paging: Paging{Page: 1, PageSize: 2, Sort: "jobName", Order: "ASC"}}, 20, []string{"a_job@", "a_job@"}},
			{"sort by start time, an invalid order is ASC", q{Paging: Paging{Page: 1, PageSize: 2, Sort: "startTime", Order: "desc"}}, 25, []string{"a_job@0", "b_job@5"}},
			{"sort descending", q{Paging: Paging{Page: 1, PageSize: 1, Sort: "jobName", Order: "DESC"}}, 25, []string{"b_job@"}},
			{"an unknown sort field is the default order", q{Paging: Paging{Page: 1, PageSize: 1, Sort: "nope", Order: "ASC"}}, 25, []string{"axjob@500"}},
			{"ip", q{IP: ip, Paging: Paging{Page: 1, PageSize: 1}}, 25, []string{"axjob@500"}},
			{"another ip", q{IP: "10.0.0.6"}, 0, nil},
		} {
			p, err := s.Executions(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, r := range p.Rows {
				label := fmt.Sprintf("%s@%d", r.JobName, int(r.StartTime.Sub(at(0))/time.Second))
				if c.first != nil && strings.HasSuffix(c.first[len(got)%len(c.first)], "@") {
					label = r.JobName + "@"
				}
				got = append(got, label)
			}
			if p.Total != c.total || (c.first != nil && fmt.Sprint(got) != fmt.Sprint(c.first)) {
				t.Fatalf("%s: total %d rows %q; want %d %q", c.name, p.Total, got, c.total, c.first)
			}
		}

		st, err := s.StatusTraces(ctx, StatusQuery{JobName: "b_job", State: "TASK_FINISHED", CreationTimeFrom: at(100), Paging: ascending(Paging{})})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 2 || st.Rows[0].CreationTime != at(106) || st.Rows[1].CreationTime != at(116) {
			t.Fatalf("status page %+v", st)
		}
		st, err = s.StatusTraces(ctx, StatusQuery{State: "TASK_ERROR", Source: "LITE_EXECUTOR", ExecutionType: "READY", Paging: Paging{Page: 1, PageSize: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 4 || st.Rows[0].Message != "{0=boom}" || st.Rows[0].CreationTime != at(111) {
			t.Fatalf("status page %+v", st)
		}
		st, err = s.StatusTraces(ctx, StatusQuery{TaskID: taskOf("axjob", "0")})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 3 {
			t.Fatalf("the states of one run: %+v", st)
		}

		for _, c := range []struct {
			list   func(context.Context, string) ([]string, error)
			prefix string
			want   []string
		}{
			{s.ExecutionJobNames, "", []string{"a_job", "axjob", "b_job"}},
			{s.ExecutionJobNames, "a_", []string{"a_job"}},
			{s.StatusJobNames, "b", []string{"b_job"}},
			{s.ExecutionIPs, "10.", []string{ip}},
			{s.ExecutionIPs, "9", []string{}},
		} {
			got, err := c.list(ctx, c.prefix)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got) // in the database's collation: MariaDB's puts axjob before a_job
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("prefix %q: %q, want %q", c.prefix, got, c.want)
			}
		}
	})
}

// The misfire and empty-item-set rows; failover and misfire runs' execution_source, beyond
// ElasticJob-Lite, which records every run as NORMAL_TRIGGER.
func TestContractMisfireEmptyAndSources(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		ctx := context.Background()
		evs := run("nightly", starter.SourceNormal, 0, []int{1, 0}, nil)
		evs = append(evs[:3], // the run of items 1 and 0 is going when the next fire comes
			Event{Kind: starter.EventMisfired, Job: "nightly", Items: []int{1, 0}, Time: at(1)},
			Event{Kind: starter.EventRunStaged, Job: "idle", TaskID: taskOf("idle", ""), Items: nil, Time: at(2)},
			Event{Kind: starter.EventRunEmpty, Job: "idle", TaskID: taskOf("idle", ""), Time: at(2)})
		evs = append(evs, run("nightly", starter.SourceMisfire, 3, []int{0}, nil)...)
		evs = append(evs, run("nightly", starter.SourceFailover, 4, []int{2}, nil)...)
		evs = append(evs, run("nightly", starter.SourceMakeUp, 5, []int{3}, nil)...)
		observe(t, s, Options{}, evs...)

		st, err := s.StatusTraces(ctx, StatusQuery{CreationTimeTo: at(3), Paging: ascending(Paging{Page: 1, PageSize: 20})})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"TASK_STAGING [0, 1] Job 'nightly' execute begin.",
			"TASK_RUNNING [0, 1] ",
			"TASK_STAGING [0, 1] Job 'nightly' execute begin.",
			"TASK_FINISHED [0, 1] Previous job 'nightly' - shardingItems '[0, 1]' is still running, misfired job will start after previous job completed.",
			"TASK_STAGING [] Job 'idle' execute begin.",
			"TASK_FINISHED [] Sharding item for job 'idle' is empty.",
		}
		got := statesOf(st.Rows)
		if len(got) != len(want) {
			t.Fatalf("status rows\n got %q\nwant %q", got, want)
		}
		for i := range want { // rows of the same second: compare as sets within a second
			if !contains(got, want[i]) {
				t.Fatalf("status rows\n got %q\nwant %q", got, want)
			}
		}
		if st.Rows[3].TaskID != taskOf("nightly", "1,0") && st.Rows[2].TaskID != taskOf("nightly", "1,0") {
			t.Fatalf("the misfire's rows carry the task id of the run in progress: %+v", st.Rows[2:4])
		}
		p, err := s.Executions(ctx, ExecutionQuery{StartTimeFrom: at(2), Paging: Paging{Sort: "startTime", Order: "ASC"}})
		if err != nil {
			t.Fatal(err)
		}
		var sources []string
		for _, r := range p.Rows {
			sources = append(sources, fmt.Sprintf("%d:%s", r.ShardingItem, r.Source))
		}
		if fmt.Sprint(sources) != "[0:MISFIRE 2:FAILOVER 3:MISFIRE]" {
			t.Fatalf("sources %q", sources)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A task id or item list longer than its column is shortened to fit, not refused: the task id's
// item list is cut ("0,1,2,...") keeping the job and the instance whole; the status row's item
// list ends "...]".
func TestContractLongValuesFit(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		ctx := context.Background()
		items := make([]int, 100)
		for i := range items {
			items[i] = i
		}
		evs := run("wide", starter.SourceNormal, 0, items, map[int]error{7: errors.New(strings.Repeat("x", 5000))})
		o := observe(t, s, Options{}, evs...)
		if o.Dropped() != 0 {
			t.Fatalf("%d rows dropped", o.Dropped())
		}
		p, err := s.Executions(ctx, ExecutionQuery{JobName: "wide", Paging: Paging{Page: 1, PageSize: 100}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 100 {
			t.Fatalf("%d execution rows, want 100", p.Total)
		}
		task := p.Rows[0].TaskID
		if len(task) > 255 || !strings.HasPrefix(task, "wide@-@0,1,2,") || !strings.HasSuffix(task, ",...@-@READY@-@"+ip+"@-@4242") {
			t.Fatalf("task id (%d characters) %q", len(task), task)
		}
		st, err := s.StatusTraces(ctx, StatusQuery{JobName: "wide", State: "TASK_ERROR"})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 1 || len(st.Rows[0].ShardingItems) > 100 || !strings.HasPrefix(st.Rows[0].ShardingItems, "[0, 1, 2,") || !strings.HasSuffix(st.Rows[0].ShardingItems, ", ...]") {
			t.Fatalf("status %+v", st)
		}
		if n := len(st.Rows[0].Message); n != 4000 {
			t.Fatalf("message of %d characters, want 4000", n)
		}
	})
}

// A completion with no start written (the start was dropped, or came before this observer) is
// the whole row, as ElasticJob's INSERT after an UPDATE that found nothing.
func TestContractCompletionWithoutStart(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		evs := run("late", starter.SourceNormal, 0, []int{0}, map[int]error{0: errors.New("late boom")})
		observe(t, s, Options{}, evs[3:]...) // from the item's completion on
		p, err := s.Executions(context.Background(), ExecutionQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 || p.Rows[0].FailureCause != "late boom" || p.Rows[0].Outcome() != Failed || !p.Rows[0].StartTime.Equal(at(0)) || p.Rows[0].CompleteTime == nil {
			t.Fatalf("rows %+v", p)
		}
	})
}

// includeJobNames and excludeJobNames select jobs by exact name.
func TestContractJobSelection(t *testing.T) {
	s := openStore(t, backends[0].open(t))
	ctx := context.Background()
	evs := append(run("keep", starter.SourceNormal, 0, []int{0}, nil), run("keep2", starter.SourceNormal, 0, []int{0}, nil)...)
	observe(t, s, Options{IncludeJobNames: []string{"keep"}}, evs...)
	if names, _ := s.StatusJobNames(ctx, ""); fmt.Sprint(names) != "[keep]" {
		t.Fatalf("included: %q", names)
	}
	observe(t, s, Options{ExcludeJobNames: []string{"keep"}}, evs...)
	if names, _ := s.ExecutionJobNames(ctx, ""); fmt.Sprint(names) != "[keep keep2]" {
		t.Fatalf("after excluding keep: %q", names)
	}
	if p, _ := s.Executions(ctx, ExecutionQuery{JobName: "keep"}); p.Total != 1 {
		t.Fatalf("keep has %d rows, want 1", p.Total)
	}
	if _, err := NewObserver(s, Options{IncludeJobNames: []string{"a"}, ExcludeJobNames: []string{"b"}}); err == nil ||
		err.Error() != "tracing: includeJobNames and excludeJobNames are mutually exclusive" {
		t.Fatalf("error %v", err)
	}
}

// The engine asks ForJob once per job: an untraced job gets no observer (the engine then builds
// none of its events for tracing), a traced one a tracer that writes the job's rows.
func TestContractForJob(t *testing.T) {
	s := openStore(t, backends[0].open(t))
	o, err := NewObserver(s, Options{ExcludeJobNames: []string{"skipped"}, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.ForJob("skipped"); got != nil {
		t.Fatalf("ForJob of an excluded job: %#v, want nil", got)
	}
	traced := o.ForJob("perjob")
	if traced == nil {
		t.Fatal("ForJob of a traced job: nil")
	}
	for _, e := range run("perjob", starter.SourceNormal, 0, []int{0, 1}, map[int]error{1: errors.New("boom")}) {
		traced.Observe(e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := o.Close(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := s.Executions(ctx, ExecutionQuery{JobName: "perjob", Paging: Paging{Sort: "shardingItem", Order: "ASC"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 2 || p.Rows[0].Outcome() != Succeeded || p.Rows[1].Outcome() != Failed || p.Rows[1].FailureCause != "boom" {
		t.Fatalf("execution rows %+v", p.Rows)
	}
	st, err := s.StatusTraces(ctx, StatusQuery{JobName: "perjob", Paging: Paging{Sort: "state", Order: "DESC"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TASK_STAGING [0, 1] Job 'perjob' execute begin.", "TASK_RUNNING [0, 1] ", "TASK_ERROR [0, 1] {1=boom}"}
	if got := statesOf(st.Rows); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("status rows\n got %q\nwant %q", got, want)
	}
}
