package userservicetest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/examples/cluster/clustertest"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(zktest.Wrap(m)) }

const (
	service   = "../userservice"
	generated = "jobs/zz_generated.elasticjob.go"
	job       = "report"
	items     = 6
)

// The service written as a user would — its own module, a directive on its job type, go
// generate, a main of one fx.New, application.yaml — runs as three processes on ZooKeeper:
// they share the items 2/2/2 and write the tree ElasticJob does, and in each of them the
// job's dependency (the store, opened in an OnStart hook) was open before the first
// execution.
func TestUserServiceAsThreeProcesses(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join(service, generated))
	if err != nil {
		t.Fatal(err)
	}
	goCommand(t, service, "generate", "./...")
	regenerated, err := os.ReadFile(filepath.Join(service, generated))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, regenerated) {
		t.Errorf("go generate changed %s: the committed file is stale", generated)
	}
	goCommand(t, filepath.Join(service, "jobs"), "tool", "ejgen", "-check")

	servers := zktest.Servers(t)
	namespace := fmt.Sprintf("userservice-%d", time.Now().UnixNano())
	bin := clustertest.Build(t, service)
	env := clustertest.Env(
		"ELASTICJOB_REGCENTER_SERVERLISTS="+servers,
		"ELASTICJOB_REGCENTER_NAMESPACE="+namespace,
	)
	var procs []*clustertest.Process
	for _, name := range []string{"a", "b", "c"} {
		procs = append(procs, clustertest.Start(t, name, bin, service, env))
	}
	tree := clustertest.OpenTree(t, servers, namespace)

	ids := clustertest.WaitSharded(t, tree, job, items, procs, 30*time.Second)
	clustertest.WaitEvenFire(t, procs, ids, items, 15*time.Second)
	clustertest.CheckTree(t, tree, job, "example.com/userservice/jobs.Report", items, ids)
	config, _ := tree.Get(job + "/config")
	for _, want := range []string{
		"jobName: report\n", "shardingTotalCount: 6\n", "failover: true\n", "jobParameter: daily\n",
		"shardingItemParameters: 0=north,1=south,2=east,3=west,4=centre,5=islands\n",
	} {
		if !strings.Contains(config, want) {
			t.Errorf("config lacks %q:\n%s", want, config)
		}
	}
	for _, p := range procs {
		checkStoreOpenedFirst(t, p)
	}

	for _, p := range procs {
		if err := p.Interrupt(20 * time.Second); err != nil {
			t.Errorf("%s: exit after SIGINT: %v", p.Name, err)
		}
		clustertest.CheckNoErrors(t, p)
	}
	if got := tree.Children(job + "/instances"); len(got) != 0 {
		t.Errorf("instances after shutdown = %v, want none", got)
	}
}

var (
	openedLine  = regexp.MustCompile(`^store opened at=(\S+)$`)
	executeLine = regexp.MustCompile(`^execute at=(\S+) storeOpenedAt=(\S+) `)
)

// checkStoreOpenedFirst checks that the store's OnStart hook ran, once, before the job's
// first execution, and that the job saw that store open.
func checkStoreOpenedFirst(t *testing.T, p *clustertest.Process) {
	t.Helper()
	lines := p.Lines()
	opened := slices.IndexFunc(lines, openedLine.MatchString)
	first := slices.IndexFunc(lines, executeLine.MatchString)
	if opened < 0 || first < 0 {
		t.Errorf("%s: store opened at line %d, first execution at line %d", p.Name, opened, first)
		return
	}
	if opened > first {
		t.Errorf("%s: the job executed (line %d) before the store was opened (line %d)", p.Name, first, opened)
	}
	openedAt := parseTime(t, openedLine.FindStringSubmatch(lines[opened])[1])
	m := executeLine.FindStringSubmatch(lines[first])
	executedAt, seenOpenedAt := parseTime(t, m[1]), parseTime(t, m[2])
	if !seenOpenedAt.Equal(openedAt) {
		t.Errorf("%s: the first execution saw the store opened at %s, it was opened at %s", p.Name, seenOpenedAt, openedAt)
	}
	if !executedAt.After(openedAt) {
		t.Errorf("%s: first execution at %s, not after the store opened at %s", p.Name, executedAt, openedAt)
	}
	if n := len(slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return !openedLine.MatchString(l) })); n != 1 {
		t.Errorf("%s: the store was opened %d times", p.Name, n)
	}
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// goCommand runs the go command in dir, failing the test with its output when it fails.
func goCommand(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = clustertest.Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}
