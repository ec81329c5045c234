package distributeonce_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Stopping an instance whose before-listener waits for a peer's item to start ends the wait at
// once: the stop does not last the barrier's timeout, no item starts, and the instance's node
// is gone when the stop returns.
func TestStopEndsABarrierWait(t *testing.T) {
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("distributeonce-stop-%d", time.Now().UnixNano())
	r := newJournal()
	cfg := starter.NewJobConfiguration("stopOnceJob", 2)
	const aID, bID = "10.0.0.1@-@501", "10.0.0.2@-@502"
	rcs := map[string]*starter.RegistryCenter{}
	for _, id := range []string{aID, bID} {
		rc := connect(t, servers, ns, id, 4*time.Second)
		rcs[id] = rc
		job := starter.SimpleJobFunc(func(ctx context.Context, sc starter.ShardingContext) error {
			r.add(call{what: "item", instance: id, fireTime: sc.FireTime, item: sc.ShardingItem})
			return nil
		})
		if _, err := starter.NewOneOffJobBootstrap(rc, job, cfg,
			starter.WithDistributeOnceListener(wrapped{r: r, instance: id}, time.Minute, time.Minute),
			r.handler(id)); err != nil {
			t.Fatal(err)
		}
	}
	defer closeAll(rcs[bID], rcs[aID])
	c := checker(t, servers, ns)
	// Only A fires: its before-listener waits for B's item to start.
	if err := c.Persist("/stopOnceJob/trigger/"+aID, ""); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 15*time.Second, func() bool {
		kids, _ := c.Children("/stopOnceJob/guarantee/started")
		return len(kids) == 1
	}, "A waiting at the started barrier")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rcs[aID].Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the stop waited for the barrier until its context ended")
	}
	want := `job "stopOnceJob": listener before run: job stopOnceJob: distribute-once before: context canceled`
	if got := r.errorsOf(aID); len(got) != 1 || got[0] != want {
		t.Errorf("A's errors %q; want %q", got, want)
	}
	if len(r.items(time.Time{})) != 0 || len(r.fires()) != 0 {
		t.Errorf("items ran: %v", r.fires())
	}
	if ok, err := c.Exists("/stopOnceJob/instances/" + aID); ok || err != nil {
		t.Errorf("A's instance node is still there (%v)", err)
	}
}
