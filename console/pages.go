package console

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// The read-only pages: dashboard, jobs, job, servers, server.

const (
	jobsPerPage   = 50
	chartHours    = 6
	chartStep     = 10 * time.Minute
	failuresShown = 10
	pictureWindow = 24 * time.Hour
	pictureRuns   = 20_000 // item runs read for the picture at most (its fires × items)
	readers       = 8      // concurrent registry reads of one page
)

var jobStatuses = []lifecycle.JobStatus{lifecycle.JobOK, lifecycle.JobCrashed, lifecycle.JobDisabled, lifecycle.JobShardingFlag}

type statusCount struct {
	Status lifecycle.JobStatus
	Count  int
}

type dashboardBody struct {
	Total, Servers int
	Statuses       []statusCount
	Stale          string
	Counting       bool // the first count of a large namespace is under way
	Hours          int
	Chart          chart
	Failures       []ItemRun
	Scope          string
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b := dashboardBody{Hours: chartHours, Scope: c.scope()}
	snap, err := c.index.get(ctx)
	if err == nil {
		b.Total, b.Servers = len(snap.status), snap.servers
		counts := map[lifecycle.JobStatus]int{}
		for _, s := range snap.status {
			counts[s]++
		}
		for _, s := range jobStatuses {
			b.Statuses = append(b.Statuses, statusCount{s, counts[s]})
		}
		b.Counting = snap.pending
		if len(snap.status) > indexSmall {
			b.Stale = snap.at.Format("15:04:05")
		}
	}
	if c.runs != nil {
		now := c.now()
		counts, cerr := c.runs.Counts(ctx, now.Add(-chartHours*time.Hour), chartStep)
		b.Chart = newChart(counts, chartStep)
		var ferr error
		b.Failures, ferr = c.runs.Failures(ctx, failuresShown)
		err = errors.Join(err, cerr, ferr)
	}
	c.render(w, r, "dashboard", "Dashboard", b, err)
}

func (c *Console) scope() string {
	if c.runs == nil {
		return "No runs are recorded: the console has neither the service's engine nor a tracing database"
	}
	return c.runs.Scope()
}

// jobRow is a jobs-page row: the job's brief information and its last run.
type jobRow struct {
	lifecycle.JobBriefInfo
	Last *ItemRun
}

type jobsBody struct {
	Query, Status  string
	Counting       bool
	StatusChoices  []lifecycle.JobStatus
	Jobs           []jobRow
	Matched, Total int
	Pager          pager
}

// jobs lists one page of jobs. Its registry cost is bounded whatever the namespace's size: the
// names (one request), then the brief information of the page's jobs only. A status filter
// reads the statuses from the index, which a large namespace refreshes in the background.
func (c *Console) jobs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	b := jobsBody{Query: q.Get("q"), Status: q.Get("status"), StatusChoices: jobStatuses}
	names, err := c.op.JobNames(ctx)
	if err != nil {
		c.render(w, r, "jobs", "Jobs", b, err)
		return
	}
	b.Total = len(names)
	if b.Query != "" {
		needle := strings.ToLower(b.Query)
		names = slices.DeleteFunc(names, func(n string) bool { return !strings.Contains(strings.ToLower(n), needle) })
	}
	var pageErr error
	if b.Status != "" {
		snap, err := c.index.get(ctx)
		if err != nil {
			pageErr = err
		}
		b.Counting = snap.pending
		want := lifecycle.JobStatus(b.Status)
		names = slices.DeleteFunc(names, func(n string) bool { return snap.status[n] != want })
	}
	b.Matched = len(names)
	b.Pager = newPager(r.URL, len(names), jobsPerPage)
	names = names[b.Pager.from:b.Pager.to]
	briefs := make([]lifecycle.JobBriefInfo, len(names))
	errs := make([]error, len(names))
	forEach(len(names), func(i int) { briefs[i], errs[i] = c.op.Job(ctx, names[i]) })
	var last map[string]ItemRun
	if c.runs != nil {
		last, err = c.runs.Last(ctx, names)
		pageErr = errors.Join(pageErr, err)
	}
	for i, info := range briefs {
		if errs[i] != nil {
			if !errors.Is(errs[i], lifecycle.ErrNotFound) { // a node without configuration is not a job
				pageErr = errors.Join(pageErr, errs[i])
			}
			continue
		}
		row := jobRow{JobBriefInfo: info}
		if run, ok := last[info.JobName]; ok {
			row.Last = &run
		}
		b.Jobs = append(b.Jobs, row)
	}
	c.render(w, r, "jobs", "Jobs", b, pageErr)
}

