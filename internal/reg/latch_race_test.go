package reg

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A Lock waiter whose session expires must fail as soon as the client learns of the expiry:
// the client ends its watch with EventNotWatching. It used to wait for the Lost state instead,
// and the states goroutine can be held up (by a listener, or by a NewSession re-sync waiting on
// a cache handler that itself waits in Lock), leaving a contender of a dead session waiting.
func TestLockWaiterWokenByExpiredWatch(t *testing.T) {
	for _, b := range backends()[:2] { // embedded and standalone
		t.Run(b.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.SessionTimeout = time.Second
			holder := b.openNS(t, cfg)
			c, l := b.openFaulty(t, cfg)
			const latch = "/job/leader/failover/latch"
			unlock, err := holder.Lock(t.Context(), latch)
			must(t, err)
			defer unlock()
			release := make(chan struct{})
			c.OnState(func(s State) {
				if s == StateSuspended {
					<-release // the states goroutine is busy: Lost comes late
				}
			})
			defer close(release)
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
