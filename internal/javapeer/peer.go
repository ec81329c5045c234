// Package javapeer is, for the tests of mixed clusters, an instance of one job that behaves in
// ZooKeeper as an ElasticJob-Lite 3.0.4 instance does, written in Go: it records its Java class
// name in /{job} and checks it, adopts or writes the configuration, elects with Curator's latch
// protocol, shards lazily at the start of a fire when it leads, writes running nodes (and
// failover, failovering) but never the fire data of sharding/{item}, queues the running items
// of a crashed instance with empty data, claims queued items one at a time under the failover
// latch and runs them at once, and makes nothing up: Quartz's "do nothing" misfire policy drops
// fires that find the previous run still going.
//
// It is a test peer, not a port: no tracing, no listeners, no reconcile, no dump, one sharding
// pass per fire.
package javapeer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/quartz"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/robfig/cron/v3"
)

// Run is one item run of the peer: Fire is the Quartz fire time of a cron run, zero for a run
// that a failover claim or a trigger started (ElasticJob does not pass a fire time on).
type Run struct {
	Item     int
	Fire     time.Time
	Failover bool
}

// Options describe one peer instance.
type Options struct {
	Center *reg.Center // its own session: the peer's instance node is an ephemeral of it
	IP     string
	PID    int
	Class  string                  // the Java class name, as JobScheduler resolves it
	Config jobapi.JobConfiguration // the local configuration (ElasticJob's §2.5 decides if it wins)
	// RunItem runs one item; ctx ends when the peer crashes or shuts down.
	RunItem func(ctx context.Context, r Run)
	Logger  *slog.Logger
}

// Peer is one running peer instance.
type Peer struct {
	o    Options
	name string
	id   string
	c    *reg.Center
	log  *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	cache  *reg.Cache
	kick   chan struct{} // a run now: a failover claim or a trigger
	resked chan struct{} // the cron changed
	done   chan struct{}

	running  atomic.Bool // ElasticJob's JobRegistry.isJobRunning
	shutdown atomic.Bool
	crashed  atomic.Bool // Crash: nothing is cleaned up
	bg       sync.WaitGroup
}

// ConflictError is ElasticJob's JobConfigurationException for a class conflict, worded as Java
// words it.
func conflictError(job, registered, local string) error {
	return fmt.Errorf("JobConfigurationException: Job conflict with register center. The job '%s' in register center's class is '%s', your job class is '%s'", job, registered, local)
}

// Start registers the peer as JobScheduler's constructor does and schedules its cron.
func Start(o Options) (*Peer, error) {
	p := &Peer{
		o: o, name: o.Config.JobName, id: fmt.Sprintf("%s@-@%d", o.IP, o.PID), c: o.Center,
		kick: make(chan struct{}, 1), resked: make(chan struct{}, 1), done: make(chan struct{}),
	}
	p.log = o.Logger
	if p.log == nil {
		p.log = slog.Default()
	}
	p.log = p.log.With("javapeer", p.id, "job", p.name)
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if err := p.setUpConfig(); err != nil {
		p.cancel()
		return nil, err
	}
	cache, err := p.c.Watch(nodepath.Job(p.name), p.onEvent)
	if err != nil {
		p.cancel()
		return nil, err
	}
	p.cache = cache
	p.electLeader()
	state := "ENABLED"
	if o.Config.Disabled {
		state = "DISABLED"
	}
	if err := p.c.Persist(nodepath.Server(p.name, o.IP), state); err != nil {
		p.stop()
		return nil, err
	}
	instance := nodedata.MarshalInstance(nodedata.Instance{JobInstanceID: p.id, ServerIP: o.IP})
	if err := p.c.PersistEphemeral(nodepath.Instance(p.name, p.id), instance); err != nil {
		p.stop()
		return nil, err
	}
	go p.loop()
	return p, nil
}

// ID is the peer's instance id, ip@-@pid.
func (p *Peer) ID() string { return p.id }

