package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// recordingObserver keeps every event, for tests.
type recordingObserver struct {
	mu     sync.Mutex
	events []Event
}

func (o *recordingObserver) Observe(e Event) {
	o.mu.Lock()
	o.events = append(o.events, e)
	o.mu.Unlock()
}

// lines describes the events of one job as "KIND source items/item", in order.
func (o *recordingObserver) lines(job string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, e := range o.events {
		if e.Job != job {
			continue
		}
		switch e.Kind {
		case EventRunStaged, EventRunStarted:
			out = append(out, fmt.Sprintf("%s %s %v", kindName(e.Kind), e.Source, e.Items))
		case EventRunFinished:
			var failed []string
			for _, i := range slices.Sorted(mapsKeys(e.ItemErrors)) {
				failed = append(failed, fmt.Sprintf("%d=%v", i, e.ItemErrors[i]))
			}
			out = append(out, fmt.Sprintf("%s %s %v failed=%s", kindName(e.Kind), e.Source, e.Items, strings.Join(failed, ",")))
		case EventItemFinished:
			out = append(out, fmt.Sprintf("%s %d err=%v", kindName(e.Kind), e.Item, e.Err))
		case EventItemStarted:
			out = append(out, fmt.Sprintf("%s %d", kindName(e.Kind), e.Item))
		case EventLeadership:
			out = append(out, fmt.Sprintf("%s %v", kindName(e.Kind), e.Leader))
		default:
			out = append(out, kindName(e.Kind))
		}
	}
	return out
}

func mapsKeys(m map[int]error) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func kindName(k EventKind) string {
	return map[EventKind]string{
		EventRunStaged: "STAGED", EventRunEmpty: "EMPTY", EventMisfired: "MISFIRED", EventRunStarted: "STARTED",
		EventItemStarted: "ITEM_STARTED", EventItemFinished: "ITEM_FINISHED", EventRunFinished: "FINISHED",
		EventFailoverTaken: "FAILOVER_TAKEN", EventResharded: "RESHARDED", EventLeadership: "LEADER",
		EventRegistered: "REGISTERED", EventUnregistered: "UNREGISTERED", EventSession: "SESSION",
	}[k]
}

