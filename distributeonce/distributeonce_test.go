package distributeonce_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/distributeonce"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

const onceJob = "onceJob"

// Three instances with their own sessions, a job of 5 items fired every second: once they are
// sharded, over 20 fires the wrapped before and after callbacks run exactly once per
// fire across the cluster. Then one instance is cut off (its connection blackholed) in the
// middle of a fire: the two others give up waiting for its items after the completed timeout
// (2 s, before its 4 s session expires), the error handler gets the timeout, and once its
// session has expired the fires are exactly-once again.
func TestOncePerFireAcrossThreeInstancesAndACrash(t *testing.T) {
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("distributeonce-%d", time.Now().UnixNano())
	proxy := zktest.NewProxy(t, servers)
	check := checker(t, servers, ns)
	r := newJournal()
	cfg := starter.NewJobConfiguration(onceJob, 5)
	cfg.Cron = "* * * * * ?"
	cfg.Misfire = false

	ids := []string{"10.0.0.1@-@101", "10.0.0.2@-@102", "10.0.0.3@-@103"}
	cID := ids[2]
	var blockC atomic.Bool
	blocked := make(chan time.Time, 1)
	var rcs []*starter.RegistryCenter
	var boots []*starter.ScheduleJobBootstrap
	for _, id := range ids {
		addr, session := servers, 2*time.Second
		if id == cID {
			addr, session = proxy.Addr(), 4*time.Second
		}
		rc := connect(t, addr, ns, id, session)
		rcs = append(rcs, rc)
		job := starter.SimpleJobFunc(func(ctx context.Context, sc starter.ShardingContext) error {
			r.add(call{what: "item", instance: id, fireTime: sc.FireTime, item: sc.ShardingItem})
			if id == cID && blockC.CompareAndSwap(true, false) {
				blocked <- sc.FireTime
				<-ctx.Done() // fenced when the session is taken as lost
			}
			return nil
		})
		b, err := starter.NewScheduleJobBootstrap(rc, job, cfg, starter.WithJobClassName("example.com/jobs.Once"),
			starter.WithDistributeOnceListener(wrapped{r: r, instance: id}, 2*time.Second, 2*time.Second),
			r.handler(id))
		if err != nil {
			t.Fatal(err)
		}
		boots = append(boots, b)
	}
	defer func() {
		proxy.Restore()
		closeAll(rcs[2], rcs[0], rcs[1])
	}()
	for _, b := range boots {
		b.Schedule()
	}

	// The first fires shard while the instances come up: one may be skipped, or its barriers time
	// out, when the resharding makes a run late for the next fire. The 20 fires are counted once
	// a fire has run on all three and what the fires before it left (a timeout comes at most
	// 2 × 2 s late) has landed.
	var settled time.Time
	testkit.Eventually(t, 20*time.Second, func() bool {
		for _, f := range r.fires() {
			if len(r.instancesOf(f)) == 3 && r.count("after", f) > 0 {
				settled = f
				return true
			}
		}
		return false
	}, "a fire that ran on all three instances")
	from := settled.Add(5 * time.Second)
	time.Sleep(time.Until(from))
	baseline := map[string]int{}
	for _, id := range ids {
		baseline[id] = len(r.errorsOf(id))
		if baseline[id] > 0 {
			t.Logf("errors on %s while the instances came up: %q", id, r.errorsOf(id))
		}
	}
	newErrors := func(id string) []string { return r.errorsOf(id)[baseline[id]:] }
	window := func() []time.Time {
		return slices.DeleteFunc(r.fires(), func(f time.Time) bool { return f.Before(from) })
	}

	// 20 fires, each with exactly one before and one after.
	testkit.Eventually(t, 40*time.Second, func() bool {
		f := window()
		return len(f) >= 21 && r.count("after", f[19]) > 0
	}, "20 fires with their after callback")
	fires := window()[:20]
	for k, f := range fires {
		// A fire that no instance ran is one that all three skipped, as misfire=false asks,
		// because the run before it was held past it (a stall of the loaded machine lasts until
		// the slowest instance reaches the barrier). A fire that some ran is checked below.
		if k > 0 && f.Sub(fires[k-1]) != time.Second {
			t.Logf("fire %v follows %v: the fires between were skipped by all three", f.Format(time.TimeOnly), fires[k-1].Format(time.TimeOnly))
		}
		if b, a := r.count("before", f), r.count("after", f); b != 1 || a != 1 {
			t.Errorf("fire %v: before ran %d times, after %d times; want once each", f.Format(time.TimeOnly), b, a)
		}
		if items := r.items(f); len(items) != 5 {
			t.Errorf("fire %v ran %v, want the 5 items once each", f.Format(time.TimeOnly), items)
		}
	}
	for _, id := range ids {
		if errs := newErrors(id); len(errs) > 0 {
			t.Errorf("errors on %s during the clean fires: %q", id, errs)
		}
	}
	t.Logf("20 fires from %v: before and after once each", fires[0].Format(time.TimeOnly))

	// C is cut off while its item runs: A and B time out waiting for its items to complete.
	blockC.Store(true)
	var crashFire time.Time
	select {
	case crashFire = <-blocked:
	case <-time.After(10 * time.Second):
		t.Fatal("C never ran an item")
	}
	proxy.Blackhole()
	cut := time.Now()
	wantAfter := `job "onceJob": listener after run: job onceJob: distribute-once after: timeout after 2s waiting for all items to complete`
	wantBefore := `job "onceJob": listener before run: job onceJob: distribute-once before: timeout after 2s waiting for all items to start`
	survivorErrors := func() []string { return append(newErrors(ids[0]), newErrors(ids[1])...) }
	testkit.Eventually(t, 10*time.Second, func() bool { return len(survivorErrors()) > 0 }, "a timeout reported by A or B")
	first := survivorErrors()
	if first[0] != wantAfter {
		t.Fatalf("first error %q\nwant %q", first[0], wantAfter)
	}
	t.Logf("timeout reported %v after the cut", time.Since(cut).Round(10*time.Millisecond))
	if b, a := r.count("before", crashFire), r.count("after", crashFire); b != 1 || a != 0 {
		t.Errorf("crashed fire %v: before ran %d times, after %d times; want 1 and 0", crashFire.Format(time.TimeOnly), b, a)
	}

	// Once C's session has expired, the fires are clean again, on A and B.
	testkit.Eventually(t, 10*time.Second, func() bool {
		ok, err := check.Exists("/onceJob/instances/" + cID)
		return err == nil && !ok
	}, "C's instance node gone")
	gone := time.Now()
	clean := func() []time.Time {
		return slices.DeleteFunc(r.fires(), func(f time.Time) bool { return !f.After(gone.Add(time.Second)) })
	}
	testkit.Eventually(t, 15*time.Second, func() bool {
		f := clean()
		return len(f) >= 4 && r.count("after", f[2]) > 0
	}, "3 fires after C's session expired")
	for _, f := range clean()[:3] {
		if b, a := r.count("before", f), r.count("after", f); b != 1 || a != 1 {
			t.Errorf("fire %v after the crash: before ran %d times, after %d times; want once each", f.Format(time.TimeOnly), b, a)
		}
		items := r.items(f)
		if len(items) != 5 || slices.ContainsFunc(items, func(s string) bool { return strings.HasPrefix(s, cID) }) {
			t.Errorf("fire %v after the crash ran %v, want the 5 items on A and B", f.Format(time.TimeOnly), items)
		}
	}
	// Fires between the timeout and C's expiry wait for C's items, until the survivors see
	// that C is gone.
	gaveUp := regexp.MustCompile(`^job "onceJob": listener (before|after) run: job onceJob: distribute-once (before|after): giving up: item [0-4] belongs to 10\.0\.0\.3@-@103, which is gone$`)
	for _, e := range survivorErrors() {
		if e != wantAfter && e != wantBefore && !gaveUp.MatchString(e) {
			t.Errorf("survivor error %q is neither a barrier timeout nor giving up on C", e)
		}
	}
	t.Logf("clean fires after the crash from %v; survivor errors:\n%s", clean()[0].Format(time.TimeOnly), strings.Join(survivorErrors(), "\n"))
}

