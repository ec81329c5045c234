package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"go.uber.org/fx"
)

// HTTPServer is the service's HTTP server of elasticjob.http.address, serving HTTPHandlers;
// without an address it does not listen. It listens in OnStart, once the registry session is
// established (its handlers may depend on the *Registry, whose hook comes first) and before the
// jobs register (the probes answer while they do); it stops in OnStop once the jobs have stopped.
type HTTPServer struct {
	address  string
	handlers *HTTPHandlers
	log      *slog.Logger

	mu   sync.Mutex
	addr net.Addr
	srv  *http.Server
	done chan struct{}
}

type httpServerParams struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *Properties
	Handlers   *HTTPHandlers
	Logger     *slog.Logger `optional:"true"`
}

func newHTTPServer(p httpServerParams) *HTTPServer {
	s := &HTTPServer{address: p.Properties.HTTP.Address, handlers: p.Handlers, log: logger(p.Logger)}
	if s.address != "" {
		p.Lifecycle.Append(fx.Hook{OnStart: s.start, OnStop: s.stop})
	}
	return s
}

// Addr is the address the server listens on (the port chosen when elasticjob.http.address
// has port 0), or "" when it does not listen.
func (s *HTTPServer) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil {
		return ""
	}
	return s.addr.String()
}

func (s *HTTPServer) start(context.Context) error {
	ln, err := net.Listen("tcp", s.address)
	if err != nil {
		return fmt.Errorf("elasticjob: elasticjob.http.address %s: %w", s.address, err)
	}
	mux := http.NewServeMux()
	s.handlers.Mount(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	s.mu.Lock()
	s.addr, s.srv, s.done = ln.Addr(), srv, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("elasticjob: HTTP server stopped", "address", ln.Addr().String(), "error", err)
		}
	}()
	patterns := make([]string, 0, len(s.handlers.list))
	for _, h := range s.handlers.list {
		patterns = append(patterns, h.Pattern)
	}
	s.log.Info("elasticjob: HTTP server listening", "address", ln.Addr().String(), "paths", patterns)
	return nil
}

// stop lets requests in progress end within ctx, then closes what is left.
func (s *HTTPServer) stop(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.srv, s.addr = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, srv.Close())
	}
	<-done
	return err
}
