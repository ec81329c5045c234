package engine

import (
	"fmt"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// BoundListener is a Listener that coordinates through the job's own registry nodes, as the
// distribute-once listener does with guarantee/. Register binds it to the job before the job's
// cache loads, then hands it every change of the job's cached subtree; BeforeJobExecuted and
// AfterJobExecuted are called as for any listener.
type BoundListener interface {
	jobapi.Listener
	// Bind is called once, when the job registers; an error fails the registration.
	Bind(j *Job) error
	// JobEvent receives each change of the job's cached subtree, serially, on the registry's
	// dispatcher: it must not block.
	JobEvent(ev reg.Event)
}

// bind binds the spec's BoundListeners to j.
func (j *Job) bind() error {
	for _, l := range j.spec.Listeners {
		b, ok := l.(BoundListener)
		if !ok {
			continue
		}
		if err := b.Bind(j); err != nil {
			return fmt.Errorf("engine: job %q: listener %T: %w", j.name, l, err)
		}
		j.bound = append(j.bound, b)
	}
	return nil
}

// Center is the registry center the job runs on.
func (j *Job) Center() *reg.Center { return j.rt.center }

// InstanceID is this instance's id.
func (j *Job) InstanceID() string { return j.rt.id }
