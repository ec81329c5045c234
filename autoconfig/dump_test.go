package autoconfig

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// ElasticJob's defaults: enabled, no port, every interface.
func TestDumpDefaults(t *testing.T) {
	inTempDir(t, nil)
	props, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if props.Dump != (DumpProperties{Enabled: true}) || props.Dump.listening() {
		t.Fatalf("dump %+v, want enabled without a port (not listening)", props.Dump)
	}
	inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  dump: {port: 9888, address: 127.0.0.1}\n"})
	t.Setenv("ELASTICJOB_DUMP_ENABLED", "false")
	if props, err = load(nil); err != nil {
		t.Fatal(err)
	}
	if props.Dump != (DumpProperties{Port: 9888, Address: "127.0.0.1"}) || props.Dump.listening() {
		t.Fatalf("dump %+v, want disabled", props.Dump)
	}
}

func TestDumpConfigurationErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, env, want string }{
		{"dump: {port: 0}", "", "application.yaml: elasticjob.dump.port: 0 is not a TCP port"},
		{"dump: {port: -1}", "", "application.yaml: elasticjob.dump.port: -1 is not a TCP port"},
		{"dump: {port: 9888, address: '127.0.0.1:9888'}", "", `application.yaml: elasticjob.dump.address: "127.0.0.1:9888" is not a host name or IP address (the port is elasticjob.dump.port)`},
		{"dump: {port: 9888, address: 'ops_01/x'}", "", `application.yaml: elasticjob.dump.address: "ops_01/x" is not a host name or IP address (the port is elasticjob.dump.port)`},
		{"dump: {port: 9888}", "ops host", `environment: ELASTICJOB_DUMP_ADDRESS: "ops host" is not a host name or IP address (the port is elasticjob.dump.port)`},
		{"dump: {prot: 9888}", "", "application.yaml: unknown key elasticjob.dump.prot (did you mean port?)"},
	} {
		inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  " + tc.yaml + "\n"})
		if tc.env != "" {
			t.Setenv("ELASTICJOB_DUMP_ADDRESS", tc.env)
		} else {
			os.Unsetenv("ELASTICJOB_DUMP_ADDRESS")
		}
		if _, err := load(nil); err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v\nwant %s", tc.yaml, err, tc.want)
		}
	}
	for _, host := range []string{"127.0.0.1", "::1", "[::1]", "ops-01.example.com", "localhost", "0.0.0.0"} {
		if !isHost(host) {
			t.Errorf("isHost(%q) = false", host)
		}
	}
}

// freePort is a loopback port nobody listens on at the time of the call.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// dumpOver sends a dump request to addr and reads the reply until the server closes.
func dumpOver(addr, job string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "dump@"+job+"\n"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// TestDumpServiceOnZooKeeper: with elasticjob.dump.port (and address) set, the service listens
// from OnStart to OnStop and dumps the jobs of the process from its session and caches; with
// enabled: false it does not listen. goleak (TestMain) checks nothing is left after stop.
func TestDumpServiceOnZooKeeper(t *testing.T) {
	servers := zktest.Servers(t)
	port := freePort(t)
	inTempDir(t, map[string]string{"application.yaml": fmt.Sprintf("elasticjob:\n  dump:\n    port: %d\n    address: 127.0.0.1\n", port)})
	ns := fmt.Sprintf("autoconfig-dump-%d", time.Now().UnixNano())
	t.Setenv("ELASTICJOB_REGCENTER_SERVERLISTS", servers)
	t.Setenv("ELASTICJOB_REGCENTER_NAMESPACE", ns)
	t.Setenv("ELASTICJOB_REGCENTER_SESSIONTIMEOUTMILLISECONDS", "4000")
	oneOff := starter.JobDefinition{Name: "dumpedJob", Class: "example.com/shop/jobs.Dumped", Settings: map[string]string{"shardingTotalCount": "2"}, Job: &recordingJob{}}
	var props *Properties
	var registry *Registry
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{oneOff}), fx.Populate(&props, &registry))
	stopped := false
	defer func() {
		if !stopped {
			app.RequireStop()
		}
	}()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	_, pid, _ := strings.Cut(registry.Center().InstanceID(), "@-@")
	cfg := nodedata.MarshalJobConfig(props.Jobs["dumpedJob"].Configuration("dumpedJob"))
	want := "/dumpedJob/servers | \n" +
		"/dumpedJob/servers/ip1 | ENABLED\n" +
		"/dumpedJob/recorders | \n" +
		"/dumpedJob/recorders/ip1@-@" + pid + " | \n" +
		"/dumpedJob/leader | \n" +
		"/dumpedJob/leader/sharding | \n" +
		"/dumpedJob/leader/sharding/necessary | \n" +
		"/dumpedJob/leader/election | \n" +
		"/dumpedJob/leader/election/instance | ip1@-@" + pid + "\n" +
		"/dumpedJob/instances | \n" +
		"/dumpedJob/instances/ip1@-@" + pid + " | jobInstanceId: ip1@-@" + pid + "\nserverIp: ip1\n\n" +
		"/dumpedJob/config | " + cfg + "\n"
	// Once registration's writes reached the cache and ZooKeeper reaped the election's empty
	// latch container (within a second or two on the test servers):
	var got string
	testkit.Eventually(t, time.Minute, func() bool {
		var err error
		got, err = dumpOver(addr, "dumpedJob")
		return err == nil && got == want
	}, "dump@dumpedJob at %s:\n%q\nwant\n%q", addr, testkit.Later[string](func() string { return got }), want)
	if got, err := dumpOver(addr, "nosuchjob"); err != nil || got != "\n" {
		t.Fatalf("dump@nosuchjob: %q, %v; want \"\\n\"", got, err)
	}
	app.RequireStop()
	stopped = true
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Fatal("the dump service still listens after stop")
	}

	t.Setenv("ELASTICJOB_DUMP_ENABLED", "false")
	app = startApp(t, Module, provideJobs([]starter.JobDefinition{oneOff}))
	defer app.RequireStop()
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Fatal("the dump service listens although elasticjob.dump.enabled is false")
	}
}

// On the embedded registry the service dumps the process's jobs just the same.
func TestDumpServiceOnTheEmbeddedRegistry(t *testing.T) {
	port := freePort(t)
	inTempDir(t, map[string]string{"application.yaml": fmt.Sprintf("elasticjob:\n  dump: {port: %d, address: 127.0.0.1}\n", port)})
	oneOff := starter.JobDefinition{Name: "embeddedJob", Class: "example.com/shop/jobs.Embedded", Settings: map[string]string{"shardingTotalCount": "1"}, Job: &recordingJob{}}
	app := startApp(t, Module, provideJobs([]starter.JobDefinition{oneOff}), fx.Supply(slog.New(slog.DiscardHandler)))
	defer app.RequireStop()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	var got string
	testkit.Eventually(t, time.Minute, func() bool {
		var err error
		got, err = dumpOver(addr, "embeddedJob")
		return err == nil && strings.HasPrefix(got, "/embeddedJob/servers | \n/embeddedJob/servers/ip1 | ENABLED\n") &&
			strings.Contains(got, "\n/embeddedJob/config | ") && !strings.Contains(got, " |  | ")
	}, "dump@embeddedJob:\n%s", testkit.Later[string](func() string { return got }))
}
