package reg

import (
	"fmt"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/memzk"
)

// NewEmbedded returns a registry center on a fresh in-memory server: the embedded registry,
// for one process. Closing the Center closes the server.
func NewEmbedded(cfg Config) (*Center, error) {
	srv := memzk.NewServer()
	c, err := NewEmbeddedOn(srv, cfg)
	if err != nil {
		srv.Close()
		return nil, err
	}
	c.closeServer = srv.Close
	return c, nil
}

// NewEmbeddedOn opens a session on an existing in-memory server, which the caller closes: several
// Centers (instances) can share one server, in tests. The digest is not used: the in-memory
// server has a single client process and does not enforce ACLs.
func NewEmbeddedOn(srv *memzk.Server, cfg Config) (*Center, error) {
	return newEmbeddedOn(srv, cfg, nil)
}

// newEmbeddedOn is NewEmbeddedOn with ip, when not nil, between the Center and its connection.
func newEmbeddedOn(srv *memzk.Server, cfg Config, ip *interposer) (*Center, error) {
	cfg = withDefaults(cfg)
	c := newCenter(cfg)
	c.setConn(ip.conn(srv.Connect(cfg.SessionTimeout, ip.onEvent(c.onEvent))))
	bound := cfg.firstSessionBound()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case <-c.connected:
	case <-timer.C:
		c.Close()
		return nil, fmt.Errorf("reg: no session with the embedded registry within %v (is its server closed?)", bound)
	}
	c.log.Info("registry center: embedded in-memory registry, for this process only", "namespace", c.ns)
	return c, nil
}
