package reg

import (
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// The server bounds the requested session timeout to its [minSessionTimeout, maxSessionTimeout]
// (ElasticJob asks 60 s, a default ZooKeeper grants 40 s) and expires the session after the
// granted one. Lost must come after the granted timeout, as Curator 5 counts it: counting the
// requested 6 s, a partitioned instance kept running its items for 5 s after the server had
// expired its session and handed them to others.
func TestLostAfterGrantedSessionTimeout(t *testing.T) {
	srv := zktest.StartStandalone(t, zktest.Options{MaxSessionTimeout: time.Second})
	p := zktest.NewProxy(t, srv.Addr())
	cfg := testConfig(t)
	cfg.ServerLists = p.Addr()
	cfg.SessionTimeout = 6 * time.Second
	c := mustConnect(t, cfg)
	st := states(c)
	if got := c.SessionTimeout(); got != time.Second {
		t.Fatalf("SessionTimeout() = %v, want the granted 1s", got)
	}

	p.Blackhole()
	p.Cut()
	st.expect(t, StateSuspended)
	suspended := time.Now()
	st.expect(t, StateLost)
	if d := time.Since(suspended); d > 3*time.Second {
		t.Fatalf("Lost %v after Suspended: the server granted a 1 s session", d.Round(100*time.Millisecond))
	}
}
