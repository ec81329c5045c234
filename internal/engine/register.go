package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/robfig/cron/v3"
)

// Register sets the job up in the registry as ElasticJob's JobScheduler constructor does:
// conflict check, configuration, cache, election, server and instance nodes, recovery of
// stale running items, offline-server clean-up. Cron firing starts with Schedule.
func (r *Runtime) Register(spec Spec) (*Job, error) {
	cfg := spec.Config
	if cfg.JobName == "" {
		return nil, errors.New("engine: job name is empty")
	}
	if strings.Contains(cfg.JobName, "/") || strings.Contains(cfg.JobName, "@-@") {
		return nil, fmt.Errorf("engine: job name %q must not contain '/' or '@-@'", cfg.JobName)
	}
	if cfg.ShardingTotalCount <= 0 {
		return nil, fmt.Errorf("engine: job %q: shardingTotalCount must be positive, got %d", cfg.JobName, cfg.ShardingTotalCount)
	}
	if spec.Runner == nil && spec.NewRunner == nil {
		return nil, fmt.Errorf("engine: job %q has no runner", cfg.JobName)
	}
	j := &Job{
		rt: r, name: cfg.JobName, spec: spec,
		log:        r.log.With("job", cfg.JobName),
		obs:        forJob(r.obs, cfg.JobName),
		active:     make(map[int]*activeItem),
		queuedFire: make(map[int]queuedRun),
		prevOwner:  make(map[int]string),
		recorders:  make(map[string]bool),
		warned:     make(map[string]string),
		ready:      make(chan struct{}),
	}
	j.kinds = kindsOf(j.obs)
	j.ctx, j.cancel = context.WithCancel(r.ctx)
	if j.spec.Runner == nil {
		j.spec.Runner = spec.NewRunner(j)
	}
	if err := j.bind(); err != nil {
		return nil, err
	}
	if err := r.addJob(j); err != nil {
		return nil, err
	}
	err := j.register()
	j.markReady()
	if err != nil {
		j.stop()
		if j.cache != nil {
			ctx, cancel := context.WithTimeout(context.Background(), r.center.SessionTimeout())
			if rerr := j.removeOwnNodes(ctx, nil); rerr != nil {
				j.log.Warn("removing the nodes of a failed registration", "error", rerr)
			}
			cancel()
			j.cache.Close()
		}
		r.dropJob(j)
		return nil, err
	}
	j.observe(&Event{Kind: EventRegistered})
	return j, nil
}

func (j *Job) markReady() { j.readyOnce.Do(func() { close(j.ready) }) }

