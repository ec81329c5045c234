// Command ejbench measures elasticjob-go against ElasticJob-Lite 3.0.4's observed costs on a
// real ZooKeeper it starts itself (scripts/zookeeper.sh), prints one table and writes it, with
// the command and the machine, into BENCHMARKS.md (between the ejbench markers; the rest of the
// file is kept). Rows that need several instances run them as separate processes: the binary
// re-executes itself with -role instance (or robfig/gocron for the local scheduling floor).
//
//	go run ./cmd/ejbench [-reps 3] [-scale 1000,10000] [-fxjobs 30000] [-rolljobs 10000] [-rows 1,…,10] [-out BENCHMARKS.md]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-role" {
		os.Exit(runRole(os.Args[2], os.Args[3:]))
	}
	if err := orchestrate(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "ejbench: %v\n", err)
		os.Exit(1)
	}
}

// runRole runs this binary as a child in role and returns its exit code (the tests' binary
// runs it too, when a test's row re-executes it).
func runRole(role string, args []string) int {
	roles := map[string]func([]string) error{"instance": runInstance, "robfig": runRobfig, "gocron": runGocron, "fxservice": runFxService}
	run, ok := roles[role]
	if !ok {
		fmt.Fprintf(os.Stderr, "ejbench: unknown role %q\n", role)
		return 2
	}
	if err := run(args); err != nil {
		fmt.Fprintf(os.Stderr, "ejbench %s: %v\n", role, err)
		return 1
	}
	return 0
}

// bench is the orchestrator's state: the server, the settings, the table.
type bench struct {
	srv    *server
	work   string // logs of the children and the server's directory
	log    *os.File
	reps   int
	window time.Duration // one measuring window of the rows that fire every second
	scales []int
	fxJobs int // row 9's
	// Row 10's: jobs per process, restarts, and the failover settings to run.
	rollJobs, rollRestarts int
	rollFailover           []bool
	only                   map[string]bool
	rows                   []row
	nsSerial               int
}

// row is one line of the table.
type row struct {
	id, measure, setup, value, reference, target, verdict string
}

