package engine

import (
	"errors"
	"fmt"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// elect is ElasticJob's electLeader: under the election latch, write leader/election/instance
// with our id unless some leader exists.
func (j *Job) elect() error {
	c := j.rt.center
	// A job removed from the registry (its configuration gone with the rest, or first) has no
	// leader to elect: electing would create again what the operator deleted. Checked before
	// the latch, whose node would recreate the job's node, and again under it.
	if gone, err := j.removedFromRegistry(); gone || err != nil {
		return err
	}
	unlock, err := c.Lock(j.ctx, nodepath.LeaderElectionLatch(j.name))
	if err != nil {
		return fmt.Errorf("engine: job %q: election: %w", j.name, err)
	}
	defer unlock()
	if j.isShutdown() {
		return nil
	}
	j.testPoint("elect")
	if gone, err := j.removedFromRegistry(); gone || err != nil {
		return err
	}
	path := nodepath.LeaderElectionInstance(j.name)
	ok, err := c.Exists(path)
	if err != nil {
		return fmt.Errorf("engine: job %q: election: %w", j.name, err)
	}
	if ok {
		return nil
	}
	if err := c.CreateEphemeral(path, j.rt.id); err != nil && !errors.Is(err, reg.ErrNodeExists) {
		return fmt.Errorf("engine: job %q: election: %w", j.name, err)
	}
	j.log.Info("elected leader")
	j.setLeading(true)
	// A leader change usually follows a membership change whose own resharding request may
	// have been judged by the old leader's node (crashed sessions lose both nodes at once):
	// the new leader asks for a resharding itself (static sharding excepted).
	if j.staticLocked() {
		return nil
	}
	if _, err := c.CreateIfAbsent(nodepath.ShardingNecessary(j.name), ""); err != nil {
		j.log.Warn("setting the resharding flag", "error", err)
	}
	return nil
}

// removedFromRegistry: the job's configuration node is gone.
func (j *Job) removedFromRegistry() (bool, error) {
	ok, err := j.rt.center.Exists(nodepath.Config(j.name))
	if err != nil {
		return false, fmt.Errorf("engine: job %q: election: %w", j.name, err)
	}
	return !ok, nil
}

func (j *Job) electLogged() {
	if err := j.elect(); err != nil && j.ctx.Err() == nil {
		j.log.Warn("election failed", "error", err)
	}
}

// leaderUntilBlock is isLeaderUntilBlock: while there is no leader but some available server,
// elect (when this server is available); then say whether we lead.
func (j *Job) leaderUntilBlock() bool {
	ok := j.waitCache(func() bool {
		if j.hasLeaderCached() || !j.anyServerAvailable() {
			return false
		}
		if j.localAvailable() {
			j.electLogged()
		}
		return !j.hasLeaderCached()
	})
	return ok && j.isLeaderCached()
}

// setReshardingFlag: the leader (only) asks for a resharding at the next run.
func (j *Job) setReshardingFlag() {
	if !j.leaderUntilBlock() {
		return
	}
	if err := j.raiseReshardingFlag(); err != nil {
		j.log.Warn("setting the resharding flag", "error", err)
	}
	j.testPoint("flag")
}

// raiseReshardingFlag asks for a resharding in a way that a resharding in progress cannot miss:
// the flag is created or, when it exists, written again, which changes its version and so fails
// the transaction of a resharding that read the membership before (see reshardOnce).
func (j *Job) raiseReshardingFlag() error {
	c, path := j.rt.center, nodepath.ShardingNecessary(j.name)
	for attempt := 1; ; attempt++ {
		created, err := c.CreateIfAbsent(path, "")
		if err != nil || created {
			return err
		}
		err = c.Update(path, "")
		if !errors.Is(err, reg.ErrNoNode) || attempt == 3 {
			return err
		}
		// A resharding deleted it between the two: create it again.
	}
}

// setLeading records and reports a change of this instance's leadership of the job.
func (j *Job) setLeading(on bool) {
	if j.leading.Swap(on) != on {
		j.observe(&Event{Kind: EventLeadership, Leader: on})
	}
}
