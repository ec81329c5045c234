package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// purgeBatch is the rows one DELETE removes: small, so that each is a short transaction that
// neither locks the tables long nor holds up the writer.
const purgeBatch = 1000

// purgePause separates two DELETEs of a purge.
const purgePause = 50 * time.Millisecond

// Purge deletes the rows older than cutoff (executions by start_time, status rows by
// creation_time), purgeBatch rows at a time, and returns how many went. ElasticJob keeps every
// row forever; retention calls this.
func (s *Store) Purge(ctx context.Context, cutoff time.Time) (executions, statuses int64, err error) {
	if executions, err = s.purgeTable(ctx, s.d.executionTable, "start_time", cutoff); err != nil {
		return executions, 0, err
	}
	statuses, err = s.purgeTable(ctx, s.d.statusTable, "creation_time", cutoff)
	return executions, statuses, err
}

func (s *Store) purgeTable(ctx context.Context, table, col string, cutoff time.Time) (int64, error) {
	var query string
	if s.d == mysqlDialect { // MySQL takes no LIMIT in an IN subquery, but DELETE … LIMIT
		query = fmt.Sprintf("DELETE FROM %s WHERE %s < ? LIMIT %d", table, col, purgeBatch)
	} else {
		query = fmt.Sprintf("DELETE FROM %[1]s WHERE id IN (SELECT id FROM %[1]s WHERE %[2]s < ? LIMIT %[3]d)", table, col, purgeBatch)
	}
	query = s.d.bind(query)
	var total int64
	for {
		res, err := s.db.ExecContext(ctx, query, wall(cutoff))
		if err != nil {
			return total, fmt.Errorf("tracing: %s: deleting old rows of %s: %w", s.source, table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		if n < purgeBatch {
			return total, nil
		}
		select {
		case <-time.After(purgePause):
		case <-ctx.Done():
			return total, ctx.Err()
		}
	}
}

// Locker takes a lock shared by every instance of the namespace (the registry center's).
type Locker func(ctx context.Context) (unlock func(), err error)

// retention deletes rows older than days, at most every interval on this instance and on one
// instance of the namespace at a time (lock).
type retention struct {
	store    *Store
	days     int
	interval time.Duration
	lock     Locker
	log      *slog.Logger
}

// RetentionInterval is how often an instance purges.
const RetentionInterval = time.Hour

// run purges now and then every interval, until ctx ends.
func (r retention) run(ctx context.Context) {
	for {
		r.once(ctx)
		select {
		case <-time.After(r.interval):
		case <-ctx.Done():
			return
		}
	}
}

// lockWait bounds the wait for the lock: another instance purging now makes ours unneeded.
const lockWait = time.Minute

func (r retention) once(ctx context.Context) {
	lockCtx, cancel := context.WithTimeout(ctx, lockWait)
	unlock, err := r.lock(lockCtx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			r.log.Info("tracing: retention skipped: the namespace's purge lock was not taken", "error", err)
		}
		return
	}
	defer unlock()
	cutoff := time.Now().AddDate(0, 0, -r.days)
	execs, statuses, err := r.store.Purge(ctx, cutoff)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("tracing: retention: deleting old rows failed; trying again in an hour", "database", r.store.source, "error", err)
		}
		return
	}
	if execs+statuses > 0 {
		r.log.Info("tracing: retention: deleted rows older than the retention", "days", r.days, "executions", execs, "statuses", statuses)
	}
}
