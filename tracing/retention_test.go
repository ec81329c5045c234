package tracing

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Purge deletes the rows older than the cutoff, in batches, and keeps the others.
func TestContractPurge(t *testing.T) {
	eachBackend(t, func(t *testing.T, ds DataSource) {
		s := openStore(t, ds)
		ctx := context.Background()
		var evs []Event
		for i := range 450 { // 450 old runs of 3 items: 1,350 execution and 1,350 status rows
			evs = append(evs, run("old", starter.SourceNormal, i, []int{0, 1, 2}, nil)...)
		}
		recent := run("recent", starter.SourceNormal, 0, []int{0}, nil)
		for i := range recent {
			recent[i].Time = time.Now().Add(-time.Hour)
		}
		observe(t, s, Options{}, append(evs, recent...)...)
		execs, statuses, err := s.Purge(ctx, time.Now().AddDate(0, 0, -1))
		if err != nil {
			t.Fatal(err)
		}
		if execs != 1350 || statuses != 1350 {
			t.Fatalf("purged %d execution and %d status rows, want 1,350 and 1,350", execs, statuses)
		}
		e, _ := s.Executions(ctx, ExecutionQuery{})
		st, _ := s.StatusTraces(ctx, StatusQuery{})
		if e.Total != 1 || e.Rows[0].JobName != "recent" || st.Total != 3 {
			t.Fatalf("left %d execution rows %+v and %d status rows", e.Total, e.Rows, st.Total)
		}
	})
}

// With retentionDays, a service purges at start, but only while it holds the namespace's
// retention lock: another holder makes it wait.
func TestModuleRetentionTakesTheNamespaceLock(t *testing.T) {
	ds := backends[0].open(t)
	s := openStore(t, ds)
	ctx := context.Background()
	observe(t, s, Options{}, run("ancient", starter.SourceNormal, 0, []int{0}, nil)...)

	job := &countingJob{}
	yaml := fmt.Sprintf("    type: RDB\n    retentionDays: 7\n    dataSource: {url: %q}\n", ds.URL)
	app, logs, ns := service(t, job, yaml, Module)

	holder, err := starter.NewRegistryCenter(ctx, starter.RegistryCenterConfig{ServerLists: zktest.Servers(t), Namespace: ns}, starter.WithLogger(quietLog))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	unlock, err := holder.LockOutsideNamespace(ctx, RetentionLockPath+"/"+ns)
	if err != nil {
		t.Fatal(err)
	}
	root, err := reg.Connect(ctx, reg.Config{ServerLists: zktest.Servers(t)}) // no namespace: the lock is outside it
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	mustStart(t, app)
	defer mustStop(t, app)
	waiters := func() int { c, _ := root.Children(RetentionLockPath + "/" + ns); return len(c) }
	testkit.Eventually(t, 30*time.Second, func() bool { return waiters() == 2 }, "the service waits behind the holder (%d latch nodes)", testkit.Later[int](waiters))
	old := func() int64 { p, _ := s.Executions(ctx, ExecutionQuery{JobName: "ancient"}); return p.Total }
	if n := old(); n != 1 {
		t.Fatalf("the old row was purged while another instance held the lock (%d rows)", n)
	}
	unlock()
	testkit.Eventually(t, 30*time.Second, func() bool { return old() == 0 }, "the old row purged once the lock is free: %s", testkit.Later[string](logs.String))
	testkit.Eventually(t, 30*time.Second, func() bool {
		p, _ := s.Executions(ctx, ExecutionQuery{JobName: "traced"})
		return p.Total >= 2
	}, "the service's own rows are written and kept")
}
