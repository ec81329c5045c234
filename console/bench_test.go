package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/regof"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
)

const benchJobs = 10_000

// BenchmarkJobsPage10000 renders the jobs page of a namespace of 10,000 jobs (each with an
// instance, a server and an item, as a running cluster has them) on a private ZooKeeper, and
// reports the ZooKeeper requests of one page load: names once, then the brief information of
// the page's 50 jobs, whatever the namespace's size.
//
//	go test -run '^$' -bench JobsPage10000 -benchtime 20x ./console/
func BenchmarkJobsPage10000(b *testing.B) {
	con, center := benchConsole(b)
	for _, page := range []string{"/jobs", "/jobs?page=200", "/jobs?q=job-0999"} {
		b.Run(strings.TrimPrefix(page, "/"), func(b *testing.B) {
			var requests int64
			for b.Loop() {
				before := center.Requests()
				rec := httptest.NewRecorder()
				con.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, page, nil))
				requests += center.Requests() - before
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-job="job-`) {
					b.Fatalf("status %d:\n%s", rec.Code, rec.Body.String())
				}
			}
			b.ReportMetric(float64(requests)/float64(b.N), "zk-requests/op")
		})
	}
}

// benchConsole fills a private ZooKeeper with benchJobs jobs and returns a console on it and
// the session whose requests count.
func benchConsole(b *testing.B) (*Console, *reg.Center) {
	b.Helper()
	srv := zktest.StartStandalone(b, zktest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rc, err := starter.NewRegistryCenter(ctx, starter.RegistryCenterConfig{ServerLists: srv.Addr(), Namespace: "bench"}, starter.WithLogger(quiet()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rc.Close(context.Background()) })
	center := regof.Center(rc)
	populate(b, center)
	op, err := lifecycle.New(rc, lifecycle.WithLogger(quiet()))
	if err != nil {
		b.Fatal(err)
	}
	con, err := New(Options{Operator: op, Runs: NewRecorder(), Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	return con, center
}

// populate writes the jobs as a cluster of one instance leaves them: config, instance, server
// and item 0 assigned; ten jobs a transaction, sixteen transactions at once.
func populate(b *testing.B, c *reg.Center) {
	b.Helper()
	const perTxn, workers = 10, 16
	instance := "10.0.0.1@-@1"
	data := nodedata.MarshalInstance(nodedata.Instance{JobInstanceID: instance, ServerIP: "10.0.0.1"})
	if err := c.Persist("/.bench", ""); err != nil { // creates the namespace root
		b.Fatal(err)
	}
	if err := c.Remove("/.bench"); err != nil {
		b.Fatal(err)
	}
	work := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first := range work {
				var ops []reg.Op
				for i := first; i < first+perTxn; i++ {
					job := fmt.Sprintf("job-%05d", i)
					cfg := starter.NewJobConfiguration(job, 1)
					cfg.Cron = "0 0/5 * * * ?"
					for _, n := range []struct{ path, value string }{
						{nodepath.Job(job), "bench"}, {nodepath.Config(job), nodedata.MarshalJobConfig(cfg)},
						{nodepath.Instances(job), ""}, {nodepath.Instance(job, instance), data},
						{nodepath.Servers(job), ""}, {nodepath.Server(job, "10.0.0.1"), ""},
						{nodepath.Sharding(job), ""}, {nodepath.Item(job, 0), ""}, {nodepath.ItemInstance(job, 0), instance},
					} {
						ops = append(ops, reg.Op{Kind: reg.OpCreate, Path: n.path, Value: n.value})
					}
				}
				if err := c.Txn(ops...); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < benchJobs; i += perTxn {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatalf("populating: %v", err)
	}
}
