package reg

import (
	"encoding/binary"
	"net"
	"time"
)

// SessionTimeout is the session timeout the server granted (the requested one until a server
// has answered, and on the embedded registry): fencing timers should count this one.
func (c *Center) SessionTimeout() time.Duration { return c.lostTimeout() }

// lostTimeout is how long a disconnection lasts before the session is taken as lost: the
// timeout the server granted, as Curator 5 uses it. The server bounds the requested timeout to
// [minSessionTimeout, maxSessionTimeout] and expires the session after the granted one, so
// counting the requested one would fence too late when it is larger (60 s asked, 40 s granted).
func (c *Center) lostTimeout() time.Duration {
	if ms := c.granted.Load(); ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return c.sessionTimeout
}

// Heard is when this Center last read anything from a ZooKeeper server (pings are answered every
// third of the session timeout); zero on the embedded registry, which has no connection.
func (c *Center) Heard() time.Time {
	ns := c.heard.Load()
	if ns == 0 {
		return time.Time{}
	}
	return c.born.Add(time.Duration(ns))
}

// grantedConn reads the granted session timeout off the wire: go-zookeeper v1.0.4 keeps it
// unexported; and it notes when bytes arrive, for Heard. The first frame a server sends on a connection is the connect response: a 4-byte
// length, the protocol version, then the timeout in ms (big-endian int32). Only the client's
// receive goroutine reads a connection, so the header needs no lock.
type grantedConn struct {
	net.Conn
	head    []byte
	granted func(ms int32)
	heard   func()
}

func (g *grantedConn) Read(p []byte) (int, error) {
	n, err := g.Conn.Read(p)
	if n > 0 {
		g.heard()
	}
	if need := 12 - len(g.head); need > 0 && n > 0 {
		g.head = append(g.head, p[:min(n, need)]...)
		if len(g.head) == 12 {
			// 0 answers a connection for an expired session.
			if ms := int32(binary.BigEndian.Uint32(g.head[8:12])); ms > 0 {
				g.granted(ms)
			}
		}
	}
	return n, err
}