// forEach runs f(0..n-1), readers at a time: a page's reads overlap their round trips.
func forEach(n int, f func(i int)) {
	sem := make(chan struct{}, readers)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}

type jobBody struct {
	Brief    lifecycle.JobBriefInfo
	Config   lifecycle.JobConfiguration
	Sharding []lifecycle.ShardingInfo
	Servers  []lifecycle.JobServerInfo
	Picture  picture
	Scope    string
	DumpPort int
}

func (c *Console) job(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("job")
	b := jobBody{Scope: c.scope(), DumpPort: c.dumpPort}
	var err error
	if b.Brief, b.Config, err = c.op.JobWithConfig(ctx, name); err != nil {
		c.notFoundOr(w, r, err)
		return
	}
	var errs [3]error
	b.Sharding, errs[0] = c.op.Sharding(ctx, name)
	b.Servers, errs[1] = c.op.JobServers(ctx, name)
	if c.runs != nil {
		var runs []ItemRun
		now := c.now()
		runs, errs[2] = c.runs.ItemRuns(ctx, name, now.Add(-pictureWindow), min(pictureRuns, pictureCols*max(b.Brief.ShardingTotalCount, 1)))
		b.Picture = newPicture(runs, b.Brief.ShardingTotalCount, now)
	} else {
		b.Picture.Empty = true
	}
	c.render(w, r, "job", name, b, errors.Join(errs[:]...))
}

// notFoundOr answers 404 for a job or server that does not exist, 502 when the registry failed.
func (c *Console) notFoundOr(w http.ResponseWriter, r *http.Request, err error) {
	status, title := http.StatusBadGateway, "The registry did not answer"
	if errors.Is(err, lifecycle.ErrNotFound) {
		status, title = http.StatusNotFound, "Not found"
	}
	c.renderStatus(w, r, status, "problem", title, nil, err)
}

type serversBody struct {
	Servers []lifecycle.ServerBriefInfo
}

func (c *Console) servers(w http.ResponseWriter, r *http.Request) {
	servers, err := c.op.Servers(r.Context())
	c.render(w, r, "servers", "Servers", serversBody{Servers: servers}, err)
}

type serverBody struct {
	IP   string
	Jobs []lifecycle.JobBriefInfo
}

func (c *Console) server(w http.ResponseWriter, r *http.Request) {
	ip := r.PathValue("ip")
	jobs, err := c.op.JobsOnServer(r.Context(), ip)
	if err != nil {
		c.notFoundOr(w, r, err)
		return
	}
	c.render(w, r, "server", "Server "+ip, serverBody{IP: ip, Jobs: jobs}, nil)
}

// pager is the paging of a list: from..to of the rows, links to the neighbours.
type pager struct {
	Page, Pages int
	Prev, Next  string
	from, to    int
}

func newPager(u *url.URL, rows, per int) pager {
	p := pager{Pages: max(1, (rows+per-1)/per)}
	p.Page = min(pageParam(u), p.Pages)
	p.from, p.to = (p.Page-1)*per, min(p.Page*per, rows)
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		return u.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}

// pageParam is the page number a list's URL asks for, 1 when it asks none.
func pageParam(u *url.URL) int {
	n, _ := strconv.Atoi(u.Query().Get("page"))
	return max(n, 1)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	return keys
}
