package console

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
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
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// click clicks and waits for the page the action leads to.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)), chromedp.Sleep(200*time.Millisecond), chromedp.WaitReady(chromedp.CSS("main")))
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
