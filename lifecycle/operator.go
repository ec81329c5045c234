package lifecycle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/regof"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Operator is ElasticJob's lifecycle API on one registry session. It is safe for concurrent
// use; it keeps no cache, every call reads the registry.
type Operator struct {
	center *reg.Center
	where  string // "serverLists namespace", for errors
	log    *slog.Logger
	regLog *slog.Logger // Open's registry client
	actor  string
	shared *sharedCenter // nil on a service's registry: Close leaves the session alone
	closed sync.Once
}

// Option adjusts an Operator.
type Option func(*Operator)

// WithLogger sets the logger of the operator's audit lines (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *Operator) { o.log = l } }

// WithRegistryLogger sets the logger of the registry client Open connects (default: the
// warnings and errors of WithLogger's). A tool that reports the error Open returns may discard
// it.
func WithRegistryLogger(l *slog.Logger) Option { return func(o *Operator) { o.regLog = l } }

// WithActor names who operates, in the audit lines: a console user, say (default: the OS
// user and host, "user@host").
func WithActor(name string) Option { return func(o *Operator) { o.actor = name } }

// Open connects to the ZooKeeper registry of cfg (namespace and digest included) without job
// caches, waiting at most cfg.ConnectionTimeout (15 s when zero) for a session. Operators
// opened on the same servers, namespace and digest share one session, as ElasticJob's
// lifecycle clients do; it ends with the last Close. An empty ServerLists is an error: the
// embedded registry lives inside its service, operate it with New.
func Open(ctx context.Context, cfg starter.RegistryCenterConfig, opts ...Option) (*Operator, error) {
	if cfg.ServerLists == "" {
		return nil, errors.New("lifecycle: regCenter.serverLists is empty: an embedded registry is inside its service's process (operate it with lifecycle.New on the service's registry center)")
	}
	timeout := cfg.ConnectionTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	o := newOperator(cfg, opts)
	s, err := openShared(ctx, cfg, o.regLog)
	if err != nil {
		return nil, err
	}
	o.center, o.shared = s.center, s
	return o, nil
}

// New returns an Operator on a running service's registry center (its own session, the
// embedded registry included). Close leaves the session to the service.
func New(rc *starter.RegistryCenter, opts ...Option) (*Operator, error) {
	c := regof.Center(rc)
	if c == nil {
		return nil, errors.New("lifecycle: no registry center (a service's is set once it has started)")
	}
	o := newOperator(starter.RegistryCenterConfig{}, opts)
	o.center, o.where = c, "the service's registry"
	return o, nil
}

func newOperator(cfg starter.RegistryCenterConfig, opts []Option) *Operator {
	o := &Operator{where: fmt.Sprintf("registry %s namespace %q", cfg.ServerLists, cfg.Namespace)}
	for _, opt := range opts {
		opt(o)
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	if o.regLog == nil {
		o.regLog = slog.New(quiet{o.log.Handler()})
	}
	if o.actor == "" {
		o.actor = defaultActor()
	}
	return o
}

func defaultActor() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if host, err := os.Hostname(); err == nil {
		name += "@" + host
	}
	return name
}

// Close releases the Operator's session when it opened one and no other Operator shares it.
func (o *Operator) Close() error {
	var err error
	o.closed.Do(func() {
		if o.shared != nil {
			err = o.shared.release()
		}
	})
	return err
}

// sharedCenter is one session shared by the Operators opened on the same registry.
type sharedCenter struct {
	key    string
	center *reg.Center
	refs   int
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*sharedCenter{}
)

// openShared returns the session for cfg, connecting on first use. The key holds a hash of the
// digest, never the digest.
func openShared(ctx context.Context, cfg starter.RegistryCenterConfig, log *slog.Logger) (*sharedCenter, error) {
	sum := sha256.Sum256([]byte(cfg.ServerLists + "\x00" + cfg.Namespace + "\x00" + cfg.Digest))
	key := hex.EncodeToString(sum[:])
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if s, ok := shared[key]; ok {
		s.refs++
		return s, nil
	}
	c, err := reg.Connect(ctx, reg.Config{
		ServerLists: cfg.ServerLists, Namespace: cfg.Namespace, Digest: cfg.Digest,
		SessionTimeout: cfg.SessionTimeout, ConnectionTimeout: cfg.ConnectionTimeout,
		BaseSleepTime: cfg.BaseSleepTime, MaxSleepTime: cfg.MaxSleepTime, MaxRetries: cfg.MaxRetries,
		Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("lifecycle: %w", err)
	}
	s := &sharedCenter{key: key, center: c, refs: 1}
	shared[key] = s
	return s, nil
}

// quiet passes on the registry client's warnings and errors only: its connection states are
// news in a service's log, noise in an operator's tool.
type quiet struct{ slog.Handler }

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}
func (q quiet) WithAttrs(as []slog.Attr) slog.Handler { return quiet{q.Handler.WithAttrs(as)} }
func (q quiet) WithGroup(name string) slog.Handler    { return quiet{q.Handler.WithGroup(name)} }

func (s *sharedCenter) release() error {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	s.refs--
	if s.refs > 0 {
		return nil
	}
	delete(shared, s.key)
	return s.center.Close()
}

// audit logs an operation that changes the registry: who, what, which job and server.
func (o *Operator) audit(action, job, serverIP string, args ...any) {
	attrs := []any{"actor", o.actor, "action", action}
	if job != "" {
		attrs = append(attrs, "job", job)
	}
	if serverIP != "" {
		attrs = append(attrs, "server", serverIP)
	}
	o.log.Info("elasticjob: operator action", append(attrs, args...)...)
}
