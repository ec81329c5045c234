package console

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/tracing"
)

var screenshot = flag.String("screenshot", "", "write a screenshot of the job page to this PNG file (the README's docs/console-job.png)")

// End to end in a real headless Chromium against two instances on ZooKeeper: what the pages
// show, and what a click changes in ZooKeeper and in what the cluster runs.
func TestBrowserOperatesTheCluster(t *testing.T) {
	c := newCluster(t, 2, []jobSpec{{name: "alpha", items: 4, cron: daily, failItem: -1}, {name: "beta", items: 2, cron: daily, failItem: -1}}, testAuth)
	ctx := context.Background()
	b := c.browser("admin", "s3cret-admin")

	// The jobs page updates itself: alpha turns OK once it has sharded, without a reload.
	b.open("/jobs")
	c.settle("alpha", 4)
	c.settle("beta", 2)
	b.eventually(`tr[data-job="alpha"]`, func(s string) bool { return strings.Contains(s, "OK") }, "alpha shows OK")
	b.eventually(`tr[data-job="beta"]`, func(s string) bool { return strings.Contains(s, "OK") }, "beta shows OK")

	// Trigger with a one-off parameter: every item runs once more, with it.
	b.open("/jobs/alpha")
	before := c.log.count(func(e execution) bool { return e.job == "alpha" })
	b.fill(`input[name="parameter"]`, "from-the-browser")
	b.click(`button[name="trigger"]`)
	testkit.Eventually(t, 30*time.Second, func() bool {
		return c.log.count(func(e execution) bool { return e.job == "alpha" && e.parameter == "from-the-browser" }) == 4
	}, "the trigger runs alpha's 4 items with the parameter: %v", testkit.Later[[]execution](c.log.all))
	if s := b.text(".flash"); !strings.Contains(s, "trigger alpha: done") {
		t.Errorf("after the trigger the page says %q", s)
	}
	before = c.log.count(func(e execution) bool { return e.job == "alpha" })
	if !strings.Contains(c.logs.String(), `op=trigger job=alpha remote=`) || !strings.Contains(c.logs.String(), `detail="parameter=from-the-browser"`) {
		t.Errorf("no audit line for the trigger:\n%s", c.logs.String())
	}

	// Item disable: ZooKeeper has sharding/1/disabled, and a trigger runs every item but 1.
	b.click(`button[name="item-1"]`)
	itemStatus := func(item int) lifecycle.ShardingStatus {
		items, err := c.op.Sharding(ctx, "alpha")
		if err != nil {
			t.Fatal(err)
		}
		return items[item].Status
	}
	if got := itemStatus(1); got != lifecycle.ItemDisabled {
		t.Fatalf("after the click item 1 is %s, want DISABLED", got)
	}
	b.eventually(`tr[data-item="1"]`, func(s string) bool { return strings.Contains(s, "DISABLED") && strings.Contains(s, "Enable") }, "item 1 shows DISABLED with Enable")
	n := len(c.log.all())
	b.click(`button[name="trigger"]`)
	testkit.Eventually(t, 30*time.Second, func() bool {
		return c.log.count(func(e execution) bool { return e.job == "alpha" }) >= before+3
	}, "the trigger runs alpha's 3 enabled items")
	time.Sleep(time.Second) // a late item 1 would show now
	for _, e := range c.log.all()[n:] {
		if e.job == "alpha" && e.item == 1 {
			t.Fatalf("disabled item 1 ran: %+v", e)
		}
	}
	b.click(`button[name="item-1"]`)
	if got := itemStatus(1); got == lifecycle.ItemDisabled {
		t.Fatal("after Enable item 1 is still DISABLED")
	}

	// Server disable: servers/10.0.0.2 says DISABLED and the items move to 10.0.0.1.
	b.click(`button[name="disable-10.0.0.2"]`)
	servers, err := c.op.JobServers(ctx, "alpha")
	if err != nil || len(servers) != 2 || servers[1].Status != "DISABLED" {
		t.Fatalf("after disabling 10.0.0.2: %+v %v", servers, err)
	}
	testkit.Eventually(t, 30*time.Second, func() bool {
		c.op.Trigger(ctx, "alpha")
		time.Sleep(500 * time.Millisecond)
		items, err := c.op.Sharding(ctx, "alpha")
		if err != nil {
			return false
		}
		for _, it := range items {
			if it.ServerIP != "10.0.0.1" {
				return false
			}
		}
		return true
	}, "every item of alpha moves to 10.0.0.1")
	m := len(c.log.all())
	b.click(`button[name="trigger"]`)
	testkit.Eventually(t, 30*time.Second, func() bool {
		return c.log.count(func(e execution) bool { return e.job == "alpha" && e.ip == "10.0.0.1" }) > 0 && len(c.log.all()) >= m+4
	}, "the trigger runs alpha on 10.0.0.1")
	for _, e := range c.log.all()[m:] {
		if e.job == "alpha" && e.ip == "10.0.0.2" {
			t.Fatalf("disabled server 10.0.0.2 ran %+v", e)
		}
	}
	b.open("/jobs/alpha")
	b.click(`button[name="enable-10.0.0.2"]`)
	if servers, _ := c.op.JobServers(ctx, "alpha"); servers[1].Status != "ENABLED" {
		t.Fatalf("after enabling 10.0.0.2: %+v", servers)
	}

	// A configuration edit: 5 items; ZooKeeper holds it and the next runs include item 4.
	b.fill(`input[name="shardingTotalCount"]`, "5")
	b.fill(`input[name="description"]`, "edited in the browser")
	b.click(`button[name="save-config"]`)
	cfg, err := c.op.Config(ctx, "alpha")
	if err != nil || cfg.ShardingTotalCount != 5 || cfg.Description != "edited in the browser" {
		t.Fatalf("after the edit: %+v %v", cfg, err)
	}
	testkit.Eventually(t, 30*time.Second, func() bool {
		c.op.Trigger(ctx, "alpha")
		time.Sleep(300 * time.Millisecond)
		return c.log.count(func(e execution) bool { return e.job == "alpha" && e.item == 4 }) > 0
	}, "item 4 runs after the edit")

	// A run in progress shows as running: on the items table and in the runs picture.
	gate := newGate()
	for _, in := range c.instances {
		in.jobs["beta"].gate.Store(gate)
	}
	b.open("/jobs/beta")
	b.click(`button[name="trigger"]`)
	b.eventually(`tr[data-item="0"]`, func(s string) bool { return strings.Contains(s, "RUNNING") }, "beta's item 0 shows RUNNING")
	if c.log.count(func(e execution) bool { return e.job == "beta" && e.ip == "10.0.0.1" }) > 0 {
		testkit.Eventually(t, 30*time.Second, func() bool { return b.count(`svg.picture rect.running`) > 0 }, "the picture shows a running cell")
	}
	for _, in := range c.instances {
		in.jobs["beta"].gate.Store(nil)
	}
	gate.release()
	b.eventually(`tr[data-item="0"]`, func(s string) bool { return strings.Contains(s, "PENDING") }, "beta's item 0 is PENDING again")

}

