package console

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// EnvChromium names the Chromium binary of the end-to-end tests; scripts/test.sh installs
// Debian's chromium and sets it. Unset, "chromium" is looked up on PATH.
const EnvChromium = "CHROMIUM"

// chromiumPath finds Chromium, or skips the test (fails it under CI=true or when
// scripts/test.sh manages the servers: there it must run).
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvChromium); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "console: no Chromium for the end-to-end tests: `make test` installs it (apt-get install chromium), or set " + EnvChromium
	testkit.Unavailable(t, msg)
	return ""
}

// browser is a headless Chromium tab logged in as one user (basic auth sent as a header on
// every request, the page's own fetches included).
type browser struct {
	t    testing.TB
	ctx  context.Context
	base string
}

func (c *cluster) browser(user, pass string) *browser {
	t := c.t
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: c.srv.URL}
	// The first action starts the browser, which lives as long as that action's context: ctx
	// itself, without a deadline (later actions have theirs).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	headers := network.Headers{}
	if user != "" {
		headers["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
		return err
	}))
	return b
}

// do runs the steps with a generous deadline (the machine is shared), failing the test on an error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// open navigates to a console path and accepts the page's confirmation questions.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
	b.acceptConfirms()
}

func (b *browser) acceptConfirms() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("window.confirm = () => true; true")); err != nil {
		b.t.Fatal(err)
	}
}

// text is the text of the first element the selector matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return runOnLivePage(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// fill types a value into a form's input as a user would: the input event tells the page that
// a form is being edited, so its refresh does not replace the form under the test.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	b.eval(`(() => { const el = document.querySelector(` + jsString(sel) + `); el.value = ` + jsString(value) +
		`; el.dispatchEvent(new Event("input", { bubbles: true })); return 1; })()`)
}

// nodeGone says whether err is Chromium's for a node found by a query and replaced before it
// was used (it words it two ways).
func nodeGone(err error) bool {
	return strings.Contains(err.Error(), "Could not find node with given id") || strings.Contains(err.Error(), "No node with given id found")
}

// runOnLivePage runs an action that queries the page, again when the page's refresh (console.js
// replaces <main> every second here) replaced the node found before the action used it: chromedp
// then fails before acting (no mouse event sent), so a second try is safe.
func runOnLivePage[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
		v, err := chromedp.Run(ctx, a)
		cancel()
		if err == nil {
			return v
		}
		if !nodeGone(err) || attempt == 5 {
			b.t.Fatalf("%s: %v", what, err)
		}
	}
}

// click clicks a form's button and waits for the page the form leads to: a new document (the
// old page, marked, stays until the server answers), then its <main>.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.eval("window.ejOldPage = 1")
	runOnLivePage(b, "click "+sel, chromedp.Click(chromedp.CSS(sel)))
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.ejOldPage && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("click %s: no new page within 60s (last error: %v)", sel, err)
		}
		time.Sleep(50 * time.Millisecond) // an error here is the navigation replacing the old document
	}
	b.do(chromedp.WaitReady(chromedp.CSS("main")))
	b.acceptConfirms()
}

// eventually polls the text of a selector until cond holds.
func (b *browser) eventually(sel string, cond func(string) bool, what string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.AtLeast(0)))
		cancel()
		if err == nil {
			last = s
			if cond(s) {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.t.Fatalf("not within 30s: %s; %s shows %q", what, sel, last)
}
