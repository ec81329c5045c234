package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// Embedded registry, session expired by the server while B runs its item: the item fails over
// to A with the interrupted FireTime, B's item context is cancelled, B re-registers on its new
// session and runs its share again. Then a short disconnection keeps B's session: nothing is
// fenced or failed over.
func TestSessionExpiryAndShortDisconnectEmbedded(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	cfg := jobapi.NewJobConfiguration("sessJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	rec := &recorder{}
	bID := InstanceID("10.0.0.2", 200)
	waitHeld := rec.holdFirst(t, func(sc jobapi.ShardingContext) bool { return strings.HasSuffix(sc.TaskID, "@-@"+bID) })
	a := cl.start("10.0.0.1", 100)
	b := cl.start("10.0.0.2", 200)
	a.register(t, cfg, rec).Schedule()
	b.register(t, cfg, rec).Schedule()
	sc := waitHeld(10*time.Second, "B never ran its item")
	testkit.Eventually(t, 3*time.Second, func() bool { v, _ := a.center.Get("/sessJob/sharding/0/running"); return v == bID }, "B's running node")
	cl.mem.Expire(b.center.SessionID())
	waitTakeover(t, rec, sc.ShardingItem, sc.FireTime)
	testkit.Eventually(t, 5*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.instance == bID && errors.Is(r.err, context.Canceled) {
				return true
			}
		}
		return false
	}, "B's item fenced")
	testkit.Eventually(t, 5*time.Second, func() bool { ok, _ := a.center.Exists("/sessJob/instances/" + bID); return ok }, "B re-registered")
	waitFullFireWith(t, rec, time.Now().Add(time.Second), map[string][]int{bID: {0}, a.id: {1}})
	assertNothingStuck(t, a.center, "sessJob", 2)

	// A disconnection shorter than the session.
	n := len(rec.all())
	cl.mem.Disconnect(b.center.SessionID(), 300*time.Millisecond)
	back := time.Now()
	waitFullFireWith(t, rec, back.Add(2*time.Second), map[string][]int{bID: {0}, a.id: {1}})
	for _, r := range rec.all()[n:] {
		if r.err != nil || r.sc.FireTime.IsZero() {
			t.Fatalf("after a short disconnection: %+v", r)
		}
	}
}
