package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// Options configure a Console.
type Options struct {
	// Operator reads and operates the registry; required.
	Operator *lifecycle.Operator
	// History reads the tracing database for the history pages and, when Runs is nil, for
	// the runs; nil: no tracing database (the history pages say so).
	History History
	// Runs is where recent runs come from (a service's Recorder); nil: from History.
	Runs Runs
	// Auth is the basic authentication; zero: none (loopback only, see CheckListen).
	Auth Auth
	// Namespace is shown in the header.
	Namespace string
	// DumpPort is the port the dump form proposes (elasticjob.dump.port; 9888 when zero).
	DumpPort int
	// Logger receives the audit lines (default slog.Default()).
	Logger *slog.Logger
	// Refresh is how often pages update themselves (default 3 s).
	Refresh time.Duration
}

// Console is the web console: an http.Handler to mount at "/".
type Console struct {
	op       *lifecycle.Operator
	history  History
	runs     Runs
	auth     Auth
	ns       string
	dumpPort int
	log      *slog.Logger
	refresh  time.Duration
	csrf     *csrf
	pages    map[string]*template.Template
	mux      *http.ServeMux
	index    *statusIndex
	now      func() time.Time
}

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets
var assetFiles embed.FS

// New returns a Console; a half-configured account is an error.
func New(o Options) (*Console, error) {
	if o.Operator == nil {
		return nil, errors.New("console: no lifecycle operator")
	}
	if err := o.Auth.validate(); err != nil {
		return nil, err
	}
	c := &Console{
		op: o.Operator, history: o.History, runs: o.Runs, auth: o.Auth, ns: o.Namespace,
		dumpPort: o.DumpPort, log: o.Logger, refresh: o.Refresh, csrf: newCSRF(), now: time.Now,
	}
	if c.runs == nil && c.history != nil {
		c.runs = historyRuns{h: c.history}
	}
	if c.dumpPort == 0 {
		c.dumpPort = 9888
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.refresh == 0 {
		c.refresh = 3 * time.Second
	}
	c.index = newStatusIndex(c.op)
	var err error
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

// ServeHTTP authenticates the request and serves it.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "same-origin")
	u := c.auth.authenticate(r)
	if u.role == roleNone {
		w.Header().Set("WWW-Authenticate", `Basic realm="elasticjob console", charset="UTF-8"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	c.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
}

type userKey struct{}

func userOf(r *http.Request) user { u, _ := r.Context().Value(userKey{}).(user); return u }

func (c *Console) routes() {
	m := http.NewServeMux()
	assets, _ := fs.Sub(assetFiles, "assets")
	m.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(assets)))
	m.HandleFunc("GET /{$}", c.dashboard)
	m.HandleFunc("GET /jobs", c.jobs)
	m.HandleFunc("GET /jobs/{job}", c.job)
	m.HandleFunc("GET /jobs/{job}/dump", c.dump)
	m.HandleFunc("GET /servers", c.servers)
	m.HandleFunc("GET /servers/{ip}", c.server)
	m.HandleFunc("GET /history", c.executions)
	m.HandleFunc("GET /history/status", c.statuses)
	for path, h := range map[string]actionFunc{
		"/jobs/{job}/trigger":           c.trigger,
		"/jobs/{job}/disable":           c.jobServers("disable"),
		"/jobs/{job}/enable":            c.jobServers("enable"),
		"/jobs/{job}/shutdown":          c.jobServers("shutdown"),
		"/jobs/{job}/remove":            c.removeJob,
		"/jobs/{job}/config":            c.updateConfig,
		"/jobs/{job}/items/{item}/{op}": c.item,
		"/jobs/{job}/servers/{ip}/{op}": c.jobServer,
		"/servers/{ip}/{op}":            c.serverJobs,
	} {
		m.HandleFunc("POST "+path, c.act(h))
	}
	c.mux = m
}

// page is what every page template gets.
type page struct {
	Title, Nav   string
	Namespace    string
	User         string
	CanAct       bool
	CSRF         string
	Flash, Error string
	Refresh      int
	Now          string
	Body         any
}

var funcs = template.FuncMap{
	"took": func(r ItemRun) string { return round(r.Duration(time.Now())).String() },
	// when is a time of today as its clock time, another day's with its date.
	"when": func(t time.Time) string {
		if now := time.Now().In(t.Location()); t.YearDay() == now.YearDay() && t.Year() == now.Year() {
			return t.Format("15:04:05")
		}
		return t.Format("2006-01-02 15:04:05")
	},
	"props": func(p map[string]string) string {
		var b strings.Builder
		for _, k := range sortedKeys(p) {
			fmt.Fprintf(&b, "%s=%s\n", k, p[k])
		}
		return b.String()
	},
}

func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range []string{"dashboard", "jobs", "job", "servers", "server", "history", "problem"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page, or only its main part when the page's script asks for an update.
func (c *Console) render(w http.ResponseWriter, r *http.Request, name, title string, body any, pageErr error) {
	c.renderStatus(w, r, http.StatusOK, name, title, body, pageErr)
}

// renderStatus is render with another status than 200.
func (c *Console) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, body any, pageErr error) {
	u := userOf(r)
	p := page{
		Title: title, Nav: nav(name), Namespace: c.ns, User: u.name, CanAct: u.canAct(),
		Refresh: int(c.refresh / time.Second), Now: c.now().Format("15:04:05"), Body: body,
	}
	if u.canAct() {
		p.CSRF = c.csrf.token(u)
	}
	if r.Header.Get("X-Console-Partial") == "" { // the page's own refreshes leave it to the page
		f := takeFlash(w, r)
		p.Flash, p.Error = f.Done, f.Error
	}
	if pageErr != nil {
		p.Error = strings.TrimSpace(p.Error + "\n" + pageErr.Error())
	}
	which := "layout"
	if r.Header.Get("X-Console-Partial") != "" {
		which = "main"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.pages[name].ExecuteTemplate(w, which, p); err != nil {
		c.log.Error("console: rendering a page", "page", name, "error", err)
	}
}

func nav(page string) string {
	switch page {
	case "job":
		return "jobs"
	case "server":
		return "servers"
	}
	return page
}

// actionFunc performs one action; it returns the audit record, where to go next and the error.
type actionFunc func(r *http.Request) (a action, next string, err error)

// act guards an action: only the full user, only same-origin with the page's token; then it
// audits the action and redirects to the next page with the outcome (POST, redirect, GET).
func (c *Console) act(h actionFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if !u.canAct() {
			c.log.Warn("console audit: action refused: read-only user", "user", u.name, "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
			http.Error(w, "read-only user: actions need the console's full account", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost {
			if why := c.csrf.check(r, u); why != "" {
				c.log.Warn("console audit: action refused: "+why, "user", u.name, "path", r.URL.Path, "remote", r.RemoteAddr)
				http.Error(w, why, http.StatusForbidden)
				return
			}
		}
		a, next, err := h(r)
		c.audit(r, u, a, err)
		if err != nil {
			setFlash(w, flash{Error: err.Error()})
		} else {
			setFlash(w, flash{Done: a.String()})
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// String is the action as the page confirms it.
func (a action) String() string {
	parts := []string{a.op}
	if a.job != "" {
		parts = append(parts, a.job)
	}
	if a.item != "" {
		parts = append(parts, "item "+a.item)
	}
	if a.server != "" {
		parts = append(parts, "on "+a.server)
	}
	return strings.Join(parts, " ") + ": done"
}
