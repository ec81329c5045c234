// Package metrics exports what the engine does as Prometheus metrics, through an Observer of
// its events (starter.WithObserver; autoconfig attaches one to every service). Every name
// starts with elasticjob_; the per-job metrics carry the label job, and no label has more
// values than the process has jobs.
//
// Per job:
//
//	elasticjob_item_runs_total{job,result}         items run to their end; result is success or failure
//	elasticjob_item_duration_seconds{job}          histogram of an item's run time
//	elasticjob_fire_delay_seconds{job}             histogram of the time from a cron fire's scheduled time to its item's Execute (recorded when the item ends)
//	elasticjob_misfires_total{job}                 cron fires that found the previous run still going
//	elasticjob_failovers_total{job}                items of crashed instances this instance took over
//	elasticjob_makeup_runs_total{job}              runs making up fires that nobody served
//	elasticjob_reshardings_total{job,result}       reshardings this instance wrote as leader; result is success or failure
//	elasticjob_resharding_duration_seconds{job}    histogram of a successful resharding's time
//	elasticjob_leader{job}                         1 while this instance is the job's leader, else 0
//
// Per process:
//
//	elasticjob_registry_connected                  1 while the registry session is connected, else 0
//	elasticjob_registry_session_expiries_total     registry sessions lost
//	elasticjob_zookeeper_requests_total            requests sent to ZooKeeper (or the embedded registry)
//
// The observer hands each job its precomputed label children (see starter.JobObserver), so
// that a fire costs no label lookup and no allocation.
package metrics
