package autoconfig

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/elasticjob-go/elasticjob/starter"
)

// OneOffJobs runs the application's one-off jobs (jobs without cron) on demand. Module
// provides it; Execute works between the application's start and stop.
type OneOffJobs struct {
	crons map[string]string // every job -> its cron, "" for a one-off job

	mu      sync.Mutex
	running map[string]*starter.OneOffJobBootstrap // registered, while the application runs
}

func newOneOffJobs(props *Properties) *OneOffJobs {
	o := &OneOffJobs{crons: map[string]string{}}
	for name, jp := range props.Jobs {
		o.crons[name] = jp.Cron
	}
	return o
}

// Names lists the one-off jobs, in name order.
func (o *OneOffJobs) Names() []string {
	var names []string
	for _, name := range slices.Sorted(maps.Keys(o.crons)) {
		if o.crons[name] == "" {
			names = append(names, name)
		}
	}
	return names
}

// Execute runs the one-off job once on every current instance of the cluster (each runs its
// own items), through trigger/ nodes as ElasticJob's OneOffJobBootstrap.execute does. An
// instance that is running the job when its trigger arrives drops it, as ElasticJob does.
func (o *OneOffJobs) Execute(name string) error {
	cron, ok := o.crons[name]
	switch {
	case !ok:
		names := o.Names()
		if len(names) == 0 {
			return fmt.Errorf("elasticjob: no one-off job %q: the application has no one-off jobs", name)
		}
		return fmt.Errorf("elasticjob: no one-off job %q: one-off jobs are %s", name, strings.Join(names, ", "))
	case cron != "":
		return fmt.Errorf("elasticjob: job %q is scheduled (cron %q), not a one-off job", name, cron)
	}
	o.mu.Lock()
	b := o.running[name]
	o.mu.Unlock()
	if b == nil {
		return fmt.Errorf("elasticjob: one-off job %q is not registered: the application has not started, is still registering its jobs (see /readyz) or has stopped", name)
	}
	if err := b.Execute(); err != nil {
		return fmt.Errorf("elasticjob: one-off job %q: %w", name, err)
	}
	return nil
}

// add makes a registered one-off job executable.
func (o *OneOffJobs) add(name string, b *starter.OneOffJobBootstrap) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.running == nil {
		o.running = map[string]*starter.OneOffJobBootstrap{}
	}
	o.running[name] = b
}

// clear forgets every registered one-off job, at stop.
func (o *OneOffJobs) clear() {
	o.mu.Lock()
	o.running = nil
	o.mu.Unlock()
}
