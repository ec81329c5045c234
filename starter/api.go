// Package starter is the runtime library services program against: job kinds, the contexts handed
// to them, listeners, configuration types, the Quartz cron parser and the plain-Go bootstrap.
package starter

import "github.com/elasticjob-go/elasticjob/internal/jobapi"

// ShardingContext is what one sharding item of one run sees, as ElasticJob's ShardingContext.
type ShardingContext = jobapi.ShardingContext

// ShardingContexts holds all items of one run on one instance.
type ShardingContexts = jobapi.ShardingContexts

// SimpleJob runs once per sharding item of a fire.
type SimpleJob = jobapi.SimpleJob

// SimpleJobFunc adapts a func to SimpleJob.
type SimpleJobFunc = jobapi.SimpleJobFunc

// DataflowJob fetches data for an item and processes it; with props streaming.process=true it
// keeps fetching while data comes back.
type DataflowJob[T any] = jobapi.DataflowJob[T]

// Listener is ElasticJob's ElasticJobListener: called before and after every run on an instance.
type Listener = jobapi.Listener

// JobConfiguration is ElasticJob's JobConfiguration.
type JobConfiguration = jobapi.JobConfiguration

// NewJobConfiguration returns a configuration with ElasticJob's builder defaults.
func NewJobConfiguration(jobName string, shardingTotalCount int) JobConfiguration {
	return jobapi.NewJobConfiguration(jobName, shardingTotalCount)
}