// A triggered run of two items, one failing, is reported in order: registration and
// leadership, the resharding, staging, the run's start, each item (with its error), the run's
// end with the failed item, and the shutdown. On ZooKeeper and on the embedded registry.
func TestObserverSeesARunInOrder(t *testing.T) {
	for _, backend := range []string{"embedded", "zookeeper"} {
		t.Run(backend, func(t *testing.T) {
			cl := newEmbeddedCluster(t, 2*time.Second)
			if backend == "zookeeper" {
				cl = newCluster(t, 2*time.Second)
			}
			obs := &recordingObserver{}
			c := cl.connect()
			rt, err := NewRuntime(c, Options{InstanceID: InstanceID("10.0.0.1", 1), Logger: testLog, Observer: obs})
			must(t, err)
			cfg := jobapi.NewJobConfiguration("observed", 2)
			cfg.Cron = never
			cfg.JobExecutorServiceHandlerType = "SINGLE_THREAD" // items in order
			boom := errors.New("boom")
			j, err := rt.Register(Spec{Config: cfg, ClassName: "x.Observed", Runner: runnerFunc(func(_ context.Context, sc jobapi.ShardingContext) error {
				if sc.ShardingItem == 1 {
					return boom
				}
				return nil
			}), ErrorHandler: func(string, error) error { return nil }})
			must(t, err)
			j.Schedule()
			must(t, j.TriggerAll())
			testkit.Eventually(t, 5*time.Second, func() bool {
				return slices.ContainsFunc(obs.lines("observed"), func(l string) bool { return strings.HasPrefix(l, "FINISHED") })
			}, "the run finished")
			must(t, rt.Close(context.Background()))
			_ = c.Close()
			want := []string{
				"LEADER true",
				"REGISTERED",
				"RESHARDED",
				"STAGED NORMAL_TRIGGER [0 1]",
				"STARTED NORMAL_TRIGGER [0 1]",
				"ITEM_STARTED 0", "ITEM_FINISHED 0 err=<nil>",
				"ITEM_STARTED 1", "ITEM_FINISHED 1 err=boom",
				"FINISHED NORMAL_TRIGGER [0 1] failed=1=boom",
				"LEADER false",
				"UNREGISTERED",
			}
			if got := obs.lines("observed"); !slices.Equal(got, want) {
				t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, e := range obs.events {
				if e.Kind == EventItemStarted && (e.TaskID != "observed@-@0,1@-@READY@-@10.0.0.1@-@1" || e.Time.IsZero()) {
					t.Errorf("item event without the run's task id or time: %+v", e)
				}
			}
		})
	}
}

// Observers fans out, skips nil and flattens.
func TestObserversFanOut(t *testing.T) {
	a, b := &recordingObserver{}, &recordingObserver{}
	if Observers(nil, nil) != nil {
		t.Fatal("no observer should give nil")
	}
	o := Observers(Observers(a, nil), b)
	o.Observe(Event{Kind: EventRunEmpty, Job: "x"})
	if len(a.events) != 1 || len(b.events) != 1 {
		t.Fatalf("a=%d b=%d events", len(a.events), len(b.events))
	}
}

// perJobObserver is a JobObserver that records each job's events apart.
type perJobObserver struct {
	recordingObserver // what reaches Observe: session events only
	mu                sync.Mutex
	jobs              map[string]*recordingObserver
	asked             []string
}

func (o *perJobObserver) ForJob(job string) Observer {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.asked = append(o.asked, job)
	if o.jobs[job] == nil {
		o.jobs[job] = &recordingObserver{}
	}
	return o.jobs[job]
}

// A JobObserver is asked once per job for that job's observer, which gets the job's events and
// no other's; a plain observer beside it still gets every event.
func TestJobObserverGetsEachJobsEventsApart(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	per, all := &perJobObserver{jobs: map[string]*recordingObserver{}}, &recordingObserver{}
	c := cl.connect()
	rt, err := NewRuntime(c, Options{InstanceID: InstanceID("10.0.0.1", 1), Logger: testLog, Observer: Observers(per, all)})
	must(t, err)
	for _, name := range []string{"a", "b"} {
		cfg := jobapi.NewJobConfiguration(name, 1)
		cfg.Cron = never
		j, err := rt.Register(Spec{Config: cfg, ClassName: "x.Job", Runner: runnerFunc(func(context.Context, jobapi.ShardingContext) error { return nil })})
		must(t, err)
		j.Schedule()
		must(t, j.TriggerAll())
	}
	for _, name := range []string{"a", "b"} {
		testkit.Eventually(t, 5*time.Second, func() bool {
			return slices.ContainsFunc(all.lines(name), func(l string) bool { return strings.HasPrefix(l, "FINISHED") })
		}, "job %s's run finished", name)
	}
	must(t, rt.Close(context.Background()))
	_ = c.Close()
	if !slices.Equal(per.asked, []string{"a", "b"}) {
		t.Fatalf("ForJob asked for %v, want [a b]", per.asked)
	}
	for _, name := range []string{"a", "b"} {
		own := per.jobs[name]
		if got, want := own.lines(name), all.lines(name); !slices.Equal(got, want) || len(own.events) != len(got) {
			t.Errorf("job %s's observer saw %d events:\n%s\nwant only the job's:\n%s", name, len(own.events), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	for _, e := range per.events {
		if e.Kind != EventSession {
			t.Errorf("a job's event reached the root: %+v", e)
		}
	}
}

// kindsObserver records only the kinds it asks for.
type kindsObserver struct {
	recordingObserver
	kinds EventKinds
}

func (o *kindsObserver) Kinds() EventKinds { return o.kinds }

// An observer that takes some kinds gets those and no other (the engine does not build them);
// beside a plain observer, which takes every kind, it sees the others too (the fan-out).
func TestKindsObserverGetsOnlyItsKinds(t *testing.T) {
	cl := newEmbeddedCluster(t, 2*time.Second)
	only := &kindsObserver{kinds: Kinds(EventItemFinished, EventLeadership)}
	c := cl.connect()
	rt, err := NewRuntime(c, Options{InstanceID: InstanceID("10.0.0.1", 1), Logger: testLog, Observer: only})
	must(t, err)
	cfg := jobapi.NewJobConfiguration("some", 2)
	cfg.Cron = never
	j, err := rt.Register(Spec{Config: cfg, ClassName: "x.Some", Runner: runnerFunc(func(context.Context, jobapi.ShardingContext) error { return nil })})
	must(t, err)
	j.Schedule()
	must(t, j.TriggerAll())
	testkit.Eventually(t, 5*time.Second, func() bool {
		return len(slices.DeleteFunc(only.lines("some"), func(l string) bool { return !strings.HasPrefix(l, "ITEM_FINISHED") })) == 2
	}, "both items finished: %v", testkit.Later[[]string](func() []string { return only.lines("some") }))
	must(t, rt.Close(context.Background()))
	_ = c.Close()
	want := []string{"LEADER true", "ITEM_FINISHED 0 err=<nil>", "ITEM_FINISHED 1 err=<nil>", "LEADER false"}
	got := only.lines("some")
	slices.Sort(got[1:3]) // the two items run at once
	if !slices.Equal(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if AllKinds != Kinds(EventRunStaged, EventRunEmpty, EventMisfired, EventRunStarted, EventItemStarted, EventItemFinished,
		EventRunFinished, EventFailoverTaken, EventResharded, EventLeadership, EventRegistered, EventUnregistered, EventSession) {
		t.Fatalf("AllKinds %b is not every kind", AllKinds)
	}
}