// setUpConfig is ConfigurationService.setUpJobConfiguration: the class check, then the local
// configuration is written when there is none or overwrite is set.
func (p *Peer) setUpConfig() error {
	root := nodepath.Job(p.name)
	cls, err := p.c.Get(root)
	if err == nil && strings.TrimSpace(cls) != "" && cls != p.o.Class {
		return conflictError(p.name, cls, p.o.Class)
	}
	if err != nil && !errors.Is(err, reg.ErrNoNode) {
		return err
	}
	ok, err := p.c.Exists(nodepath.Config(p.name))
	if err != nil {
		return err
	}
	if !ok || p.o.Config.Overwrite {
		if err := p.c.Persist(nodepath.Config(p.name), nodedata.MarshalJobConfig(p.o.Config)); err != nil {
			return err
		}
		return p.c.Persist(root, p.o.Class)
	}
	return nil
}

// config is the configuration in ZooKeeper, read directly (as ElasticJob's load(true)).
func (p *Peer) config() (jobapi.JobConfiguration, bool) {
	data, err := p.c.Get(nodepath.Config(p.name))
	if err != nil {
		return jobapi.JobConfiguration{}, false
	}
	cfg, err := nodedata.UnmarshalJobConfig(data)
	if err != nil {
		return jobapi.JobConfiguration{}, false
	}
	cfg.JobName = p.name
	return cfg, true
}

// Shutdown is a graceful stop: firing stops, the run in progress ends, the instance node and
// the leader node (if held) go.
func (p *Peer) Shutdown() {
	if p.shutdown.Swap(true) {
		return
	}
	p.cancel()
	<-p.done
	p.bg.Wait()
	if v, err := p.c.Get(nodepath.LeaderElectionInstance(p.name)); err == nil && v == p.id {
		_ = p.c.Remove(nodepath.LeaderElectionInstance(p.name))
	}
	_ = p.c.Remove(nodepath.Instance(p.name, p.id))
	p.cache.Close()
}

// Crash is the process dying: its runs are abandoned where they are (running nodes stay) and the
// session closes, which deletes its ephemeral nodes at once.
func (p *Peer) Crash() {
	if p.shutdown.Swap(true) {
		return
	}
	p.crashed.Store(true)
	p.cancel()
	p.cache.Close()
	_ = p.c.Close()
	<-p.done
	p.bg.Wait()
}

func (p *Peer) stop() {
	p.shutdown.Store(true)
	p.cancel()
	if p.cache != nil {
		p.cache.Close()
	}
}

// async runs f on its own goroutine, as Curator's listener threads hand work off.
func (p *Peer) async(f func()) {
	if p.shutdown.Load() {
		return
	}
	p.bg.Add(1)
	go func() {
		defer p.bg.Done()
		f()
	}()
}

// loop is the job's Quartz scheduler: one worker, cron fires with the "do nothing" misfire
// policy (a fire due while a run is in progress is dropped), and runs asked for now.
func (p *Peer) loop() {
	defer close(p.done)
	var sched cron.Schedule
	reschedule := func() {
		sched = nil
		if cfg, ok := p.config(); ok && cfg.Cron != "" {
			if s, err := quartz.Parse(cfg.Cron, cfg.TimeZone); err == nil {
				sched = s
			}
		}
	}
	reschedule()
	for {
		var timer <-chan time.Time
		var next time.Time
		var t *time.Timer
		if sched != nil {
			next = sched.Next(time.Now())
			t = time.NewTimer(time.Until(next))
			timer = t.C
		}
		select {
		case <-p.ctx.Done():
		case <-p.resked:
			reschedule()
		case <-timer:
			p.execute(next)
		case <-p.kick:
			p.execute(time.Time{})
		}
		if t != nil {
			t.Stop()
		}
		if p.ctx.Err() != nil {
			return
		}
	}
}

// now asks the scheduler for a run at once (JobScheduleController.triggerJob).
func (p *Peer) now() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *Peer) exists(path string) bool {
	ok, err := p.c.Exists(path)
	return err == nil && ok
}

func (p *Peer) sleep(d time.Duration) bool {
	select {
	case <-p.ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
