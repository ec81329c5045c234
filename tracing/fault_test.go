package tracing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/dbtest"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// firingJob records when each item started against the fire it serves.
type firingJob struct {
	mu     sync.Mutex
	fires  []time.Time // distinct fire times, in order
	late   []string    // items that started more than lateBound after their fire
	items  int
	failed bool
}

// lateBound is how late an item may start after its scheduled fire: generous for a loaded
// machine, far below the writer's timeouts that a fire waiting on the database would show.
const lateBound = 3 * time.Second

func (j *firingJob) Execute(_ context.Context, sc starter.ShardingContext) error {
	now := time.Now()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.items++
	if len(j.fires) == 0 || !j.fires[len(j.fires)-1].Equal(sc.FireTime) {
		j.fires = append(j.fires, sc.FireTime)
	}
	if d := now.Sub(sc.FireTime); d > lateBound {
		j.late = append(j.late, fmt.Sprintf("item %d of %s started %s late", sc.ShardingItem, sc.FireTime.Format(time.TimeOnly), d))
	}
	return nil
}

func (j *firingJob) snapshot() (fires []time.Time, items int, late []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]time.Time(nil), j.fires...), j.items, append([]string(nil), j.late...)
}

// The database stops while a job fires every second, on each server a test can stop (SQLite
// is a file of the process): the fires stay on time, the process stays up, the events wait in
// the queue, and once the database is back every run is written.
func TestFaultDatabaseDownWhileJobsFire(t *testing.T) {
	for _, kind := range []dbtest.Kind{dbtest.Postgres, dbtest.MariaDB} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel() // each has a server of its own; the waits are the outage's, not CPU
			faultDatabaseDown(t, dbtest.Own(t, kind))
		})
	}
}

func faultDatabaseDown(t *testing.T, server *dbtest.Server) {
	began := time.Now()
	ctx := context.Background()
	store, err := Open(ctx, DataSource{URL: server.URL, Username: server.Username, Password: server.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var logs testkit.Buffer
	obs, err := NewObserver(store, Options{Logger: textLog(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := starter.NewRegistryCenter(ctx, starter.RegistryCenterConfig{
		ServerLists: zktest.Servers(t), Namespace: fmt.Sprintf("tracing-fault-%s-%d", server.Kind, time.Now().UnixNano()),
	}, starter.WithObserver(obs), starter.WithLogger(quietLog))
	if err != nil {
		t.Fatal(err)
	}
	job := &firingJob{}
	cfg := starter.NewJobConfiguration("everySecond", 2)
	cfg.Cron = "* * * * * ?"
	b, err := starter.NewScheduleJobBootstrap(rc, job, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.Schedule()
	defer func() {
		stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		_ = b.Shutdown(stopCtx)
		_ = rc.Close(stopCtx)
		_ = obs.Close(stopCtx)
	}()

	// rows counts the item runs written and the status rows of each state.
	rows := func(from time.Time) (executions int64, states map[string]int64) {
		p, err := store.Executions(ctx, ExecutionQuery{JobName: "everySecond", Outcome: Succeeded, StartTimeFrom: from})
		if err != nil {
			return -1, nil
		}
		states = map[string]int64{}
		for _, state := range []string{stateStaging, stateRunning, stateFinished} {
			p, err := store.StatusTraces(ctx, StatusQuery{JobName: "everySecond", State: state, CreationTimeFrom: from})
			if err != nil {
				return -1, nil
			}
			states[state] = p.Total
		}
		return p.Total, states
	}
	executions := func() int64 { n, _ := rows(time.Time{}); return n }
	testkit.Eventually(t, 30*time.Second, func() bool { return executions() >= 4 }, "two fires written before the fault")

	beforeStop := executions()
	server.Stop(t)
	stopped := time.Now()
	firesBefore, _, _ := job.snapshot()
	testkit.Eventually(t, 30*time.Second, func() bool { f, _, _ := job.snapshot(); return len(f) >= len(firesBefore)+5 },
		"five fires while the database is down")
	testkit.Eventually(t, 30*time.Second, func() bool { return strings.Contains(logs.String(), "cannot write events") },
		"the writer says it cannot write: %s", testkit.Later[string](logs.String))
	server.Start(t)
	restarted := time.Now()
	down := restarted.Sub(stopped)
	testkit.Eventually(t, 30*time.Second, func() bool { f, _, _ := job.snapshot(); return f[len(f)-1].After(restarted.Add(2 * time.Second)) },
		"fires after the restart")
	stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := b.Shutdown(stopCtx); err != nil { // the runs to check are now fixed
		t.Fatal(err)
	}

	// Every run made before, during and after the outage is written, once: an execution row per
	// item, a running row per run (2 items each), a finished row per staging row (a fire that a
	// loaded machine made misfire has a staging and a finished row of its own).
	fires, items, late := job.snapshot()
	written := func() bool {
		n, states := rows(time.Time{})
		return n == int64(items) && states[stateRunning] == int64(items/2) && states[stateStaging] == states[stateFinished] &&
			states[stateStaging] >= int64(items/2)
	}
	testkit.Eventually(t, 90*time.Second, written,
		"all item runs written after the restart (want %d execution rows, %d running rows, as many finished rows as staging; have %v); log:\n%s",
		items, items/2, testkit.Later[string](func() string { n, states := rows(time.Time{}); return fmt.Sprint(n, " execution rows and ", states) }),
		testkit.Later[string](logs.String))
	if len(late) > 0 {
		t.Fatalf("fires were late while the database was down: %v", late)
	}
	for i := 1; i < len(fires); i++ {
		if gap := fires[i].Sub(fires[i-1]); gap != time.Second {
			t.Fatalf("fire %s follows %s: a fire was missed", fires[i].Format(time.TimeOnly), fires[i-1].Format(time.TimeOnly))
		}
	}
	// The runs after the restart are there by their own times (the tables keep whole seconds).
	after := slices.IndexFunc(fires, func(f time.Time) bool { return !f.Before(restarted) })
	if after < 0 {
		t.Fatalf("no fire after the restart at %s: %v", restarted.Format(time.TimeOnly), fires)
	}
	nAfter, statesAfter := rows(fires[after].Add(-time.Millisecond))
	firesAfter := int64(len(fires) - after)
	if nAfter < 2*firesAfter || statesAfter[stateFinished] < firesAfter {
		t.Fatalf("%d fires from %s on (after the restart): %d execution rows and %v from then, want at least %d and %d finished",
			firesAfter, fires[after].Format(time.TimeOnly), nAfter, statesAfter, 2*firesAfter, firesAfter)
	}
	if obs.Dropped() != 0 {
		t.Fatalf("%d events dropped in a short outage", obs.Dropped())
	}
	if !strings.Contains(logs.String(), "the database is back") {
		t.Fatalf("no line says writing resumed:\n%s", logs.String())
	}
	t.Logf("%s: %d fires, %d item runs, all written: %d execution rows before the stop, %d from the %d fires after the restart "+
		"(down %v, the test took %v)", server.Kind, len(fires), items, beforeStop, nAfter, firesAfter, down.Round(100*time.Millisecond), time.Since(began).Round(100*time.Millisecond))
}
