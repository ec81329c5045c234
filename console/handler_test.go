package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/lifecycle"
)

var testAuth = Auth{Username: "admin", Password: "s3cret-admin", GuestUsername: "guest", GuestPassword: "s3cret-guest"}

// adminToken is the form token of the full user ("anonymous" without auth).
func (c *cluster) adminToken() string {
	if c.console.auth.Enabled() {
		return c.console.csrf.token(user{name: c.console.auth.Username})
	}
	return c.console.csrf.token(user{name: "anonymous"})
}

// Pages need an account; the guest reads; a wrong password is refused.
func TestAuthentication(t *testing.T) {
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 2, cron: daily, failItem: -1}}, testAuth)
	for _, tc := range []struct {
		user, pass string
		want       int
	}{{"", "", 401}, {"admin", "wrong", 401}, {"guest", "s3cret-admin", 401}, {"admin", "s3cret-admin", 200}, {"guest", "s3cret-guest", 200}} {
		code, body := c.client(tc.user, tc.pass).get("/jobs")
		if code != tc.want {
			t.Errorf("%q/%q: status %d, want %d", tc.user, tc.pass, code, tc.want)
		}
		if code == 200 && !strings.Contains(body, `href="/jobs/alpha"`) {
			t.Errorf("%q: the jobs page does not list alpha:\n%s", tc.user, body)
		}
	}
	_, body := c.client("guest", "s3cret-guest").get("/jobs/alpha")
	if strings.Contains(body, `name="trigger"`) || !strings.Contains(body, "read-only") {
		t.Errorf("the guest's job page offers actions or does not say read-only:\n%s", body)
	}
	if strings.Contains(c.logs.String(), "s3cret") {
		t.Errorf("a password reached the log:\n%s", c.logs.String())
	}
}

// A guest's action is refused and changes nothing; so is an action without the page's token or
// from another site. The full user's action is done and audited.
func TestActionsAreGuarded(t *testing.T) {
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 2, cron: daily, failItem: -1}}, testAuth)
	c.settle("alpha", 2)
	ctx := context.Background()
	disabled := func() bool {
		items, err := c.op.Sharding(ctx, "alpha")
		if err != nil {
			t.Fatal(err)
		}
		return items[1].Status == lifecycle.ItemDisabled
	}
	guest, admin := c.client("guest", "s3cret-guest"), c.client("admin", "s3cret-admin")
	if resp := guest.post("/jobs/alpha/items/1/disable", nil, c.console.csrf.token(user{name: "guest"})); resp.StatusCode != http.StatusForbidden {
		t.Errorf("guest action: status %d, want 403", resp.StatusCode)
	}
	if resp := admin.post("/jobs/alpha/items/1/disable", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("action without the token: status %d, want 403", resp.StatusCode)
	}
	resp, _ := admin.do(http.MethodPost, "/jobs/alpha/items/1/disable", url.Values{"csrf": {c.adminToken()}},
		http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site action: status %d, want 403", resp.StatusCode)
	}
	if disabled() {
		t.Fatal("a refused action disabled the item")
	}
	resp = admin.post("/jobs/alpha/items/1/disable", nil, c.adminToken())
	if f := flashOf(resp); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/jobs/alpha" || f.Done != "disable-item alpha item 1: done" {
		t.Fatalf("admin action: status %d location %q flash %+v", resp.StatusCode, resp.Header.Get("Location"), f)
	}
	if !disabled() {
		t.Fatal("the admin's disable did not disable item 1")
	}
	logs := c.logs.String()
	for _, want := range []string{
		`msg="console audit: action refused: read-only user" user=guest method=POST path=/jobs/alpha/items/1/disable`,
		`msg="console audit: action refused: missing or wrong form token (reload the page)" user=admin`,
		`msg="console audit: action refused: cross-origin request refused" user=admin`,
		`msg="console audit: action done" user=admin op=disable-item job=alpha`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("the audit log lacks %s:\n%s", want, logs)
		}
	}
}