// An instance that is gone takes its items with it: a survivor waiting for them gives up as soon
// as it sees the instance node deleted, long before the timeout.
func TestGivesUpWhenAnInstanceIsGone(t *testing.T) {
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("distributeonce-gone-%d", time.Now().UnixNano())
	proxy := zktest.NewProxy(t, servers)
	r := newJournal()
	cfg := starter.NewJobConfiguration("goneJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Misfire = false
	const aID, cID = "10.0.0.1@-@401", "10.0.0.3@-@103"
	var blockC atomic.Bool
	blocked := make(chan int, 1)
	var rcs []*starter.RegistryCenter
	var boots []*starter.ScheduleJobBootstrap
	for _, id := range []string{aID, cID} {
		addr := servers
		if id == cID {
			addr = proxy.Addr()
		}
		rc := connect(t, addr, ns, id, 2*time.Second)
		rcs = append(rcs, rc)
		job := starter.SimpleJobFunc(func(ctx context.Context, sc starter.ShardingContext) error {
			r.add(call{what: "item", instance: id, fireTime: sc.FireTime, item: sc.ShardingItem})
			if id == cID && blockC.CompareAndSwap(true, false) {
				blocked <- sc.ShardingItem
				<-ctx.Done()
			}
			return nil
		})
		b, err := starter.NewScheduleJobBootstrap(rc, job, cfg,
			starter.WithDistributeOnceListener(wrapped{r: r, instance: id}, 30*time.Second, 30*time.Second),
			r.handler(id))
		if err != nil {
			t.Fatal(err)
		}
		boots = append(boots, b)
	}
	defer func() {
		proxy.Restore()
		closeAll(rcs[1], rcs[0])
	}()
	for _, b := range boots {
		b.Schedule()
	}
	// Wait for a fire of both instances, so that C owns an item.
	testkit.Eventually(t, 15*time.Second, func() bool {
		for _, f := range r.fires() {
			if r.count("after", f) == 1 && len(r.items(f)) == 2 {
				return true
			}
		}
		return false
	}, "a complete fire on both instances")
	blockC.Store(true)
	var item int
	select {
	case item = <-blocked:
	case <-time.After(10 * time.Second):
		t.Fatal("C never ran an item")
	}
	proxy.Blackhole()
	cut := time.Now()
	testkit.Eventually(t, 15*time.Second, func() bool { return len(r.errorsOf(aID)) > 0 }, "A gives up")
	elapsed := time.Since(cut)
	want := fmt.Sprintf(`job "goneJob": listener after run: job goneJob: distribute-once after: giving up: item %d belongs to %s, which is gone`, item, cID)
	if got := r.errorsOf(aID)[0]; got != want {
		t.Fatalf("error %q\nwant %q", got, want)
	}
	if elapsed > 10*time.Second {
		t.Errorf("gave up %v after the cut: not before the 30s timeout", elapsed)
	}
	t.Logf("A gave up %v after C was cut off (session 2s, timeout 30s)", elapsed.Round(10*time.Millisecond))
}

// An item that does not run this fire (disabled) keeps the barriers from completing: the
// instance returns after each timeout with the error, the wrapped listener is not called, and
// both barrier nodes are gone afterwards.
func TestDisabledItemTimesOut(t *testing.T) {
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("distributeonce-disabled-%d", time.Now().UnixNano())
	check := checker(t, servers, ns)
	r := newJournal()
	const id = "10.0.0.1@-@201"
	rc := connect(t, servers, ns, id, 2*time.Second)
	defer closeAll(rc)
	job := starter.SimpleJobFunc(func(_ context.Context, sc starter.ShardingContext) error {
		r.add(call{what: "item", instance: id, fireTime: sc.FireTime, item: sc.ShardingItem})
		return nil
	})
	b, err := starter.NewOneOffJobBootstrap(rc, job, starter.NewJobConfiguration("halfJob", 2),
		starter.WithDistributeOnceListener(wrapped{r: r, instance: id}, 300*time.Millisecond, 400*time.Millisecond),
		r.handler(id))
	if err != nil {
		t.Fatal(err)
	}
	if err := check.Persist("/halfJob/sharding/1/disabled", ""); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := b.Execute(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() bool { return len(r.errorsOf(id)) == 2 }, "two timeouts")
	elapsed := time.Since(start)
	want := []string{
		`job "halfJob": listener before run: job halfJob: distribute-once before: timeout after 300ms waiting for all items to start`,
		`job "halfJob": listener after run: job halfJob: distribute-once after: timeout after 400ms waiting for all items to complete`,
	}
	if got := r.errorsOf(id); !slices.Equal(got, want) {
		t.Fatalf("errors %q\nwant %q", got, want)
	}
	if elapsed < 700*time.Millisecond {
		t.Errorf("returned after %v, before both timeouts", elapsed)
	}
	fires := r.fires()
	if len(fires) != 1 || !slices.Equal(r.items(fires[0]), []string{id + ":0"}) {
		t.Fatalf("runs %v", r.calls)
	}
	if n := r.count("before", fires[0]) + r.count("after", fires[0]); n != 0 {
		t.Errorf("wrapped listener called %d times", n)
	}
	for _, p := range []string{"/halfJob/guarantee/started", "/halfJob/guarantee/completed"} {
		if ok, err := check.Exists(p); err != nil || ok {
			t.Errorf("%s left behind (err %v)", p, err)
		}
	}
}

// Timeouts ≤ 0 take the finite defaults; a run without items never touches the registry nor
// the wrapped listener; a listener that no job bound says so.
func TestDefaultsEmptyRunsAndUnbound(t *testing.T) {
	r := newJournal()
	l := distributeonce.New(wrapped{r: r, instance: "x"}, 0, -time.Second)
	if s, c := l.Timeouts(); s != 10*time.Second || c != time.Minute {
		t.Errorf("timeouts %v, %v; want 10s, 1m0s", s, c)
	}
	ctx := context.Background()
	empty := starter.ShardingContexts{JobName: "j", ShardingTotalCount: 2, ShardingItemParameters: map[int]string{}}
	if err := errors.Join(l.BeforeJobExecuted(ctx, empty), l.AfterJobExecuted(ctx, empty)); err != nil {
		t.Fatal(err)
	}
	one := starter.ShardingContexts{JobName: "j", ShardingTotalCount: 2, ShardingItemParameters: map[int]string{0: ""}}
	err := l.BeforeJobExecuted(ctx, one)
	want := "distribute-once listener is not bound to a job (give it to a job through starter.WithListeners)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if len(r.calls) != 0 {
		t.Errorf("wrapped listener called: %v", r.calls)
	}
}

// A distribute-once listener serves one job: giving the same one to a second job fails that
// job's registration.
func TestOneJobPerListener(t *testing.T) {
	rc, err := starter.NewRegistryCenter(context.Background(), starter.RegistryCenterConfig{Namespace: "once-bind"},
		starter.WithInstanceID("10.0.0.1@-@301"), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(rc)
	l := distributeonce.New(wrapped{r: newJournal()}, 0, 0)
	noop := starter.SimpleJobFunc(func(context.Context, starter.ShardingContext) error { return nil })
	if _, err := starter.NewOneOffJobBootstrap(rc, noop, starter.NewJobConfiguration("first", 1), starter.WithListeners(l)); err != nil {
		t.Fatal(err)
	}
	_, err = starter.NewOneOffJobBootstrap(rc, noop, starter.NewJobConfiguration("second", 1), starter.WithListeners(l))
	want := `engine: job "second": listener *distributeonce.Listener: distribute-once listener already serves job "first"`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %s", err, want)
	}
}
