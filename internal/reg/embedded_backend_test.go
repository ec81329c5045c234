package reg

import (
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/memzk"
)

// embeddedBackend runs each test on its own in-memory server, shared by the test's Centers.
func embeddedBackend() backend {
	servers := perTest(func(t *testing.T) *memzk.Server {
		srv := memzk.NewServer(memzk.WithReconnectDelay(100 * time.Millisecond))
		t.Cleanup(srv.Close)
		return srv
	})
	open := func(t *testing.T, cfg Config, ip *interposer) *Center {
		t.Helper()
		c, err := newEmbeddedOn(servers(t), cfg, ip)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	return backend{
		name:    "embedded",
		openVia: open,
		openFaulty: func(t *testing.T, cfg Config) (*Center, link) {
			c := open(t, cfg, nil)
			return c, memzkLink{srv: servers(t), c: c}
		},
		reap: func(t *testing.T) { servers(t).ReapContainers() },
	}
}

// memzkLink breaks a Center's connection with the in-memory server's own fault injection.
type memzkLink struct {
	srv *memzk.Server
	c   *Center
}

// Partition cuts the connection for a second; Heal is then implicit (the client gets back by
// itself once the link is up), so the test must act within that second.
func (l memzkLink) Partition() { l.srv.Disconnect(l.c.SessionID(), time.Second) }
func (l memzkLink) Heal()      {}
func (l memzkLink) Expire()    { l.srv.Expire(l.c.SessionID()) }
