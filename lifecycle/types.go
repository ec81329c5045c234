package lifecycle

import (
	"errors"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// JobConfiguration is ElasticJob's JobConfigurationPOJO, the data of /{job}/config; its JSON
// field names are ElasticJob's.
type JobConfiguration = starter.JobConfiguration

// JobStatus is a job's status in the job statistics, as ElasticJob's JobBriefInfo.JobStatus.
type JobStatus string

// The job statuses, checked in this order.
const (
	// JobCrashed: no instance of the job is online.
	JobCrashed JobStatus = "CRASHED"
	// JobDisabled: every server of the job is disabled (also when it has no server node).
	JobDisabled JobStatus = "DISABLED"
	// JobShardingFlag: no item is assigned, or an item is assigned to an instance that is gone;
	// the next fire reshards.
	JobShardingFlag JobStatus = "SHARDING_FLAG"
	// JobOK: none of the above.
	JobOK JobStatus = "OK"
)

// JobBriefInfo is one job in the job statistics, as ElasticJob's JobBriefInfo.
type JobBriefInfo struct {
	JobName            string    `json:"jobName"`
	Status             JobStatus `json:"status"`
	Description        string    `json:"description"`
	Cron               string    `json:"cron"`
	InstanceCount      int       `json:"instanceCount"`
	ShardingTotalCount int       `json:"shardingTotalCount"`
	// NextFireTime is the job's next scheduled fire after now, by its cron and time zone; nil
	// for a job without cron (run by triggers only) or a cron that never fires again. Not
	// ElasticJob's: its statistics have no fire times.
	NextFireTime *time.Time `json:"nextFireTime,omitempty"`
}

// ServerBriefInfo is one server (IP) in the server statistics, as ElasticJob's
// ServerBriefInfo: the jobs that have a servers/{ip} node and the instances whose serverIp is
// that IP.
type ServerBriefInfo struct {
	ServerIP        string   `json:"serverIp"`
	Instances       []string `json:"instances"` // instance ids, sorted
	JobNames        []string `json:"jobNames"`  // sorted
	InstancesNum    int      `json:"instancesNum"`
	JobsNum         int      `json:"jobsNum"`
	DisabledJobsNum int      `json:"disabledJobsNum"`
}

// ShardingStatus is an item's status in the sharding statistics, as ElasticJob's
// ShardingInfo.ShardingStatus.
type ShardingStatus string

// The item statuses, checked in this order.
const (
	// ItemDisabled: sharding/{i}/disabled exists; the item is not run.
	ItemDisabled ShardingStatus = "DISABLED"
	// ItemRunning: sharding/{i}/running exists (with monitorExecution on).
	ItemRunning ShardingStatus = "RUNNING"
	// ItemShardingFlag: the item's instance is gone (or it has none); the next fire reshards.
	ItemShardingFlag ShardingStatus = "SHARDING_FLAG"
	// ItemPending: assigned to a live instance, waiting for its next fire.
	ItemPending ShardingStatus = "PENDING"
)

// ShardingInfo is one item in the sharding statistics, as ElasticJob's ShardingInfo.
type ShardingInfo struct {
	Item int `json:"item"`
	// ServerIP and InstanceID come from the YAML of the item's instance; empty when the
	// instance is gone.
	ServerIP   string         `json:"serverIp"`
	InstanceID string         `json:"instanceId"`
	Status     ShardingStatus `json:"status"`
	Failover   bool           `json:"failover"` // sharding/{i}/failover exists: run by failover
	// LastFireStarted is the scheduled fire last started on the item, as the run records it
	// in sharding/{i} when monitorExecution and misfire are on (a trigger records nothing); nil
	// when nothing is recorded. Not ElasticJob's.
	LastFireStarted *time.Time `json:"lastFireStarted,omitempty"`
}

// ErrNotFound is wrapped by the errors about a job, server or item that does not exist; the
// message names which.
var ErrNotFound = errors.New("not found")

// ErrNoInstance is wrapped by Trigger's error when the job has no instance online to run it.
var ErrNoInstance = errors.New("no instance online")
