// Package nodepath names every node of a job's ZooKeeper tree, as ElasticJob-Lite 3.0.4 lays it
// out (docs/compatibility.md, "ZooKeeper layout"). Paths are relative to the namespace:
// "/{job}/...".
package nodepath

import (
	"strconv"
	"strings"
)

// Each path is one concatenation, so building it costs one allocation: the fire path builds
// several per item.

// Job is the job's root; its data is the job class name.
func Job(job string) string { return "/" + job }

func Config(job string) string              { return "/" + job + "/config" }
func Servers(job string) string             { return "/" + job + "/servers" }
func Server(job, ip string) string          { return "/" + job + "/servers/" + ip }
func Instances(job string) string           { return "/" + job + "/instances" }
func Instance(job, id string) string        { return "/" + job + "/instances/" + id }
func Triggers(job string) string            { return "/" + job + "/trigger" }
func Trigger(job, instanceID string) string { return "/" + job + "/trigger/" + instanceID }
func SystemTime(job string) string          { return "/" + job + "/systemTime/current" }

// Recorders is ours, not ElasticJob's (its instances never read it): every Go instance of the
// job has an ephemeral child there, named by its instance id, saying that it records in
// sharding/{item} the fires it starts. A crashed owner without one is an ElasticJob instance,
// whose missed fires nothing proves.
func Recorders(job string) string            { return "/" + job + "/recorders" }
func Recorder(job, instanceID string) string { return "/" + job + "/recorders/" + instanceID }

// Leader election and resharding flags.
func Leader(job string) string                 { return "/" + job + "/leader" }
func LeaderElectionInstance(job string) string { return "/" + job + "/leader/election/instance" }
func LeaderElectionLatch(job string) string    { return "/" + job + "/leader/election/latch" }
func ShardingNecessary(job string) string      { return "/" + job + "/leader/sharding/necessary" }
func ShardingProcessing(job string) string     { return "/" + job + "/leader/sharding/processing" }
func FailoverItems(job string) string          { return "/" + job + "/leader/failover/items" }
func FailoverItem(job string, item int) string {
	return "/" + job + "/leader/failover/items/" + strconv.Itoa(item)
}
func FailoverLatch(job string) string { return "/" + job + "/leader/failover/latch" }

// Sharding items and their state nodes.
func Sharding(job string) string       { return "/" + job + "/sharding" }
func Item(job string, item int) string { return "/" + job + "/sharding/" + strconv.Itoa(item) }
func ItemInstance(job string, item int) string {
	return "/" + job + "/sharding/" + strconv.Itoa(item) + "/instance"
}
func ItemRunning(job string, item int) string {
	return "/" + job + "/sharding/" + strconv.Itoa(item) + "/running"
}
func ItemMisfire(job string, item int) string {
	return "/" + job + "/sharding/" + strconv.Itoa(item) + "/misfire"
}
func ItemDisabled(job string, item int) string {
	return "/" + job + "/sharding/" + strconv.Itoa(item) + "/disabled"
}
func ItemFailover(job string, item int) string {
	return "/" + job + "/sharding/" + strconv.Itoa(item) + "/failover"
}
func ItemFailovering(job string, item int) string {
	return "/" + job + "/sharding/" + strconv.Itoa(item) + "/failovering"
}

// Distribute-once barriers.
func GuaranteeStarted(job string) string { return "/" + job + "/guarantee/started" }
func GuaranteeStartedItem(job string, item int) string {
	return "/" + job + "/guarantee/started/" + strconv.Itoa(item)
}
func GuaranteeCompleted(job string) string { return "/" + job + "/guarantee/completed" }
func GuaranteeCompletedItem(job string, item int) string {
	return "/" + job + "/guarantee/completed/" + strconv.Itoa(item)
}
func GuaranteeStartedLatch(job string) string   { return "/" + job + "/guarantee/started-latch" }
func GuaranteeCompletedLatch(job string) string { return "/" + job + "/guarantee/completed-latch" }

// Split returns the job name and the rest of a namespace-relative path:
// "/myJob/sharding/0/running" -> ("myJob", "sharding/0/running"). The rest is empty for the job
// root itself.
func Split(path string) (job, rest string) {
	p := strings.TrimPrefix(path, "/")
	job, rest, _ = strings.Cut(p, "/")
	return job, rest
}

// ParseItem reads an item number from a child name of sharding/, leader/failover/items or
// guarantee/*; ok is false for anything that is not a non-negative decimal int (foreign data).
func ParseItem(name string) (item int, ok bool) {
	if name == "" || (len(name) > 1 && name[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(name)
	return n, err == nil
}
