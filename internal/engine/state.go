package engine

import (
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
)

// Reads of the job's cached subtree: the fire path uses these, never the registry.

func (j *Job) cached(path string) (string, bool) { return j.cache.Get(path) }

func (j *Job) exists(path string) bool {
	_, ok := j.cache.Get(path)
	return ok
}

func (j *Job) isLeaderCached() bool {
	v, ok := j.cached(nodepath.LeaderElectionInstance(j.name))
	return ok && v == j.rt.id && !j.isShutdown()
}

func (j *Job) hasLeaderCached() bool { return j.exists(nodepath.LeaderElectionInstance(j.name)) }

func (j *Job) serverEnabled(ip string) bool {
	path := nodepath.Server(j.name, ip)
	v, _ := j.cached(path)
	return j.serverValueEnabled(path, v)
}

// serverValueEnabled reads servers/{ip} as ElasticJob does: every value but DISABLED is enabled
// (a missing node too), so that peers of either kind agree on who may run items. A value other
// than ENABLED, DISABLED or blank (a typo, another tool's) is reported once.
func (j *Job) serverValueEnabled(path, v string) bool {
	if !nodedata.ServerValueKnown(v) {
		j.warnOnce(path, v, "server node holds neither ENABLED nor DISABLED; read as enabled, as ElasticJob does", "value", v)
	}
	return nodedata.ServerValueEnabled(v)
}

// hasInstanceOf: some instance id belongs to ip (ElasticJob matches the prefix ip; we match
// ip@-@ so that 10.0.0.1 does not claim 10.0.0.12's instances).
func (j *Job) hasInstanceOf(ip string) bool {
	for _, id := range j.cache.Children(nodepath.Instances(j.name)) {
		if strings.HasPrefix(id, ip+"@-@") {
			return true
		}
	}
	return false
}

func (j *Job) localAvailable() bool {
	return !j.isShutdown() && j.serverEnabled(j.rt.ip) && j.exists(nodepath.Instance(j.name, j.rt.id))
}

func (j *Job) anyServerAvailable() bool {
	for _, ip := range j.cache.Children(nodepath.Servers(j.name)) {
		if j.serverEnabled(ip) && j.hasInstanceOf(ip) {
			return true
		}
	}
	return false
}

// availableInstances lists, in the registry's child order, the instances whose server is
// enabled. Instance nodes without a readable serverIp are reported and skipped.
func (j *Job) availableInstances() []string {
	var out []string
	for _, id := range j.cache.Children(nodepath.Instances(j.name)) {
		path := nodepath.Instance(j.name, id)
		data, ok := j.cached(path)
		if !ok {
			continue
		}
		ip, err := instanceServerIP(data)
		if err != nil || ip == "" {
			j.warnOnce(path, data, "instance node without a readable serverIp; skipped", "error", err)
			continue
		}
		if j.serverEnabled(ip) {
			out = append(out, id)
		}
	}
	return out
}

// localItems: items 0..total-1 the cache assigns to this instance, none when the local server
// is not available.
func (j *Job) localItems(total int) []int {
	if !j.localAvailable() {
		return nil
	}
	return j.assignedItems(total)
}

// assignedItems: items 0..total-1 the cache assigns to this instance, available or not.
func (j *Job) assignedItems(total int) []int {
	var out []int
	for i := 0; i < total; i++ {
		if v, ok := j.cached(nodepath.ItemInstance(j.name, i)); ok && v == j.rt.id {
			out = append(out, i)
		}
	}
	return out
}

// waitCache polls the cache every 100 ms while cond holds; false when the job or runtime
// stopped or the session is not usable meanwhile.
func (j *Job) waitCache(cond func() bool) bool {
	for cond() {
		if j.isShutdown() || !j.rt.sleep(100*time.Millisecond) {
			return false
		}
	}
	return true
}

// cachedItemState names the children of sharding/{i} that the job's cache follows. Running nodes
// are left out: they come and go with every fire, and following them would cost every instance's
// cache reads on each fire. The engine reads them from the registry where it needs them.
var cachedItemState = []string{"instance", "disabled", "failover", "failovering", "misfire"}

// itemState is the cache's reg.WithKnownChildren: sharding/{i} is followed by its named children.
func (j *Job) itemState(path string) ([]string, bool) {
	rest, ok := strings.CutPrefix(path, nodepath.Sharding(j.name)+"/")
	if !ok {
		return nil, false
	}
	if _, ok := nodepath.ParseItem(rest); !ok {
		return nil, false
	}
	return cachedItemState, true
}
