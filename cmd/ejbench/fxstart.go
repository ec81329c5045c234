package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/fx"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/internal/ledger"
	"github.com/elasticjob-go/elasticjob/starter"
)

// idleCron never fires while a row runs.
const idleCron = "0 0 0 1 1 ? 2099"

// Row 9: a service of autoconfig.Module with b.fxJobs idle jobs (declared in YAML, as a service
// of that many jobs would) starts under fx's default timeouts: its OnStart hooks end within
// fx.StartTimeout (15 s) however many jobs there are, what is left registers in the background,
// and /readyz says when it is done.
func (b *bench) fxStart() error {
	n := b.fxJobs
	setup := fmt.Sprintf("%d jobs × 1 item, cron %s (idle), fx.New(autoconfig.Module, …) with fx's default timeouts, 1 process", n, idleCron)
	c, err := spawn(fmt.Sprintf("fx service of %d jobs", n), "fxservice", b.log, 5*time.Minute,
		"-zk", b.srv.addr, "-ns", b.namespace("fxstart"), "-jobs", fmt.Sprint(n), "-items", "1", "-cron", idleCron)
	if err != nil {
		return err
	}
	defer c.kill() // gone already when it stopped
	onStart := c.registerTime
	started := c.id == "started"
	value := "yes"
	if !started {
		value = "no"
		if line, err := c.reply("failure", 10*time.Second); err == nil {
			value = "no: " + strings.TrimPrefix(line, "failure ")
		}
	}
	b.add(row{id: "9", measure: "starts under fx's default timeouts", setup: setup, value: value,
		reference: "before: 10,000 jobs exited with `context deadline exceeded` after 15.5 s", target: "starts", verdict: verdict(started)})
	b.add(row{id: "9", measure: "OnStart, every hook (s, 1 run)", setup: setup, value: fmt.Sprintf("%.1f", onStart.Seconds()),
		reference: "—", target: "< 15 s (fx.StartTimeout)", verdict: verdict(started && onStart < 15*time.Second)})
	if started {
		line, err := c.reply("readyz", 30*time.Minute)
		ready := "n/a"
		if err != nil {
			ready = "not ready: " + err.Error()
		} else {
			var ns int64
			if _, err := fmt.Sscanf(line, "readyz %d", &ns); err != nil {
				return fmt.Errorf("fx service: readyz line %q: %w", line, err)
			}
			ready = fmt.Sprintf("%.1f (%.0f jobs registered per second)", time.Duration(ns).Seconds(), float64(n)/time.Duration(ns).Seconds())
		}
		b.add(row{id: "9", measure: "start until /readyz answers 200 (s, 1 run)", setup: setup, value: ready,
			reference: "—", target: "—", verdict: "—"})
	}
	line, err := c.ask("quit", 2*time.Minute)
	if err != nil {
		return err
	}
	var ns int64
	var outcome string
	if _, err := fmt.Sscanf(line, "quit %d %s", &ns, &outcome); err != nil {
		return fmt.Errorf("fx service: quit line %q: %w", line, err)
	}
	b.add(row{id: "9", measure: "OnStop, every hook (s, 1 run)", setup: setup,
		value:     fmt.Sprintf("%.1f (%s)", time.Duration(ns).Seconds(), strings.TrimPrefix(line, fmt.Sprintf("quit %d ", ns))),
		reference: "—", target: "< 15 s (fx.StopTimeout)", verdict: verdict(outcome == "stopped")})
	return nil
}

