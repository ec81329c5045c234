package javapeer

import (
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// onEvent is the peer's data listeners (election, sharding, failover, config, trigger), each
// handing its work to a goroutine as Curator's listener executor would run it apart.
func (p *Peer) onEvent(ev reg.Event) {
	if p.shutdown.Load() {
		return
	}
	instances := nodepath.Instances(p.name) + "/"
	servers := nodepath.Servers(p.name) + "/"
	switch {
	case strings.HasPrefix(ev.Path, instances):
		if ev.Type == reg.EventCreated || ev.Type == reg.EventDeleted {
			p.async(p.setReshardingFlag)
		}
		if x := strings.TrimPrefix(ev.Path, instances); ev.Type == reg.EventDeleted && x != p.id {
			p.async(func() { p.onCrashed(x) })
		}
	case strings.HasPrefix(ev.Path, servers):
		p.async(p.setReshardingFlag)
		if ev.Path == nodepath.Server(p.name, p.o.IP) {
			if ev.Data == "DISABLED" {
				p.async(p.abdicate)
			} else if ev.Type != reg.EventDeleted {
				p.async(func() {
					if !p.exists(nodepath.LeaderElectionInstance(p.name)) {
						p.electLeader()
					}
				})
			}
		}
	case ev.Path == nodepath.LeaderElectionInstance(p.name) && ev.Type == reg.EventDeleted:
		p.async(func() {
			if p.localAvailable() {
				p.electLeader()
			}
		})
	case ev.Path == nodepath.Config(p.name) && ev.Type == reg.EventChanged:
		select {
		case p.resked <- struct{}{}:
		default:
		}
		if cfg, ok := p.config(); ok && !cfg.Failover {
			p.async(p.removeFailoverInfo)
		}
	case ev.Path == nodepath.Trigger(p.name, p.id) && ev.Type == reg.EventCreated:
		p.async(func() {
			_ = p.c.Remove(ev.Path)
			if !p.running.Load() {
				p.now()
			}
		})
	}
}

// electLeader is LeaderService.electLeader: under the election latch, the first to find no
// leader node writes it.
func (p *Peer) electLeader() {
	unlock, err := p.c.Lock(p.ctx, nodepath.LeaderElectionLatch(p.name))
	if err != nil {
		return
	}
	defer unlock()
	if !p.exists(nodepath.LeaderElectionInstance(p.name)) {
		_ = p.c.CreateEphemeral(nodepath.LeaderElectionInstance(p.name), p.id)
	}
}

func (p *Peer) isLeader() bool {
	v, err := p.c.Get(nodepath.LeaderElectionInstance(p.name))
	return err == nil && v == p.id && !p.shutdown.Load()
}

// abdicate: a leader whose server was disabled deletes the leader node.
func (p *Peer) abdicate() {
	if p.isLeader() {
		_ = p.c.Remove(nodepath.LeaderElectionInstance(p.name))
	}
}

// isLeaderUntilBlock waits while there is no leader and some server is available, electing when
// the local server is.
func (p *Peer) isLeaderUntilBlock() bool {
	for !p.exists(nodepath.LeaderElectionInstance(p.name)) && len(p.availableInstances()) > 0 {
		if !p.sleep(100 * time.Millisecond) {
			return false
		}
		if p.localAvailable() {
			p.electLeader()
		}
	}
	return p.isLeader()
}

// setReshardingFlag: only the leader asks for a resharding.
func (p *Peer) setReshardingFlag() {
	if p.isLeaderUntilBlock() {
		_, _ = p.c.CreateIfAbsent(nodepath.ShardingNecessary(p.name), "")
	}
}

// removeFailoverInfo: failover turned off deletes every item's failover node.
func (p *Peer) removeFailoverInfo() {
	kids, _ := p.c.Children(nodepath.Sharding(p.name))
	for _, k := range kids {
		if i, ok := nodepath.ParseItem(k); ok {
			_ = p.c.Remove(nodepath.ItemFailover(p.name, i))
		}
	}
}
