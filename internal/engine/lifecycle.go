package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// Schedule starts cron firing (a job without cron is only fired by triggers).
func (j *Job) Schedule() {
	j.mu.Lock()
	j.scheduled = true
	j.mu.Unlock()
	j.reschedule()
	j.rt.sched.Start()
}

// reschedule replaces the cron entry with the current schedule.
func (j *Job) reschedule() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.hasEntry {
		j.rt.sched.Remove(j.entry)
		j.hasEntry = false
	}
	if !j.scheduled || j.shutdown || j.sched == nil {
		return
	}
	j.entry = j.rt.sched.Add(j.sched, func(ft time.Time) { j.fire(kindCron, ft) })
	j.hasEntry = true
}

// TriggerAll asks every current instance to run the job once, as OneOffJobBootstrap.execute and
// the console's trigger do: trigger/ is recreated with one child per instance.
func (j *Job) TriggerAll() error {
	_, err := WriteTriggers(j.rt.center, j.name, "")
	return err
}

// WriteTriggers is ElasticJob's trigger, for this instance's jobs and the operations API alike:
// trigger/ is recreated with one node per instance online, holding data (empty, or a one-off
// parameter: nodedata.MarshalTrigger). It returns how many instances were asked.
func WriteTriggers(c *reg.Center, job, data string) (int, error) {
	ids, err := c.Children(nodepath.Instances(job))
	if err != nil {
		return 0, err
	}
	if err := c.Remove(nodepath.Triggers(job)); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := c.Persist(nodepath.Trigger(job, id), data); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Shutdown stops the job on this instance: no more fires, the run in progress is awaited (its
// items are cancelled when ctx ends first), the leader node is released if held and the
// instance node removed.
func (j *Job) Shutdown(ctx context.Context) error {
	if !j.stop() {
		return nil
	}
	err := j.awaitIdle(ctx)
	j.removeOwnNodes()
	j.cache.Close()
	j.rt.dropJob(j)
	j.setLeading(false)
	j.observe(&Event{Kind: EventUnregistered})
	return err
}

// removeOwnNodes releases the leader node if held and removes the instance node created in
// this session.
func (j *Job) removeOwnNodes() {
	j.removeIfOurs(nodepath.LeaderElectionInstance(j.name))
	if j.registeredNow() {
		j.removeLogged(nodepath.Instance(j.name, j.rt.id))
	}
}

// stop marks the job shut down and removes its cron entry; false when it already was.
func (j *Job) stop() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.shutdown {
		return false
	}
	j.shutdown = true
	if j.hasEntry {
		j.rt.sched.Remove(j.entry)
		j.hasEntry = false
	}
	return true
}

// awaitIdle waits for the run in progress; when ctx ends first the run's items are cancelled.
func (j *Job) awaitIdle(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		j.mu.Lock()
		busy := j.running
		j.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			j.fenceAll("shutdown", false)
			return fmt.Errorf("engine: job %q still running at shutdown: %w", j.name, ctx.Err())
		}
	}
}

// shutdownByOperator handles the deletion of our instance node by someone else: ElasticJob's
// remote shutdown. A deletion caused by the session (lost, replaced) is not one.
func (j *Job) shutdownByOperator() {
	if !j.registeredNow() || j.rt.paused.Load() {
		return
	}
	if ok, err := j.rt.center.Exists(nodepath.Instance(j.name, j.rt.id)); err != nil || ok {
		return
	}
	j.log.Info("instance node deleted by an operator: shutting the job down on this instance")
	ctx, cancel := context.WithTimeout(j.rt.ctx, time.Minute)
	defer cancel()
	if err := j.Shutdown(ctx); err != nil {
		j.log.Warn("shutdown", "error", err)
	}
}