// runFxService is the "fxservice" role: an fx application of autoconfig.Module holding -jobs
// jobs, declared in a YAML file (one implementation, as elasticJobClass). It prints
// "ready <OnStart ns> started" once app.Start has returned (or "ready <ns> failed" and
// "failure <error>"), then "readyz <ns since the start began>" once /readyz answers 200, and
// serves the orchestrator's commands; at quit, or at SIGTERM or SIGINT as fx.App.Run stops, it
// stops the application and answers "quit <OnStop ns> stopped" (or "quit <ns> failed: <error>").
// With -ledger, every item execution is recorded there as started by -instance.
func runFxService(args []string) error {
	fs := flag.NewFlagSet("fxservice", flag.ContinueOnError)
	var jf jobsFlags
	jf.register(fs)
	zk := fs.String("zk", "", "ZooKeeper connect string")
	ns := fs.String("ns", "bench", "registry namespace")
	failover := fs.Bool("failover", false, "failover of every job")
	ledgerPath := fs.String("ledger", "", "record every item execution in this ledger file")
	instance := fs.String("instance", "", "this process's name in the ledger")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var record *ledger.Writer
	if *ledgerPath != "" {
		var err error
		if record, err = ledger.Create(*ledgerPath); err != nil {
			return err
		}
		defer record.Close()
	}
	dir, err := os.MkdirTemp("", "ejbench-fx.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	const class = "ejbench.Idle"
	var yaml strings.Builder
	fmt.Fprintf(&yaml, "elasticjob:\n  regCenter: {serverLists: %q, namespace: %q}\n  http: {address: \"127.0.0.1:0\"}\n  jobs:\n", *zk, *ns)
	for k := 1; k < jf.n; k++ { // the first job is the implementation's own, declared in code
		fmt.Fprintf(&yaml, "    %s%d: {elasticJobClass: %s, cron: %q, shardingTotalCount: %d, failover: %t}\n", jf.prefix, k, class, jf.cron, jf.items, *failover)
	}
	config := filepath.Join(dir, "application.yaml")
	if err := os.WriteFile(config, []byte(yaml.String()), 0o644); err != nil {
		return err
	}
	if err := os.Setenv(autoconfig.ConfigEnv, config); err != nil {
		return err
	}
	o := &out{w: os.Stdout}
	c := &counters{}
	job := starter.JobDefinition{Name: jf.prefix + "0", Class: class,
		Settings: map[string]string{"cron": jf.cron, "shardingTotalCount": fmt.Sprint(jf.items), "failover": fmt.Sprint(*failover)},
		Job: starter.SimpleJobFunc(func(_ context.Context, sc starter.ShardingContext) error {
			c.execs.Add(1)
			if record == nil {
				return nil
			}
			return record.Record(ledger.Entry{Event: "started", Job: sc.JobName, Item: sc.ShardingItem,
				Fire: sc.FireTime.UnixMilli(), Instance: *instance, At: time.Now().UnixMilli()})
		})}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var server *autoconfig.HTTPServer
	app := fx.New(autoconfig.QuietLogger, autoconfig.Module, fx.Supply(logger),
		fx.Provide(fx.Annotate(func() starter.JobDefinition { return job }, fx.ResultTags(`group:"elasticjob.jobs"`))),
		fx.Populate(&server))
	if err := app.Err(); err != nil {
		return err
	}
	signals := app.Done() // SIGTERM and SIGINT, from now on
	// As fx.App.Run starts: within fx.StartTimeout.
	ctx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	begin := time.Now()
	err = app.Start(ctx)
	onStart := time.Since(begin)
	cancel()
	if err != nil {
		o.printf("ready %d failed", onStart.Nanoseconds())
		o.printf("failure %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	} else {
		o.printf("ready %d started", onStart.Nanoseconds())
		go func() {
			for {
				resp, err := http.Get("http://" + server.Addr() + "/readyz")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						o.printf("readyz %d", time.Since(begin).Nanoseconds())
						return
					}
				}
				time.Sleep(250 * time.Millisecond)
			}
		}()
	}
	quit := make(chan struct{})
	go func() { // left blocked on stdin after a signal: the process ends with main
		serve(o, c, nil)
		close(quit)
	}()
	select {
	case <-quit:
	case <-signals:
	}
	stop, cancelStop := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancelStop()
	begin = time.Now()
	if err := app.Stop(stop); err != nil {
		o.printf("quit %d failed: %s", time.Since(begin).Nanoseconds(), strings.ReplaceAll(err.Error(), "\n", "; "))
	} else {
		o.printf("quit %d stopped", time.Since(begin).Nanoseconds())
	}
	return nil
}
