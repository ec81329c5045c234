package tracing

import (
	"context"
	"fmt"
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

// The database stops while a job fires every second: the fires stay on time, the process stays
// up, the events wait in the queue, and once the database is back every run is written.
func TestFaultDatabaseDownWhileJobsFire(t *testing.T) {
	server := dbtest.Own(t, dbtest.Postgres)
	ctx := context.Background()
	store, err := Open(ctx, DataSource{URL: server.URL})
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
		ServerLists: zktest.Servers(t), Namespace: fmt.Sprintf("tracing-fault-%d", time.Now().UnixNano()),
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

	rows := func() int64 {
		p, err := store.Executions(ctx, ExecutionQuery{JobName: "everySecond", Outcome: Succeeded})
		if err != nil {
			return -1
		}
		return p.Total
	}
	testkit.Eventually(t, 30*time.Second, func() bool { return rows() >= 4 }, "two fires written before the fault")

	server.Stop(t)
	firesBefore, _, _ := job.snapshot()
	testkit.Eventually(t, 30*time.Second, func() bool { f, _, _ := job.snapshot(); return len(f) >= len(firesBefore)+5 },
		"five fires while the database is down")
	testkit.Eventually(t, 30*time.Second, func() bool { return strings.Contains(logs.String(), "cannot write events") },
		"the writer says it cannot write: %s", testkit.Later[string](logs.String))
	server.Start(t)
	restarted := time.Now()
	testkit.Eventually(t, 30*time.Second, func() bool { f, _, _ := job.snapshot(); return f[len(f)-1].After(restarted.Add(2 * time.Second)) },
		"fires after the restart")
	stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := b.Shutdown(stopCtx); err != nil { // the runs to check are now fixed
		t.Fatal(err)
	}

	// Every run made before, during and after the outage is written, once.
	testkit.Eventually(t, 90*time.Second, func() bool { _, items, _ := job.snapshot(); return rows() == int64(items) },
		"all item runs written after the restart (%d rows of %d); log:\n%s", testkit.Later[int64](rows),
		testkit.Later[int](func() int { _, items, _ := job.snapshot(); return items }), testkit.Later[string](logs.String))
	fires, items, late := job.snapshot()
	if len(late) > 0 {
		t.Fatalf("fires were late while the database was down: %v", late)
	}
	for i := 1; i < len(fires); i++ {
		if gap := fires[i].Sub(fires[i-1]); gap != time.Second {
			t.Fatalf("fire %s follows %s: a fire was missed", fires[i].Format(time.TimeOnly), fires[i-1].Format(time.TimeOnly))
		}
	}
	if obs.Dropped() != 0 {
		t.Fatalf("%d events dropped in a short outage", obs.Dropped())
	}
	if !strings.Contains(logs.String(), "the database is back") {
		t.Fatalf("no line says writing resumed:\n%s", logs.String())
	}
	t.Logf("%d fires, %d item runs, all written; the outage's events waited in the queue", len(fires), items)
}
