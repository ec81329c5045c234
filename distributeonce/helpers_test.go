package distributeonce_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/starter"
)

var quiet = starter.WithLogger(slog.New(slog.DiscardHandler))

// call is one callback of a wrapped listener, or one item run.
type call struct {
	what     string // "before", "after" or "item"
	instance string
	fireTime time.Time
	item     int
}

// journal records the callbacks of the wrapped listeners, the item runs and the errors of
// every instance.
type journal struct {
	mu     sync.Mutex
	calls  []call
	errors map[string][]string // instance -> error texts
}

func newJournal() *journal { return &journal{errors: map[string][]string{}} }

func (r *journal) add(c call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

// count is how many calls of a kind were made for a fire, on any instance.
func (r *journal) count(what string, fire time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.what == what && c.fireTime.Equal(fire) {
			n++
		}
	}
	return n
}

// fires lists the fire times at which items ran, in order.
func (r *journal) fires() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Time
	for _, c := range r.calls {
		if c.what == "item" && !slices.ContainsFunc(out, c.fireTime.Equal) {
			out = append(out, c.fireTime)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// instancesOf lists the instances that ran items of a fire, sorted.
func (r *journal) instancesOf(fire time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if c.what == "item" && c.fireTime.Equal(fire) && !slices.Contains(out, c.instance) {
			out = append(out, c.instance)
		}
	}
	slices.Sort(out)
	return out
}

// items lists instance:item for the item runs of a fire, sorted.
func (r *journal) items(fire time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if c.what == "item" && c.fireTime.Equal(fire) {
			out = append(out, fmt.Sprintf("%s:%d", c.instance, c.item))
		}
	}
	slices.Sort(out)
	return out
}

func (r *journal) errorsOf(instance string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errors[instance])
}

func (r *journal) handler(instance string) starter.BootstrapOption {
	return starter.WithErrorHandler(func(_ string, err error) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.errors[instance] = append(r.errors[instance], err.Error())
		return nil
	})
}

// wrapped is the user's listener: it records which instance called it for which fire.
type wrapped struct {
	r        *journal
	instance string
}

func (w wrapped) BeforeJobExecuted(_ context.Context, scs starter.ShardingContexts) error {
	w.r.add(call{what: "before", instance: w.instance, fireTime: scs.FireTime})
	return nil
}

func (w wrapped) AfterJobExecuted(_ context.Context, scs starter.ShardingContexts) error {
	w.r.add(call{what: "after", instance: w.instance, fireTime: scs.FireTime})
	return nil
}

// connect opens a registry center with its own session and instance id.
func connect(t *testing.T, servers, ns, id string, session time.Duration) *starter.RegistryCenter {
	t.Helper()
	rc, err := starter.NewRegistryCenter(context.Background(),
		starter.RegistryCenterConfig{ServerLists: servers, Namespace: ns, SessionTimeout: session},
		starter.WithInstanceID(id), quiet)
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func closeAll(rcs ...*starter.RegistryCenter) {
	for _, rc := range rcs {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = rc.Close(ctx)
		cancel()
	}
}

// checker is a plain session for reading and writing nodes in a test.
func checker(t *testing.T, servers, ns string) *reg.Center {
	t.Helper()
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: ns, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
