package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// The helper process runs one instance of procJob. It prints "started <item> <fireTime ms>"
// when an item starts; its first item blocks until its context ends, then it prints
// "fenced <item>"; later items return at once.
func TestHelperProcessInstance(t *testing.T) {
	servers, ns := os.Getenv("ENGINE_HELPER_ZK"), os.Getenv("ENGINE_HELPER_NS")
	if servers == "" {
		t.Skip("helper process only")
	}
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: ns, SessionTimeout: 2 * time.Second, Logger: testLog})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	rt, err := NewRuntime(c, Options{IP: "10.0.0.2", Logger: testLog, SessionTimeout: 2 * time.Second})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	var first atomic.Bool
	first.Store(true)
	j, err := rt.Register(Spec{Config: procJobConfig(), ClassName: "com.example.TestJob",
		Runner: runnerFunc(func(ctx context.Context, sc jobapi.ShardingContext) error {
			fmt.Printf("started %d %d\n", sc.ShardingItem, sc.FireTime.UnixMilli())
			if first.CompareAndSwap(true, false) {
				<-ctx.Done()
				fmt.Printf("fenced %d\n", sc.ShardingItem)
			}
			return nil
		})})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	j.Schedule()
	fmt.Println("registered", rt.InstanceID())
	select {} // until killed
}

func procJobConfig() jobapi.JobConfiguration {
	cfg := jobapi.NewJobConfiguration("procJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true
	return cfg
}

// kill -9 of a separate OS process while its item runs: the item runs on the survivor within
// session timeout + 1 s (allowing for a loaded machine), with the interrupted fire's FireTime,
// and nothing stays stuck.
func TestKilledProcessItemsFailOver(t *testing.T) {
	const session = 2 * time.Second
	cl := newCluster(t, session)
	cmd, lines := startHelper(t, cl)
	helperID := InstanceID("10.0.0.2", cmd.Process.Pid)

	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	a.register(t, procJobConfig(), rec).Schedule()

	item, fire := waitStarted(t, lines, time.Time{})
	testkit.Eventually(t, 5*time.Second, func() bool {
		v, err := a.center.Get(fmt.Sprintf("/procJob/sharding/%d/running", item))
		return err == nil && v == helperID
	}, "helper's running node for item %d", item)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	waitTakeover(t, rec, item, fire)
	t.Logf("item %d of the killed process ran on the survivor %v after kill -9 (session timeout %v)", item, time.Since(killed), session)
	waitFullFireWith(t, rec, time.Now(), map[string][]int{a.id: {0, 1}})
	assertNothingStuck(t, a.center, "procJob", 2)
	assertWindowMadeUp(t, rec, item, fire)
}

// assertWindowMadeUp checks the make-up of a detection window on item: the fires after the
// interrupted one that nobody served until the crash was noticed (when the survivor took the
// interrupted fire over) are made up by one run with the latest of them as FireTime; after it
// every fire of the item runs, and none runs twice.
func assertWindowMadeUp(t *testing.T, rec *recorder, item int, interrupted time.Time) {
	t.Helper()
	var noticed time.Time
	for _, r := range rec.all() {
		if r.sc.ShardingItem == item && r.sc.FireTime.Equal(interrupted) {
			noticed = r.start
		}
	}
	seen := map[time.Time]int{}
	var fires []time.Time
	for _, r := range rec.all() {
		if r.sc.ShardingItem != item || !r.sc.FireTime.After(interrupted) {
			continue
		}
		ft := r.sc.FireTime.UTC()
		if seen[ft]++; seen[ft] == 2 {
			t.Errorf("item %d of fire %v ran twice", item, ft)
		}
		if seen[ft] == 1 {
			fires = append(fires, ft)
		}
	}
	slices.SortFunc(fires, time.Time.Compare)
	if len(fires) < 2 {
		t.Fatalf("item %d: fires after the interrupted %v: %v; want the make-up and later ones", item, interrupted.UTC(), fires)
	}
	m := fires[0]
	if m.Sub(interrupted) < 2*time.Second || !m.Before(noticed) {
		t.Errorf("item %d: first fire run after the interrupted %v is %v; want the make-up of a detection window of at least two fires, before %v",
			item, interrupted.UTC(), m, noticed.UTC())
	}
	for k := 1; k < len(fires); k++ {
		if fires[k].Sub(fires[k-1]) > time.Second {
			t.Errorf("item %d: fires between %v and %v neither ran nor were made up", item, fires[k-1], fires[k])
		}
	}
}

// A process paused (SIGSTOP) past its session timeout: its item fails over meanwhile; on
// resume the item's context is cancelled, the instance re-registers and runs its share again at
// a later fire, without a restart.
func TestPausedProcessIsFencedAndComesBack(t *testing.T) {
	const session = 2 * time.Second
	cl := newCluster(t, session)
	cmd, lines := startHelper(t, cl)
	helperID := InstanceID("10.0.0.2", cmd.Process.Pid)
	rec := &recorder{}
	a := cl.start("10.0.0.1", 100)
	a.register(t, procJobConfig(), rec).Schedule()

	item, fire := waitStarted(t, lines, time.Time{})
	must(t, cmd.Process.Signal(syscall.SIGSTOP))
	waitTakeover(t, rec, item, fire)
	must(t, cmd.Process.Signal(syscall.SIGCONT))
	resumed := time.Now()
	waitLine(t, lines, fmt.Sprintf("fenced %d", item))
	t.Logf("the paused process fenced its item %v after resuming", time.Since(resumed))
	testkit.Eventually(t, 10*time.Second, func() bool {
		ok, _ := a.center.Exists("/procJob/instances/" + helperID)
		return ok
	}, "the resumed process re-registered")
	// It runs its share again: an item of a fire after the resume.
	waitStarted(t, lines, resumed.Add(time.Second))
	assertNothingStuck(t, a.center, "procJob", 2)
}

// startHelper re-executes the test binary as one instance of procJob (ip 10.0.0.2).
func startHelper(t *testing.T, cl *cluster) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessInstance$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ENGINE_HELPER_ZK="+cl.servers, "ENGINE_HELPER_NS="+cl.ns, "ENGINE_TEST_LOG=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		_ = cmd.Wait()
	})
	return cmd, lines
}

// waitStarted waits for the helper to start an item of a fire after since.
func waitStarted(t *testing.T, lines <-chan string, since time.Time) (int, time.Time) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("helper process ended early")
			}
			f := strings.Fields(l)
			if len(f) > 0 && f[0] == "error" {
				t.Fatalf("helper: %s", l)
			}
			if len(f) == 3 && f[0] == "started" {
				item, _ := strconv.Atoi(f[1])
				ms, _ := strconv.ParseInt(f[2], 10, 64)
				if fire := time.UnixMilli(ms); fire.After(since) {
					return item, fire
				}
			}
		case <-deadline:
			t.Fatal("helper started no item")
		}
	}
}

func waitLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("helper process ended before printing %q", want)
			}
			if l == want {
				return
			}
		case <-deadline:
			t.Fatalf("helper never printed %q", want)
		}
	}
}

// waitTakeover waits for the survivor to run item for the interrupted fire.
func waitTakeover(t *testing.T, rec *recorder, item int, fire time.Time) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, func() bool {
		for _, r := range rec.all() {
			if r.sc.ShardingItem == item && r.sc.FireTime.Equal(fire) {
				return true
			}
		}
		return false
	}, "item %d of fire %v ran on the survivor", item, fire)
}