// The pages render the cluster: jobs with status, cron, next fire, instances, items and last
// result; the job's items, servers and configuration; the servers.
func TestPagesShowTheCluster(t *testing.T) {
	c := newCluster(t, 2, []jobSpec{{name: "alpha", items: 4, cron: daily, failItem: 3}, {name: "beta", items: 1, cron: daily, failItem: -1}}, Auth{})
	c.settle("alpha", 4)
	c.settle("beta", 1)
	cl := c.client("", "")
	testkit.Eventually(t, 20*time.Second, func() bool {
		_, body := cl.get("/jobs")
		return rowHas(body, "alpha", "OK", "0 0 3 * * ?", "03:00:00", ">2<", ">4<") && rowHas(body, "beta", "OK")
	}, "the jobs page shows alpha and beta OK with cron, 2 instances, 4 items")

	_, body := cl.get("/jobs?q=alp")
	if !strings.Contains(body, `data-job="alpha"`) || strings.Contains(body, `data-job="beta"`) {
		t.Errorf("search alp:\n%s", body)
	}
	_, body = cl.get("/jobs?status=CRASHED")
	if strings.Contains(body, `data-job="alpha"`) || !strings.Contains(body, "No job matches") {
		t.Errorf("status CRASHED lists a running job:\n%s", body)
	}

	_, body = cl.get("/jobs/alpha")
	for _, want := range []string{`data-item="3"`, `data-server="10.0.0.1"`, `data-server="10.0.0.2"`, `name="cron" value="0 0 3 * * ?"`, `<svg class="picture"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the job page lacks %s:\n%s", want, body)
		}
	}
	_, body = cl.get("/")
	if !strings.Contains(body, `href="/jobs?status=OK"><b>2</b> OK`) {
		t.Errorf("the dashboard does not count 2 OK jobs with a link to them:\n%s", body)
	}
	if !strings.Contains(body, "item 3 failed on purpose") && c.log.count(func(e execution) bool { return e.job == "alpha" && e.item == 3 && e.ip == "10.0.0.1" }) > 0 {
		t.Errorf("the dashboard does not show alpha's failed item 3 (run on the recorded instance):\n%s", body)
	}
	_, body = cl.get("/servers")
	if !strings.Contains(body, `data-server="10.0.0.1"`) || !strings.Contains(body, `data-server="10.0.0.2"`) {
		t.Errorf("the servers page:\n%s", body)
	}
	if code, _ := cl.get("/jobs/nosuchjob"); code != http.StatusNotFound {
		t.Errorf("a missing job: status %d, want 404", code)
	}
}

// flashOf reads the outcome an action leaves for the next page.
func flashOf(resp *http.Response) flash {
	req := &http.Request{Header: http.Header{}}
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	return takeFlash(httptest.NewRecorder(), req)
}

// rowHas says whether the job's row of the jobs page contains every text.
func rowHas(body, job string, texts ...string) bool {
	m := regexp.MustCompile(`(?s)<tr data-job="` + regexp.QuoteMeta(job) + `">.*?</tr>`).FindString(body)
	for _, s := range texts {
		if !strings.Contains(m, s) {
			return false
		}
	}
	return m != ""
}

// A configuration edit is checked as a start-up is: a bad cron is refused with its reason and
// nothing is written; a good one is written.
func TestConfigEdit(t *testing.T) {
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 2, cron: daily, failItem: -1}}, Auth{})
	ctx := context.Background()
	cl := c.client("", "")
	form := func(cron, items string) url.Values {
		return url.Values{"cron": {cron}, "shardingTotalCount": {items}, "description": {"edited"}, "monitorExecution": {"on"}, "props": {"a=1\nb = two"}}
	}
	resp := cl.post("/jobs/alpha/config", form("not a cron", "2"), c.adminToken())
	if f := flashOf(resp); !strings.Contains(f.Error, "cron") {
		t.Fatalf("a bad cron: %+v, want an error about the cron", f)
	}
	cfg, err := c.op.Config(ctx, "alpha")
	if err != nil || cfg.Cron != daily || cfg.Description == "edited" {
		t.Fatalf("a refused edit changed the configuration: %+v %v", cfg, err)
	}
	resp = cl.post("/jobs/alpha/config", form("0 0 4 * * ?", "3"), c.adminToken())
	if f := flashOf(resp); f.Done == "" || f.Error != "" {
		t.Fatalf("a good edit: %+v", f)
	}
	cfg, err = c.op.Config(ctx, "alpha")
	if err != nil || cfg.Cron != "0 0 4 * * ?" || cfg.ShardingTotalCount != 3 || cfg.Description != "edited" || cfg.Failover || !cfg.MonitorExecution || cfg.Props["b"] != "two" {
		t.Fatalf("the edit was not written as sent: %+v %v", cfg, err)
	}
	resp = cl.post("/jobs/alpha/config", form("0 0 4 * * ?", "three"), c.adminToken())
	if f := flashOf(resp); !strings.Contains(f.Error, `shardingTotalCount: "three" is not a whole number`) {
		t.Fatalf("a non-number: %+v", f)
	}
}

// Remove is refused while an instance runs the job (as ElasticJob-UI offers it for CRASHED jobs only).
func TestRemoveOnlyWhenCrashed(t *testing.T) {
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 1, cron: daily, failItem: -1}}, Auth{})
	cl := c.client("", "")
	resp := cl.post("/jobs/alpha/remove", nil, c.adminToken())
	if f := flashOf(resp); !strings.Contains(f.Error, "only a CRASHED job") {
		t.Fatalf("removing a live job: %+v", f)
	}
	if _, err := c.op.Config(context.Background(), "alpha"); err != nil {
		t.Fatalf("the refused remove removed the job: %v", err)
	}
	cl.post("/jobs/alpha/shutdown", nil, c.adminToken())
	testkit.Eventually(t, 20*time.Second, func() bool {
		info, err := c.op.Job(context.Background(), "alpha")
		return err == nil && info.Status == lifecycle.JobCrashed
	}, "alpha is CRASHED after its shutdown")
	resp = cl.post("/jobs/alpha/remove", nil, c.adminToken())
	if f := flashOf(resp); resp.Header.Get("Location") != "/jobs" || f.Done == "" {
		t.Fatalf("removing a crashed job: redirected to %q with %+v", resp.Header.Get("Location"), f)
	}
	if _, err := c.op.Config(context.Background(), "alpha"); err == nil {
		t.Fatal("alpha's configuration is still there")
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr string
		auth Auth
		ok   bool
	}{
		{"127.0.0.1:8899", Auth{}, true}, {"localhost:8899", Auth{}, true}, {"[::1]:8899", Auth{}, true},
		{":8899", Auth{}, false}, {"0.0.0.0:8899", Auth{}, false}, {"10.1.2.3:8899", Auth{}, false},
		{"0.0.0.0:8899", Auth{Username: "a", Password: "b"}, true},
	} {
		err := CheckListen(tc.addr, tc.auth)
		if (err == nil) != tc.ok {
			t.Errorf("%s %v: %v", tc.addr, tc.auth.Enabled(), err)
		}
		if err != nil && !strings.Contains(err.Error(), "elasticjob.http.auth.username") {
			t.Errorf("%s: the error does not say how to fix it: %v", tc.addr, err)
		}
	}
	if err := (Auth{Username: "a"}).validate(); err == nil {
		t.Error("a user without a password is accepted")
	}
}

// The server dimension: disabling a server disables it in every job that has it, and the
// server page lists its jobs with their status.
func TestServerDimension(t *testing.T) {
	c := newCluster(t, 2, []jobSpec{{name: "alpha", items: 2, cron: daily, failItem: -1}, {name: "beta", items: 2, cron: daily, failItem: -1}}, Auth{})
	ctx := context.Background()
	cl := c.client("", "")
	resp := cl.post("/servers/10.0.0.2/disable", nil, c.adminToken())
	if f := flashOf(resp); resp.Header.Get("Location") != "/servers" || f.Done != "disable on 10.0.0.2: done" {
		t.Fatalf("disabling 10.0.0.2: redirected to %q with %+v", resp.Header.Get("Location"), f)
	}
	for _, job := range []string{"alpha", "beta"} {
		servers, err := c.op.JobServers(ctx, job)
		if err != nil || len(servers) != 2 || servers[0].Status != "ENABLED" || servers[1].Status != "DISABLED" {
			t.Fatalf("%s after disabling 10.0.0.2: %+v %v", job, servers, err)
		}
	}
	_, body := cl.get("/servers")
	if !strings.Contains(body, `<td><a href="/servers/10.0.0.2">10.0.0.2</a></td>
    <td>1</td><td>2</td><td>2</td>`) {
		t.Errorf("the servers page does not count 1 instance, 2 jobs, 2 disabled for 10.0.0.2:\n%s", body)
	}
	_, body = cl.get("/servers/10.0.0.2")
	if !rowHas(body, "alpha", "DISABLED") || !rowHas(body, "beta", "DISABLED") {
		t.Errorf("the server page:\n%s", body)
	}
	cl.post("/jobs/alpha/servers/10.0.0.2/enable", nil, c.adminToken())
	if servers, _ := c.op.JobServers(ctx, "alpha"); servers[1].Status != "ENABLED" {
		t.Fatalf("alpha on 10.0.0.2 after enable: %+v", servers)
	}
	if servers, _ := c.op.JobServers(ctx, "beta"); servers[1].Status != "DISABLED" {
		t.Fatalf("enabling alpha on 10.0.0.2 changed beta: %+v", servers)
	}
}

// The dump asks only an instance on one of the job's servers, and only for the full user.
func TestDumpIsGuarded(t *testing.T) {
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 1, cron: daily, failItem: -1}}, testAuth)
	code, body := c.client("admin", "s3cret-admin").get("/jobs/alpha/dump?instance=192.0.2.77:9888")
	if code != http.StatusBadGateway || !strings.Contains(body, `192.0.2.77 is not a server of job "alpha"`) {
		t.Errorf("a dump of a foreign host: %d %q", code, body)
	}
	if code, _ := c.client("guest", "s3cret-guest").get("/jobs/alpha/dump?instance=10.0.0.1:9888"); code != http.StatusForbidden {
		t.Errorf("the guest's dump: %d, want 403", code)
	}
	if !strings.Contains(c.logs.String(), `msg="console audit: action failed" user=admin op=dump job=alpha`) {
		t.Errorf("no audit line for the refused dump:\n%s", c.logs.String())
	}
}
