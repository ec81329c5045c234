package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// boundRecorder is a BoundListener that records its job and the deletions under guarantee/ it
// is told about.
type boundRecorder struct {
	bindErr error
	mu      sync.Mutex
	job     *Job
	deleted []string
}

func (b *boundRecorder) BeforeJobExecuted(context.Context, jobapi.ShardingContexts) error { return nil }
func (b *boundRecorder) AfterJobExecuted(context.Context, jobapi.ShardingContexts) error  { return nil }

func (b *boundRecorder) Bind(j *Job) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.job = j
	return b.bindErr
}

func (b *boundRecorder) JobEvent(ev reg.Event) {
	if ev.Type != reg.EventDeleted || !strings.HasPrefix(ev.Path, "/boundJob/guarantee/") {
		return // the election's latch comes and goes
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.deleted = append(b.deleted, ev.Path)
}

func (b *boundRecorder) deletions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.deleted)
}

// A BoundListener is bound to its job at registration (and can refuse it), then sees the
// changes of the job's subtree.
func TestBoundListenerIsBoundAndSeesJobEvents(t *testing.T) {
	cl := newEmbeddedCluster(t, 4*time.Second)
	in := cl.start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration("boundJob", 1)
	rec := &recorder{}
	b := &boundRecorder{}
	j, err := in.rt.Register(Spec{Config: cfg, ClassName: "com.example.TestJob", Runner: rec.runner(in.id), Listeners: []jobapi.Listener{b}})
	if err != nil {
		t.Fatal(err)
	}
	if b.job != j || j.Center() != in.center || j.InstanceID() != in.id {
		t.Fatalf("bound to %p (job %p), center %p, instance %q", b.job, j, j.Center(), j.InstanceID())
	}
	if err := in.center.Persist("/boundJob/guarantee/started/0", ""); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 5*time.Second, func() bool { return j.exists("/boundJob/guarantee/started/0") }, "the cache holds the node")
	if err := in.center.Remove("/boundJob/guarantee/started"); err != nil {
		t.Fatal(err)
	}
	want := []string{"/boundJob/guarantee/started/0", "/boundJob/guarantee/started"}
	testkit.Eventually(t, 5*time.Second, func() bool { return slices.Equal(b.deletions(), want) }, "deletions %v, want %v", b.deletions(), want)

	refusing := &boundRecorder{bindErr: errors.New("no thanks")}
	cfg2 := jobapi.NewJobConfiguration("refusedJob", 1)
	_, err = in.rt.Register(Spec{Config: cfg2, ClassName: "com.example.TestJob", Runner: rec.runner(in.id), Listeners: []jobapi.Listener{refusing}})
	wantErr := `engine: job "refusedJob": listener *engine.boundRecorder: no thanks`
	if err == nil || err.Error() != wantErr {
		t.Fatalf("error %v, want %s", err, wantErr)
	}
	if _, ok := in.rt.Job("refusedJob"); ok {
		t.Fatal("refused job registered")
	}
}