func orchestrate(args []string) error {
	fs := flag.NewFlagSet("ejbench", flag.ContinueOnError)
	reps := fs.Int("reps", 3, "repeated runs (windows) behind each median")
	window := fs.Duration("window", 5*time.Second, "measuring window of the 1-second-cron rows")
	scale := fs.String("scale", "1000,10000", "job counts of row 5 (the last one is also row 6's)")
	only := fs.String("rows", "1,2,3,4,5,6,7,8,9,10", "rows to run (e.g. -rows 8: tracing alone)")
	fxJobs := fs.Int("fxjobs", 30000, "job count of row 9 (an fx service starting under fx's default timeouts)")
	rollJobs := fs.Int("rolljobs", 10000, "job count of row 10 (three fx services sharing these jobs, restarted in turn)")
	rollRestarts := fs.Int("rollrestarts", 3, "restarts of row 10 (one process after another)")
	rollFailover := fs.String("rollfailover", "off,on", "row 10's failover settings, one run each")
	outFile := fs.String("out", "BENCHMARKS.md", "file to write the table into ('' = print only)")
	heap := fs.String("zk-heap", "1g", "ZooKeeper server -Xmx")
	work := fs.String("work", "", "directory for the server and the logs (default: a temporary one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b := &bench{reps: *reps, window: *window, fxJobs: *fxJobs, rollJobs: *rollJobs, rollRestarts: *rollRestarts, only: map[string]bool{}}
	if b.rollJobs <= 0 || b.rollRestarts <= 0 {
		return fmt.Errorf("-rolljobs %d, -rollrestarts %d: both must be positive", b.rollJobs, b.rollRestarts)
	}
	for _, v := range strings.Split(*rollFailover, ",") {
		switch strings.TrimSpace(v) {
		case "off":
			b.rollFailover = append(b.rollFailover, false)
		case "on":
			b.rollFailover = append(b.rollFailover, true)
		default:
			return fmt.Errorf("-rollfailover %q: %q is neither off nor on", *rollFailover, v)
		}
	}
	for _, r := range strings.Split(*only, ",") {
		b.only[strings.TrimSpace(r)] = true
	}
	for _, v := range strings.Split(*scale, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return fmt.Errorf("-scale %q: %q is not a positive job count", *scale, v)
		}
		b.scales = append(b.scales, n)
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	b.work = *work
	if b.work == "" {
		if b.work, err = os.MkdirTemp("", "ejbench."); err != nil {
			return err
		}
		defer os.RemoveAll(b.work)
	}
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return err
	}
	if b.log, err = os.Create(filepath.Join(b.work, "children.log")); err != nil {
		return err
	}
	defer b.log.Close()
	started := time.Now()
	machine := describeMachine()
	if b.srv, err = startServer(root, filepath.Join(b.work, "zk"), *heap); err != nil {
		return err
	}
	defer func() {
		if err := b.srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "ejbench: stopping ZooKeeper: %v\n", err)
		}
	}()
	machine.zookeeper = b.srv.version() + ", -Xmx" + *heap + ", full JIT"
	steps := []struct {
		id  string
		run func() error
	}{
		{"1", b.requestsPerFire}, {"2", b.fireLatency}, {"3", b.failoverLatency},
		{"4", b.resharding}, {"7", b.javaSetup}, {"8", b.tracing}, {"5", b.scale}, // the 10,000 jobs
		{"9", b.fxStart},         // and the 30,000
		{"10", b.rollingRestart}, // three processes of 10,000, restarted in turn, last
	}
	for _, s := range steps {
		if !b.only[s.id] && !(s.id == "5" && b.only["6"]) {
			continue
		}
		t := time.Now()
		progress("row %s", s.id)
		if err := s.run(); err != nil {
			tail := b.logTail()
			return fmt.Errorf("row %s: %w\nlast lines of %s:\n%s", s.id, err, b.log.Name(), tail)
		}
		progress("row %s done in %v", s.id, time.Since(t).Round(time.Second))
	}
	machine.took = time.Since(started)
	table := b.table()
	fmt.Println(table)
	if *outFile == "" {
		return nil
	}
	return writeReport(*outFile, machine, "make bench ("+commandLine()+")", table)
}

// namespace returns a fresh registry namespace, so that runs never see each other's nodes.
func (b *bench) namespace(what string) string {
	b.nsSerial++
	return fmt.Sprintf("ejbench-%s-%d", what, b.nsSerial)
}

func (b *bench) add(r row) {
	b.rows = append(b.rows, r)
	progress("  %s %s (%s): %s", r.id, r.measure, r.setup, r.value)
}

// instance starts an instance process; args are its flags beyond -zk.
func (b *bench) instance(name string, timeout time.Duration, args ...string) (*child, error) {
	return spawn(name, "instance", b.log, timeout, append([]string{"-zk", b.srv.addr}, args...)...)
}

func (b *bench) logTail() string {
	data, err := os.ReadFile(b.log.Name())
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().UTC().Format("15:04:05")}, args...)...)
}

// repoRoot is the module root: scripts/zookeeper.sh lives there.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "scripts", "zookeeper.sh")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no scripts/zookeeper.sh in %s or its parents: run from the repository", dir)
		}
	}
}

func commandLine() string {
	args := append([]string{"ejbench"}, os.Args[1:]...)
	return strings.Join(args, " ")
}

// sleepUntilPhase sleeps until the wall clock is phase past a multiple of period, so that
// windows start between fires.
func sleepUntilPhase(period, phase time.Duration) {
	now := time.Now()
	next := now.Truncate(period).Add(phase)
	if !next.After(now) {
		next = next.Add(period)
	}
	time.Sleep(time.Until(next))
}
