package reg

import (
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
)

// clientPause is go-zookeeper's own wait before each new round of the servers (Conn.connect).
const clientPause = time.Second

// backoff paces the client's rounds of connection attempts while there is no session to keep (none
// yet, or lost) as Curator's ExponentialBackoffRetry paces ElasticJob's retries: after n rounds
// of the servers in a row without a session, the next round waits BaseSleepTime × a random
// factor in [1, 2^(n+1)), at most MaxSleepTime. The client waits clientPause itself; the dialer
// waits the rest (so the pause is never below 1 s). While the session may still be alive the
// client reconnects at its own pace, as ZooKeeper's Java client does under Curator: waiting
// longer could let the server expire it.
type backoff struct {
	base, max  time.Duration
	noSession  func() bool     // true while there is no session a quick reconnect could keep
	done       <-chan struct{} // closed when the Center closes: a waiting dial goes on at once
	roundEnded atomic.Bool     // set by hosts.Next when a round ends: the next dial may wait
	rounds     atomic.Int32    // paced rounds without a session in a row
}

// delay is the pause before the round that follows n failed ones.
func (b *backoff) delay(n int) time.Duration {
	factor := time.Duration(max(1, rand.IntN(1<<(min(n, 29)+1)))) // Curator caps the shift at 29 too
	if b.base > b.max/factor {
		return b.max
	}
	return b.base * factor
}

// wait is called before each dial: the first of a new round sleeps what the client did not.
func (b *backoff) wait() {
	if !b.roundEnded.Swap(false) || !b.noSession() {
		return
	}
	d := b.delay(int(b.rounds.Add(1)-1)) - clientPause
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-b.done:
	}
}

// hosts is the client's usual host provider, telling the backoff when a round of the servers
// ends and when a session is established.
type hosts struct {
	*zk.DNSHostProvider
	b *backoff
}

func (h hosts) Next() (server string, retryStart bool) {
	server, retryStart = h.DNSHostProvider.Next()
	if retryStart {
		h.b.roundEnded.Store(true)
	}
	return server, retryStart
}

func (h hosts) Connected() {
	h.DNSHostProvider.Connected()
	h.b.rounds.Store(0)
}

// noSession says whether the Center has no session a quick reconnect could keep: none yet, or
// the last one is lost.
func (c *Center) noSession() bool {
	switch State(c.state.Load()) {
	case 0, StateLost, StateClosed:
		return true
	}
	return false
}
