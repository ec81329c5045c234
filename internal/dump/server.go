package dump

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxConns     = 16
	DefaultReadTimeout  = 10 * time.Second
	DefaultWriteTimeout = 30 * time.Second
)

// Options tune a Server; zero values take the defaults.
type Options struct {
	// MaxConns bounds the connections served at once; one more is closed as soon as it is
	// accepted, without a reply.
	MaxConns int
	// ReadTimeout is how long a connection has to send its request line.
	ReadTimeout time.Duration
	// WriteTimeout is how long a client has to take the reply.
	WriteTimeout time.Duration
	Logger       *slog.Logger // nil: slog.Default()
}

// Server is a listening dump service.
type Server struct {
	ln   net.Listener
	src  Source
	opts Options
	log  *slog.Logger
	sem  chan struct{}

	ctx    context.Context // ends at Close: stops dumps in progress
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// Listen listens on addr ("host:port"; an empty host is every interface, port 0 a free port)
// and serves dumps of src until Close.
func Listen(addr string, src Source, opts Options) (*Server, error) {
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		ln: ln, src: src, opts: opts, log: log, sem: make(chan struct{}, opts.MaxConns),
		ctx: ctx, cancel: cancel, conns: map[net.Conn]struct{}{},
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops listening, ends the connections in progress and waits for their goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.cancel()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		c, err := s.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Out of file descriptors, say: wait a little rather than spin.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("elasticjob: dump service: accept failed; retrying", "error", err, "in", backoff)
			select {
			case <-time.After(backoff):
			case <-s.ctx.Done():
				return
			}
			continue
		}
		backoff = 0
		select {
		case s.sem <- struct{}{}:
		default:
			s.log.Warn("elasticjob: dump service: too many connections; closing one", "remote", c.RemoteAddr().String(), "max", s.opts.MaxConns)
			c.Close()
			continue
		}
		if !s.track(c) {
			c.Close()
			<-s.sem
			return
		}
		s.wg.Add(1)
		go func() {
			defer func() { s.untrack(c); c.Close(); <-s.sem; s.wg.Done() }()
			s.serve(c)
		}()
	}
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// serve answers one connection: one request line, one reply, then the connection is closed
// (by the caller), as ElasticJob does.
func (s *Server) serve(c net.Conn) {
	remote := c.RemoteAddr().String()
	_ = c.SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
	line, err := readRequest(bufio.NewReader(c))
	if err != nil {
		s.log.Debug("elasticjob: dump service: no request line", "remote", remote, "error", err)
		return
	}
	job, ok := parseRequest(line)
	if !ok {
		s.log.Warn("elasticjob: dump service: not a dump request; closed without a reply", "remote", remote, "request", clip(line))
		return
	}
	text, err := Job(s.ctx, s.src, job)
	if err != nil && s.ctx.Err() != nil {
		return // closing
	}
	if err != nil {
		s.log.Error("elasticjob: dump service: reading the registry; closed without a reply", "remote", remote, "job", job, "error", err)
		return
	}
	_ = c.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
	if _, err := c.Write([]byte(text)); err != nil {
		s.log.Warn("elasticjob: dump service: writing the reply", "remote", remote, "job", job, "error", err)
		return
	}
	s.log.Info("elasticjob: dump served", "remote", remote, "job", job, "bytes", len(text))
	lingeringClose(c)
}

// lingeringClose ends the reply with a FIN and reads what the client still sends until it
// closes too (briefly): closing a socket with unread input (the "\n" of a "\r\n" that came in a
// segment of its own) sends a reset, which can destroy the reply before the client reads it.
func lingeringClose(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok || tc.CloseWrite() != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(lingerTimeout))
	_, _ = io.CopyN(io.Discard, c, maxRequest)
}

// lingerTimeout bounds lingeringClose.
const lingerTimeout = time.Second

// clip shortens a request for the log.
func clip(s string) string {
	const n = 100
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
