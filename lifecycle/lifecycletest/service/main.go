// Command service is the service the lifecycle and ejctl tests run as several processes: on
// the registry of LIFECYCLETEST_SERVERS and LIFECYCLETEST_NAMESPACE, as server
// LIFECYCLETEST_IP, it runs three jobs and prints each item it runs as
//
//	run job=JOB instance=ID item=N fire=UNIXMILLI param=PARAMETER
//
// alpha (6 items, every second, failover: make-up records the fire each item starts) and beta
// (3 items, every second) are cron jobs; gamma (3 items) has no cron and runs on triggers. It
// stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

func main() {
	if err := serve(); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}

func serve() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	rc, err := starter.NewRegistryCenter(ctx, starter.RegistryCenterConfig{
		ServerLists:    os.Getenv("LIFECYCLETEST_SERVERS"),
		Namespace:      os.Getenv("LIFECYCLETEST_NAMESPACE"),
		SessionTimeout: 4 * time.Second,
	}, starter.WithIP(os.Getenv("LIFECYCLETEST_IP")), starter.WithLogger(log))
	if err != nil {
		return err
	}
	run := starter.SimpleJobFunc(func(_ context.Context, sc starter.ShardingContext) error {
		fmt.Printf("run job=%s instance=%s item=%d fire=%d param=%s\n",
			sc.JobName, instanceOf(sc.TaskID), sc.ShardingItem, sc.FireTime.UnixMilli(), sc.JobParameter)
		return nil
	})
	alpha := starter.NewJobConfiguration("alpha", 6)
	alpha.Cron, alpha.Failover, alpha.JobParameter = "* * * * * ?", true, "alpha-param"
	alpha.Description = "six items, failover"
	beta := starter.NewJobConfiguration("beta", 3)
	beta.Cron, beta.JobParameter, beta.Description = "* * * * * ?", "beta-param", "three items"
	gamma := starter.NewJobConfiguration("gamma", 3)
	gamma.JobParameter, gamma.Description = "gamma-param", "on trigger only"
	var scheduled []*starter.ScheduleJobBootstrap
	for _, cfg := range []starter.JobConfiguration{alpha, beta} {
		b, err := starter.NewScheduleJobBootstrap(rc, run, cfg)
		if err != nil {
			return err
		}
		scheduled = append(scheduled, b)
	}
	if _, err := starter.NewOneOffJobBootstrap(rc, run, gamma); err != nil {
		return err
	}
	for _, b := range scheduled {
		b.Schedule()
	}
	fmt.Printf("started instance=%s\n", rc.InstanceID())
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return rc.Close(stopCtx)
}

// instanceOf is the instance id (ip@-@pid) at the end of a task id job@-@items@-@READY@-@ip@-@pid.
func instanceOf(taskID string) string {
	parts := strings.SplitN(taskID, "@-@", 4)
	return parts[len(parts)-1]
}
