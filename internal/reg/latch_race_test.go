package reg

import (
	"context"
	"errors"
	"testing"
	"time"
)

// latch is the lock of the lock-waiter tests.
const latch = "/job/leader/failover/latch"

// heldLatchLostLate sets up the lock-waiter tests: holder holds latch; c, whose link l the test
// breaks, has a session of 1 s and a state listener that holds the states goroutine up on
// Suspended, so that Lost comes late (until the test ends).
func heldLatchLostLate(t *testing.T, b backend) (holder, c *Center, l link) {
	t.Helper()
	cfg := testConfig(t)
	cfg.SessionTimeout = time.Second
	holder = b.openNS(t, cfg)
	c, l = b.openFaulty(t, cfg)
	unlock, err := holder.Lock(t.Context(), latch)
	must(t, err)
	t.Cleanup(unlock)
	release := make(chan struct{})
	c.OnState(func(s State) {
		if s == StateSuspended {
			<-release // the states goroutine is busy: Lost comes late
		}
	})
	t.Cleanup(func() { close(release) })
	return holder, c, l
}

// A Lock waiter whose session expires must fail as soon as the client learns of the expiry:
// the client ends its watch with EventNotWatching. It used to wait for the Lost state instead,
// and the states goroutine can be held up (by a listener, or by a NewSession re-sync waiting on
// a cache handler that itself waits in Lock), leaving a contender of a dead session waiting.
func TestLockWaiterWokenByExpiredWatch(t *testing.T) {
	for _, b := range backends()[:2] { // embedded and standalone
		t.Run(b.name, func(t *testing.T) {
			holder, c, l := heldLatchLostLate(t, b)
			ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
			defer cancel()
			failed := make(chan error, 1)
			go func() {
				_, err := c.Lock(ctx, latch)
				failed <- err
			}()
			waitFor(t, func() bool { kids, _ := holder.Children(latch); return len(kids) == 2 })
			l.Expire()
			if err := <-failed; !errors.Is(err, ErrSessionLost) {
				t.Fatalf("waiting Lock after its session expired: %v", err)
			}
		})
	}
}

// The same waiter, when its watch on the predecessor goes out after its node's session was
// replaced: go-zookeeper queues a request asked for while the connection is down (the node just
// created, the link cut before the watch went out) and sends it in the session that replaces the
// expired one, where it succeeds. The waiter must see that the watch is not of its node's
// session and fail, not wait for a predecessor that no longer stands before anything of ours.
// Here the session is replaced first and the watch asked for then: the request goes out in the
// new session, as the queued one did, without depending on go-zookeeper's queue timing.
func TestLockWaiterWatchSentInTheReplacementSessionFails(t *testing.T) {
	holder, c, l := heldLatchLostLate(t, backends()[1]) // standalone
	kids, err := holder.Children(latch)
	must(t, err)
	predecessor := c.abs(latch + "/" + kids[0])
	session := c.conn.SessionID()
	l.Expire()
	waitFor(t, func() bool { id := c.conn.SessionID(); return id != 0 && id != session })
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	if err := c.awaitDeletion(ctx, predecessor, c.lostChan(), session); !errors.Is(err, ErrSessionLost) {
		t.Fatalf("awaitDeletion with its watch sent in a new session: %v, want %v", err, ErrSessionLost)
	}
}
