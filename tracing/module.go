package tracing

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/starter"
)

// Module writes ElasticJob's tracing tables when elasticjob.tracing.type is RDB:
//
//	fx.New(autoconfig.Module, tracing.Module, jobs.Module).Run()
//
// It provides its *Observer (nil when tracing is off) and puts it in the group
// elasticjob.observers, which autoconfig hands to the registry center. The database is
// elasticjob.tracing.dataSource.url, or, without a URL, the application's own *sql.DB from the
// graph (pgx's stdlib, go-sql-driver/mysql with parseTime=true, or modernc.org/sqlite), as
// ElasticJob's Spring starter uses the application's DataSource. OnStart connects and creates the
// tables (an unreachable database or refused credentials fail the start, naming the URL without
// its password); OnStop, after the jobs have stopped, writes what is queued within
// FlushTimeout. With retentionDays, one instance of the namespace at a time deletes older rows,
// hourly.
var Module = fx.Module("elasticjob.tracing",
	fx.Provide(provide),
	fx.Invoke(retain),
)

// FlushTimeout bounds the writing of the queue at stop (the stop context may bound it sooner).
const FlushTimeout = 10 * time.Second

// Params is what Module takes.
type Params struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *autoconfig.Properties
	// DB is the application's database, used when dataSource.url is not set.
	DB     *sql.DB      `optional:"true"`
	Logger *slog.Logger `optional:"true"`
}

// Result is what Module provides: the observer (nil when tracing is off), also in the engine's
// observers.
type Result struct {
	fx.Out
	Observer  *Observer
	Observers []starter.Observer `group:"elasticjob.observers,flatten"`
}

func provide(p Params) (Result, error) {
	t := p.Properties.Tracing
	if t.Type != "RDB" {
		return Result{}, nil
	}
	if t.DataSource.URL == "" && p.DB == nil {
		return Result{}, errors.New("tracing: elasticjob.tracing.type is RDB but elasticjob.tracing.dataSource.url is not set and the application provides no *sql.DB")
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	o, err := newObserver(Options{IncludeJobNames: t.IncludeJobNames, ExcludeJobNames: t.ExcludeJobNames, Logger: log})
	if err != nil {
		return Result{}, err
	}
	if t.DataSource.URL != "" { // check the URL now: a configuration error fails fx.New
		if _, err := (DataSource{URL: t.DataSource.URL, DriverClassName: t.DataSource.DriverClassName}).parse(); err != nil {
			return Result{}, err
		}
	}
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			var store *Store
			var err error
			if t.DataSource.URL != "" {
				store, err = Open(ctx, DataSource{URL: t.DataSource.URL, Username: t.DataSource.Username, Password: t.DataSource.Password, DriverClassName: t.DataSource.DriverClassName})
			} else {
				store, err = OpenDB(ctx, p.DB)
			}
			if err != nil {
				return err
			}
			o.w.start(store)
			log.Info("tracing: writing ElasticJob's execution history", "database", store.String(), "retentionDays", t.RetentionDays)
			return nil
		},
		OnStop: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, FlushTimeout)
			defer cancel()
			err := o.Close(ctx)
			if o.w.store != nil {
				err = errors.Join(err, o.w.store.Close())
			}
			return err
		},
	})
	return Result{Observer: o, Observers: []starter.Observer{o}}, nil
}

// RetentionLockPath is the ZooKeeper path of the lock that lets one instance of a namespace purge
// at a time: outside the namespace, whose children ElasticJob's tools take for jobs, and
// followed by the namespace (/elasticjob-go/tracing-retention/{namespace}).
const RetentionLockPath = "/elasticjob-go/tracing-retention"

type retainParams struct {
	fx.In
	Lifecycle  fx.Lifecycle
	Properties *autoconfig.Properties
	Registry   *autoconfig.Registry
	Observer   *Observer
	Logger     *slog.Logger `optional:"true"`
}

// retain runs the retention after the registry has connected (this invoke's hooks follow the
// registry's) and stops it before the registry closes.
func retain(p retainParams) {
	days := p.Properties.Tracing.RetentionDays
	if p.Observer == nil || days <= 0 {
		return
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	path := RetentionLockPath
	if ns := strings.Trim(p.Properties.RegCenter.Namespace, "/"); ns != "" {
		path += "/" + ns
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(context.Context) error {
			r := retention{
				store: p.Observer.w.store, days: days, interval: RetentionInterval, log: log,
				lock: func(ctx context.Context) (func(), error) {
					rc := p.Registry.Center()
					if rc == nil {
						return nil, errors.New("the registry center is closed")
					}
					return rc.LockOutsideNamespace(ctx, path)
				},
			}
			wg.Go(func() { r.run(ctx) })
			return nil
		},
		OnStop: func(context.Context) error {
			cancel()
			wg.Wait()
			return nil
		},
	})
}