func (j *Job) register() error {
	c := j.rt.center
	eff, err := j.setUpConfig()
	if err != nil {
		return err
	}
	sched, err := j.parseSchedule(&eff)
	if err != nil {
		return fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	if err := j.reshardFitsAtRegistration(eff.ShardingTotalCount); err != nil {
		return err
	}
	j.mu.Lock()
	j.cfg, j.sched = &eff, sched
	j.mu.Unlock()
	cache, err := c.Watch(nodepath.Job(j.name), j.onEvent, reg.WithKnownChildren(j.itemState))
	if err != nil {
		return fmt.Errorf("engine: job %q: watching %s: %w", j.name, nodepath.Job(j.name), err)
	}
	j.cache = cache
	j.mu.Lock()
	for _, id := range cache.Children(nodepath.Recorders(j.name)) {
		j.recorders[id] = true
	}
	j.mu.Unlock()
	j.markReady()
	if err := j.elect(); err != nil {
		return err
	}
	state := "ENABLED"
	if eff.Disabled {
		state = "DISABLED"
	}
	if err := c.Persist(nodepath.Server(j.name, j.rt.ip), state); err != nil {
		return fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	j.mu.Lock()
	j.registeredAt = time.Now()
	j.mu.Unlock()
	if err := j.createInstanceNode(true); err != nil {
		return err
	}
	if err := j.askToBeSharded(); err != nil {
		return err
	}
	j.recoverStale()
	j.removeOfflineServers()
	return nil
}

// setUpConfig checks that /{job} is ours (the class recorded there, as ElasticJob's conflict
// check), then either writes the local configuration (none stored, or overwrite=true) or
// adopts the stored one, saying which keys it changes. A stored configuration that does not
// validate is left for an operator to fix and the job runs on the local one.
func (j *Job) setUpConfig() (jobapi.JobConfiguration, error) {
	c := j.rt.center
	local := j.spec.Config
	root := nodepath.Job(j.name)
	cls, err := c.Get(root)
	switch {
	case err == nil:
		if strings.TrimSpace(cls) != "" && cls != j.spec.ClassName {
			return local, fmt.Errorf("engine: job conflict with register center: %s holds class %q, this job is %q; to share the job with the instances that recorded it (ElasticJob ones: their Java class), set the job's jobClassName (directive or YAML key; starter.WithJobClassName) to %q", c.Abs(root), cls, j.spec.ClassName, cls)
		}
	case !errors.Is(err, reg.ErrNoNode):
		return local, fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	path := nodepath.Config(j.name)
	data, err := c.Get(path)
	if err != nil && !errors.Is(err, reg.ErrNoNode) {
		return local, fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	if err == nil && !local.Overwrite {
		remote, perr := storedConfig(j.name, data)
		if perr != nil {
			j.warnOnce(path, data, "configuration in the registry is invalid; running on the local one until it is fixed (or overwrite=true replaces it)", "error", perr.Error())
			return local, nil
		}
		if diff := jobconf.Diff(local, remote); len(diff) > 0 {
			j.log.Warn("configuration in the registry differs from the local one in "+strings.Join(diff, ", ")+" and wins; set overwrite=true for this job (directive, YAML or environment) to apply the local values",
				"path", c.Abs(path))
		}
		return remote, nil
	}
	if err := c.Persist(path, marshalConfig(local)); err != nil {
		return local, fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	if err := c.Persist(root, j.spec.ClassName); err != nil {
		return local, fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	return local, nil
}

func (j *Job) parseSchedule(cfg *jobapi.JobConfiguration) (cron.Schedule, error) {
	if cfg.Cron == "" {
		return nil, nil
	}
	return j.rt.parse(cfg.Cron, cfg.TimeZone)
}

// createInstanceNode writes instances/{id}. At start-up a leftover node of the same id is
// replaced (ElasticJob's persistEphemeral); after a new session an existing node is left alone.
func (j *Job) createInstanceNode(startup bool) error {
	c := j.rt.center
	path := nodepath.Instance(j.name, j.rt.id)
	data := marshalInstance(j.rt.id, j.rt.ip)
	// Before the instance node: a peer that sees the instance has seen it record its fires.
	if err := c.PersistEphemeral(nodepath.Recorder(j.name, j.rt.id), ""); err != nil {
		return fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	var err error
	if startup {
		err = c.PersistEphemeral(path, data)
	} else if err = c.CreateEphemeral(path, data); errors.Is(err, reg.ErrNodeExists) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("engine: job %q: %w", j.name, err)
	}
	j.mu.Lock()
	j.registeredSession = c.SessionID()
	j.mu.Unlock()
	return nil
}

// reshardFitsAtRegistration is reshardFits before the job's cache exists: the configuration
// in effect (local or the registry's) is refused when its resharding cannot fit one transaction.
func (j *Job) reshardFitsAtRegistration(total int) error {
	if err := j.reshardFitsWith(total, j.rt.id); err != nil {
		return fmt.Errorf("engine: job %q: %s: %w", j.name, j.rt.center.Abs(nodepath.Config(j.name)), err)
	}
	return nil
}

// askToBeSharded raises the resharding flag once this instance's node exists, unless static
// sharding keeps the assignment: the leader's own request, on seeing the node, may fall into a
// resharding that read the membership before the node existed, and be lost with it.
func (j *Job) askToBeSharded() error {
	if j.staticLocked() {
		return nil
	}
	if err := j.raiseReshardingFlag(); err != nil {
		return fmt.Errorf("engine: job %q: asking for a resharding: %w", j.name, err)
	}
	return nil
}

// session is the registry session this job is registered in: its fires, misfires and debts
// belong to it. go-zookeeper replaces an expired session on its own, before the engine has seen
// the loss and registered again; until then SessionID() names a session in which this instance
// has no nodes, and a fire taken meanwhile belongs to the lost session (the survivors serve it).
func (j *Job) session() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.registeredSession
}

// inSession: s is the session the job is registered in, and the client's current one.
func (j *Job) inSession(s int64) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.inSessionLocked(s)
}

func (j *Job) inSessionLocked(s int64) bool {
	return s == j.registeredSession && s == j.rt.center.SessionID()
}

// registeredNow: our instance node was created in the client's current session.
func (j *Job) registeredNow() bool { return j.inSession(j.session()) }

// Registered says whether the job is registered on this instance now: not shut down, and its
// instance node created in the registry's current session.
func (j *Job) Registered() bool { return !j.isShutdown() && j.registeredNow() }

// needsRegistration: our instance node was not created in the current session.
func (j *Job) needsRegistration() bool {
	return !j.isShutdown() && !j.registeredNow()
}

// reregister restores this instance's nodes after a new session: the server node keeps its
// state, the instance node is created, an election is held when there is no leader, and running
// and failovering nodes left by the fenced runs of the old session are released.
func (j *Job) reregister() error {
	if j.isShutdown() {
		return nil
	}
	c := j.rt.center
	cfg := j.config()
	server := nodepath.Server(j.name, j.rt.ip)
	if v, err := c.Get(server); errors.Is(err, reg.ErrNoNode) || (err == nil && v == "") {
		state := "ENABLED"
		if cfg.Disabled {
			state = "DISABLED"
		}
		if err := c.Persist(server, state); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if err := j.createInstanceNode(false); err != nil {
		return err
	}
	if err := j.askToBeSharded(); err != nil {
		return err
	}
	if err := j.elect(); err != nil {
		return err
	}
	j.releaseOwnStale(cfg)
	j.recoverStale()
	return nil
}

// releaseOwnStale deletes running nodes that still name this instance (their runs were fenced
// when the session was lost) and re-queues failover items this instance had claimed.
func (j *Job) releaseOwnStale(cfg *jobapi.JobConfiguration) {
	c := j.rt.center
	for _, i := range j.itemsInRegistry() {
		j.removeIfOurs(nodepath.ItemRunning(j.name, i))
		if v, err := c.Get(nodepath.ItemFailovering(j.name, i)); err == nil && v == j.rt.id {
			if cfg.Failover {
				j.mu.Lock()
				q := j.queuedFire[i] // the fires of the claim, as it was queued
				j.mu.Unlock()
				j.queueFailover(i, q)
			}
			j.removeLogged(nodepath.ItemFailovering(j.name, i))
		}
	}
}

// itemsInRegistry lists the numeric children of sharding/, read directly.
func (j *Job) itemsInRegistry() []int {
	kids, err := j.rt.center.Children(nodepath.Sharding(j.name))
	if err != nil {
		j.log.Warn("listing sharding items", "path", nodepath.Sharding(j.name), "error", err)
		return nil
	}
	return j.numeric(nodepath.Sharding(j.name), kids)
}

// numeric parses child names as items, reporting foreign ones once.
func (j *Job) numeric(parent string, kids []string) []int {
	out := make([]int, 0, len(kids))
	for _, k := range kids {
		if i, ok := nodepath.ParseItem(k); ok {
			out = append(out, i)
		} else {
			j.warnOnce(parent+"/"+k, "", "not a sharding item number; skipped")
		}
	}
	return out
}

// removeOfflineServers is 3.0.4's clean-up: a servers/{ip} node without any instance of that
// IP is deleted when its data is blank.
func (j *Job) removeOfflineServers() {
	c := j.rt.center
	ips, err := c.Children(nodepath.Servers(j.name))
	if err != nil {
		return
	}
	ids, err := c.Children(nodepath.Instances(j.name))
	if err != nil {
		return
	}
	online := map[string]bool{}
	for _, id := range ids {
		if ip, _, ok := cutID(id); ok {
			online[ip] = true
		}
	}
	for _, ip := range ips {
		if online[ip] {
			continue
		}
		if v, err := c.Get(nodepath.Server(j.name, ip)); err == nil && strings.TrimSpace(v) == "" {
			j.removeLogged(nodepath.Server(j.name, ip))
		}
	}
}