// ElasticJob-UI's most common complaint: a run in progress shown as failed. In the browser, the
// history of a run going on says running, and ok once it has finished.
func TestBrowserHistoryShowsARunInProgressAsRunning(t *testing.T) {
	store, _ := historyDB(t)
	tracer, err := tracing.NewObserver(store, tracing.Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tracer.Close(context.Background()) })
	c := newClusterRecording(t, 1, []jobSpec{{name: "alpha", items: 2, cron: daily, failItem: -1}}, testAuth, false, tracer)
	con, err := New(Options{Operator: c.op, History: store, Auth: testAuth, Logger: quiet(), Refresh: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c.console, c.srv.Config.Handler = con, con
	c.settle("alpha", 2)
	gate := newGate()
	c.instances[0].jobs["alpha"].gate.Store(gate)
	b := c.browser("admin", "s3cret-admin")
	b.open("/jobs/alpha")
	b.click(`button[name="trigger"]`)
	b.open("/history?job=alpha&result=running")
	b.eventually("table.history tbody", func(s string) bool { return strings.Count(s, "running") == 2 }, "both items of the run in progress show as running")
	if n := b.count(`table.history .r-failed`); n != 0 {
		t.Fatalf("%d rows of the run in progress show as failed", n)
	}
	c.instances[0].jobs["alpha"].gate.Store(nil)
	gate.release()
	b.eventually("table.history tbody", func(s string) bool { return strings.Contains(s, "No execution matches") }, "no run is left running (the page updates itself)")
	b.open("/history?job=alpha")
	if n := b.count(`table.history .r-ok`); n < 4 {
		t.Fatalf("%d ok rows after the run, want the settling runs and both items", n)
	}
}

// The README's screenshot: a job of six items on two servers firing every second, item 2
// failing, item 4 slow, item 5 stuck in its run. Only with -screenshot FILE.
func TestScreenshotOfTheJobPage(t *testing.T) {
	if *screenshot == "" {
		t.Skip("writes the README's screenshot: go test -run TestScreenshotOfTheJobPage ./console/ -screenshot $PWD/docs/console-job.png")
	}
	slow := map[int]time.Duration{0: 20 * time.Millisecond, 1: 40 * time.Millisecond, 3: 60 * time.Millisecond, 4: 700 * time.Millisecond}
	c := newClusterRecording(t, 2, []jobSpec{{name: "orderSync", items: 6, cron: "* * * * * ?", failItem: 2, slow: slow}}, testAuth, true)
	c.settle("orderSync", 6)
	time.Sleep(12 * time.Second) // a dozen fires
	stuck := newGate()           // item 5 hangs from now on, until the cluster's cleanup releases it
	for _, in := range c.instances {
		in.jobs["orderSync"].gateOnly.Store(5 + 1)
		in.jobs["orderSync"].gate.Store(stuck)
	}
	time.Sleep(6 * time.Second)
	b := c.browser("admin", "s3cret-admin")
	b.open("/jobs/orderSync")
	for _, class := range []string{"ok", "failed", "running"} {
		if b.count(`svg.picture rect.`+class) == 0 {
			t.Errorf("the picture has no %s cell", class)
		}
	}
	if err := os.WriteFile(*screenshot, b.screenshot(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A guest sees the pages without their actions, and a request forged from the page is refused.
func TestBrowserGuestCannotAct(t *testing.T) {
	c := newCluster(t, 1, []jobSpec{{name: "alpha", items: 2, cron: daily, failItem: -1}}, testAuth)
	c.settle("alpha", 2)
	b := c.browser("guest", "s3cret-guest")
	b.open("/jobs/alpha")
	if n := b.count(`button[name="trigger"], button[name^="item-"], button[name="save-config"]`); n != 0 {
		t.Fatalf("the guest's job page has %d action buttons", n)
	}
	if s := b.text("header .who"); !strings.Contains(s, "read-only") {
		t.Errorf("the header says %q, not read-only", s)
	}
	status := b.eval(`fetch("/jobs/alpha/items/0/disable", {method: "POST"}).then(r => r.status)`)
	if status != 403 {
		t.Fatalf("the guest's POST: status %v, want 403", status)
	}
	items, err := c.op.Sharding(context.Background(), "alpha")
	if err != nil || items[0].Status == lifecycle.ItemDisabled {
		t.Fatalf("the guest disabled item 0: %+v %v", items, err)
	}
}

func (b *browser) count(sel string) int {
	b.t.Helper()
	return int(b.eval(`document.querySelectorAll(` + jsString(sel) + `).length`))
}

func (b *browser) eval(expr string) float64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (b *browser) screenshot() []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	return png
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
