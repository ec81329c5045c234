// Package dumptest runs, for the tests of the dump service's clients (lifecycle.Dump, ejctl
// dump), a service in the test's process: autoconfig.Module with jobs and the dump service on
// a loopback port. Only tests import it.
package dumptest

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Service is a running service.
type Service struct {
	Addr       string // its dump service, 127.0.0.1:PORT
	InstanceID string // ip@-@pid
}

// Start starts a service on the ZooKeeper servers, in namespace, running the jobs named (two
// items each, no cron: they run only when triggered, so their subtrees stay as registration
// leaves them); it stops when the test ends. The configuration is a file of its own
// (ELASTICJOB_CONFIG, set for the test).
func Start(t *testing.T, servers, namespace string, jobs ...string) Service {
	t.Helper()
	addr := FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cfg := filepath.Join(t.TempDir(), "application.yaml")
	yaml := fmt.Sprintf("elasticjob:\n  regCenter: {serverLists: %q, namespace: %q, sessionTimeoutMilliseconds: 4000}\n  dump: {port: %s, address: 127.0.0.1}\n", servers, namespace, port)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(autoconfig.ConfigEnv, cfg)
	var opts []fx.Option
	for _, name := range jobs {
		def := starter.JobDefinition{
			Name: name, Class: "example.com/dumptest." + strings.ToUpper(name[:1]) + name[1:],
			Settings: map[string]string{"shardingTotalCount": "2"},
			Job:      starter.SimpleJobFunc(func(context.Context, starter.ShardingContext) error { return nil }),
		}
		opts = append(opts, fx.Provide(fx.Annotate(func() starter.JobDefinition { return def }, fx.ResultTags(`group:"elasticjob.jobs"`))))
	}
	var registry *autoconfig.Registry
	quiet := slog.New(slog.DiscardHandler)
	app := fxtest.New(t, append(opts, autoconfig.Module, fx.Supply(quiet), fx.Populate(&registry), fx.NopLogger)...)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	return Service{Addr: addr, InstanceID: registry.Center().InstanceID()}
}

// FreeAddr is a loopback address (127.0.0.1:PORT) nobody listens on at the time of the call.
func FreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
