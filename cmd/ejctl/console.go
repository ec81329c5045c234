package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/console"
	"github.com/elasticjob-go/elasticjob/tracing"
)

func init() {
	register(&command{
		name: "console", flags: "[--listen HOST:PORT] [--tracing-url URL]",
		summary: "serve the web console of the registry (and of the tracing database of --tracing-url) until Ctrl-C",
		setup: func(fs *flag.FlagSet) runFunc {
			listen := fs.String("listen", "127.0.0.1:8899", "address to serve the console on")
			tracingURL := fs.String("tracing-url", "", "tracing database, a JDBC URL as elasticjob.tracing.dataSource.url (jdbc:postgresql://…, jdbc:mysql://…, jdbc:sqlite:PATH)")
			return func(ctx context.Context, e *env, _ []string) error {
				return serveConsole(ctx, e, *listen, *tracingURL)
			}
		},
	})
}

// serveConsole serves the console with the service's accounts (elasticjob.http.auth); a
// non-loopback address without them is refused before anything is opened.
func serveConsole(ctx context.Context, e *env, listen, tracingURL string) error {
	cfg, err := autoconfig.LoadToolConfig()
	if err != nil {
		return err
	}
	a := cfg.HTTP.Auth
	auth := console.Auth{Username: a.Username, Password: a.Password, GuestUsername: a.GuestUsername, GuestPassword: a.GuestPassword}
	if err := console.CheckListen(listen, auth); err != nil {
		return usageError{err.Error()}
	}
	// The configuration read above serves the registry too: not read a second time.
	reg := e.registry(cfg.Registry)
	op, err := e.open(ctx, reg)
	if err != nil {
		return err
	}
	opts := console.Options{Operator: op, Auth: auth, Namespace: reg.Namespace, DumpPort: cfg.Dump.Port, Logger: e.audit}
	if tracingURL != "" {
		store, err := tracing.Open(ctx, tracing.DataSource{URL: tracingURL})
		if err != nil {
			return err
		}
		defer store.Close()
		opts.History = store
	}
	c, err := console.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	e.say("console: http://%s/ (Ctrl-C stops it)", ln.Addr())
	e.audit.Info("console: serving", "address", ln.Addr().String(), "auth", auth.Enabled(), "tracing", tracingURL != "")
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("console: stopping: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
