package reg

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// The pauses are Curator's ExponentialBackoffRetry's: base × a random factor in [1, 2^(n+1)),
// capped at the maximum.
func TestBackoffDelaysAsCurator(t *testing.T) {
	b := &backoff{base: 100 * time.Millisecond, max: 700 * time.Millisecond}
	for n, hi := range []time.Duration{100, 300, 700, 700, 700} {
		seen := map[time.Duration]bool{}
		for range 500 {
			d := b.delay(n)
			if d < b.base || d > hi*time.Millisecond || d%b.base != 0 {
				t.Fatalf("round %d: %v, want a multiple of %v in [%v, %v]", n, d, b.base, b.base, hi*time.Millisecond)
			}
			seen[d] = true
		}
		if n > 0 && len(seen) < 2 {
			t.Errorf("round %d: always %v, want random pauses", n, seen)
		}
	}
	huge := &backoff{base: time.Hour, max: 2 * time.Hour}
	if d := huge.delay(100); d < time.Hour || d > 2*time.Hour {
		t.Errorf("a large base and round: %v, want within [1h, 2h] without overflow", d)
	}
}

// BaseSleepTime paces the rounds of connection attempts: with 2.5 s pauses, a server that accepts
// and hangs up at once is tried at most three times in the 5 s start-up wait (MaxSleepTime ×
// MaxRetries), where go-zookeeper alone would try every second. A loaded machine only tries less.
func TestBaseSleepTimePacesReconnectRounds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conn.Close()
		}
	}()
	pause := 2500 * time.Millisecond
	_, err = Connect(context.Background(), Config{ServerLists: ln.Addr().String(),
		BaseSleepTime: pause, MaxSleepTime: pause, MaxRetries: 2, Logger: slog.New(slog.DiscardHandler)})
	if want := "within 5s"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err %v, want one saying %q", err, want)
	}
	if n := accepted.Load(); n < 1 || n > 3 {
		t.Fatalf("%d connection attempts in 5 s, want 1 to 3 (one every 2.5 s)", n)
	}
}

// While the session may still be alive the client reconnects at its own pace, whatever the
// backoff: a 1 min pause after a cut connection would let the server expire a 20 s session.
func TestBackoffNeverDelaysKeepingTheSession(t *testing.T) {
	p := zktest.NewProxy(t, zktest.Servers(t))
	cfg := testConfig(t)
	cfg.ServerLists, cfg.SessionTimeout = p.Addr(), 20*time.Second
	cfg.BaseSleepTime, cfg.MaxSleepTime, cfg.MaxRetries = time.Minute, time.Minute, 1
	c := mustConnect(t, cfg)
	st := states(c)
	p.Cut()
	st.expect(t, StateSuspended, StateReconnected)
}
