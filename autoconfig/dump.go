package autoconfig

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/internal/dump"
	"github.com/elasticjob-go/elasticjob/internal/regof"
)

// dumpParams is what the dump service needs.
type dumpParams struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *Properties
	Registry   *Registry
}

// serveDump starts ElasticJob's dump service when elasticjob.dump asks for it. Its hook is
// appended after the registry's and the jobs': it listens once the jobs are registered, and
// stops listening before they shut down.
func serveDump(p dumpParams) {
	if !p.Properties.Dump.listening() {
		return
	}
	d := p.Properties.Dump
	s := &dumpService{addr: net.JoinHostPort(d.Address, strconv.Itoa(d.Port)), registry: p.Registry, log: p.Registry.log}
	p.Lifecycle.Append(fx.Hook{OnStart: s.start, OnStop: s.stop})
}

// dumpService is the dump listener over the process's registry session and job caches.
type dumpService struct {
	addr     string
	registry *Registry
	log      *slog.Logger
	srv      *dump.Server
}

func (s *dumpService) start(context.Context) error {
	rt := regof.Runtime(s.registry.Center())
	if rt == nil {
		return errors.New("elasticjob.dump: the registry center is not connected")
	}
	srv, err := dump.Listen(s.addr, dump.RuntimeSource(rt), dump.Options{Logger: s.log})
	if err != nil {
		return fmt.Errorf("elasticjob.dump: listening on %s: %w", s.addr, err)
	}
	s.srv = srv
	s.log.Info("elasticjob: dump service listening", "address", srv.Addr().String())
	return nil
}

func (s *dumpService) stop(context.Context) error {
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv = nil
	return err
}
