package reg

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
)

// Connect opens a ZooKeeper session, waiting for the first connection as long as the retry
// settings allow (ElasticJob: maxSleepTime × maxRetries); the error names the servers.
//
// ConnectionTimeout bounds each TCP connection attempt to one server. Rounds of the servers
// while there is no session to keep are paced by BaseSleepTime and MaxSleepTime (see backoff). The Lost timer
// uses the session timeout the server granted (see lostTimeout).
func Connect(ctx context.Context, cfg Config) (*Center, error) {
	return connect(ctx, cfg, nil)
}

// connect is Connect with ip, when not nil, between the Center and its connection.
func connect(ctx context.Context, cfg Config, ip *interposer) (*Center, error) {
	cfg = withDefaults(cfg)
	var servers []string
	for _, s := range strings.Split(cfg.ServerLists, ",") {
		if s = strings.TrimSpace(s); s != "" {
			servers = append(servers, s)
		}
	}
	if len(servers) == 0 {
		return nil, fmt.Errorf("reg: no ZooKeeper server in serverLists %q", cfg.ServerLists)
	}
	if user, password, ok := strings.Cut(cfg.Digest, ":"); cfg.Digest != "" && (!ok || user == "" || password == "") {
		// ZooKeeper would take it as the ACL id as it is; the digest holds a password: not shown.
		return nil, fmt.Errorf("reg: the digest (not shown) is not user:password")
	}
	c := newCenter(cfg)
	pace := &backoff{base: cfg.BaseSleepTime, max: cfg.MaxSleepTime, noSession: c.noSession, done: c.done}
	dial := func(network, addr string, _ time.Duration) (net.Conn, error) {
		pace.wait()
		conn, err := net.DialTimeout(network, addr, cfg.ConnectionTimeout)
		if err != nil {
			return nil, err
		}
		return &grantedConn{Conn: conn,
			granted: func(ms int32) { c.granted.Store(int64(ms)) },
			heard:   func() { c.heard.Store(int64(max(time.Since(c.born), 1))) },
		}, nil
	}
	conn, _, err := zk.Connect(servers, cfg.SessionTimeout,
		zk.WithEventCallback(ip.onEvent(c.onEvent)),
		zk.WithLogger(zkLogger{cfg.Logger}),
		zk.WithLogInfo(false),
		zk.WithDialer(dial),
		zk.WithHostProvider(hosts{zk.NewDNSHostProvider(), pace}))
	if err != nil {
		return nil, fmt.Errorf("reg: connect to %s: %w", cfg.ServerLists, err)
	}
	c.setConn(ip.conn(conn))

	bound := cfg.firstSessionBound()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case <-c.connected:
	case <-timer.C:
		err = fmt.Errorf("reg: no ZooKeeper session with %s within %v", cfg.ServerLists, bound)
	case <-ctx.Done():
		err = fmt.Errorf("reg: no ZooKeeper session with %s: %w", cfg.ServerLists, ctx.Err())
	}
	if err == nil && cfg.Digest != "" {
		if err = conn.AddAuth("digest", []byte(cfg.Digest)); err != nil {
			err = fmt.Errorf("reg: digest authentication with %s: %w", cfg.ServerLists, err)
		}
		c.acl = zk.AuthACL(zk.PermAll) // CREATOR_ALL_ACL
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// zkLogger sends the client's messages to slog. The client never formats credentials into
// them (it only counts the credentials it re-sends).
type zkLogger struct{ l *slog.Logger }

func (z zkLogger) Printf(format string, args ...interface{}) {
	z.l.Warn("zookeeper client: " + fmt.Sprintf(format, args...))
}
