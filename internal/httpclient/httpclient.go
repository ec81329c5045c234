// Package httpclient builds the HTTP client of HTTP jobs and webhook error handlers: Java
// HttpURLConnection-style connect and read timeouts, and URLs stripped of their secrets for
// logs and errors.
package httpclient

import (
	"context"
	"net"
	"net/http"
	"time"
)

// New returns a client with Java HttpURLConnection-style timeouts: connect bounds
// the TCP connect, read bounds every wait for data from the server (TLS handshake, response
// head, each read of the body) rather than the whole exchange. Connections are not kept
// alive: jobs and notifications are sparse, and no goroutine outlives a request.
func New(connect, read time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: connect}
	return &http.Client{Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &readTimeoutConn{Conn: conn, timeout: read}, nil
		},
		DisableKeepAlives: true,
	}}
}

// readTimeoutConn is Java's SO_TIMEOUT: each Read fails when no data arrives within timeout.
type readTimeoutConn struct {
	net.Conn
	timeout time.Duration
}

func (c *readTimeoutConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}
