// Package distributeonce runs a listener once per fire across the cluster instead of on every
// instance: ElasticJob-Lite 3.0.4's AbstractDistributeOnceElasticJobListener, with the same
// nodes and the same lock protocol, so that Go and Java instances of one job take part in the
// same barriers.
//
// Before a run (after is the same with guarantee/completed and completed-latch): a run without
// items returns at once; otherwise the instance creates guarantee/started/{item} (persistent,
// empty) for each of its items. When guarantee/started then has exactly shardingTotalCount
// children (at least that many for completed; both read from the registry, not the cache), the
// instance takes the Curator lock guarantee/started-latch, checks again, calls the wrapped
// listener if the check still holds, and deletes guarantee/started in any case. The other
// instances wait until they see guarantee/started deleted (through the job's cache events), or
// until the timeout: then they delete guarantee/started themselves and report
//
//	job <name>: distribute-once before: timeout after 10s waiting for all items to start
//
// to the job's error handler; the run goes on.
//
// Best effort, as in ElasticJob: the barrier counts items, not fires. A fire in which some item
// does not run (its server or the item is disabled, it is still running from the previous fire,
// the total changed meanwhile, a failover run that runs one item alone) never completes its
// barrier: the others wait for the timeout, report it and carry on without the callback for that
// fire. Only the first instance to give up is sure to report it: the deletion it makes releases
// the others, which cannot tell it from a completed barrier. Instances should be scheduled in
// step (same cron, clocks in sync) and the completed timeout should exceed the job's longest run.
//
// Departures from ElasticJob-Lite 3.0.4:
//   - timeouts are finite by default (DefaultStartedTimeout, DefaultCompletedTimeout); ElasticJob
//     waits forever when a timeout is ≤ 0, here that means the default;
//   - a waiter gives up early, with "giving up: item 3 belongs to 10.0.0.3@-@103, which is gone",
//     when an instance node is deleted and an item missing from the barrier belongs
//     (sharding/{i}/instance) to an instance that has no instance node any more: a crashed
//     instance costs its session timeout, not the barrier timeout;
//   - the wait is armed before the item nodes are created, and every wake-up checks in the
//     registry whether this instance's own item node is gone, so a release that comes before the
//     wait began, or whose event the cache missed, is not taken for a timeout;
//   - waiting for the lock is bounded by the same timeout.
package distributeonce
