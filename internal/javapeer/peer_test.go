package javapeer

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

func TestMain(m *testing.M) { zktest.VerifyTestMain(m) }

func connect(t *testing.T, servers, ns string) *reg.Center {
	t.Helper()
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: ns, SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Two peers write what ElasticJob 3.0.4 writes: the class and the configuration, server and
// instance nodes, one leader, the sharding; persistent running nodes naming the runner while an
// item runs; no fire in sharding/{item}. One crashes while running an item: the other queues it
// with empty data, claims it (failover and failovering name it) and runs it as a failover run.
func TestPeersWriteWhatElasticJobWrites(t *testing.T) {
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("javapeer-%d", time.Now().UnixNano())
	check := connect(t, servers, ns)
	cfg := jobapi.NewJobConfiguration("peerJob", 2)
	cfg.Cron = "* * * * * ?"
	cfg.Failover = true

	var mu sync.Mutex
	var runs []string
	started := make(chan Run, 1)
	block := true
	runItem := func(id string) func(ctx context.Context, r Run) {
		return func(ctx context.Context, r Run) {
			mu.Lock()
			hold := block && id == "10.0.1.1@-@11"
			if hold {
				block = false
			}
			mu.Unlock()
			if hold {
				started <- r
				<-ctx.Done()
				return
			}
			mu.Lock()
			runs = append(runs, fmt.Sprintf("%s %d %v", id, r.Item, r.Failover))
			mu.Unlock()
		}
	}
	a, err := Start(Options{Center: connect(t, servers, ns), IP: "10.0.1.1", PID: 11, Class: "com.example.PeerJob", Config: cfg, RunItem: runItem("10.0.1.1@-@11")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown()
	if got, _ := check.Get("/peerJob"); got != "com.example.PeerJob" {
		t.Fatalf("/peerJob holds %q", got)
	}
	if got, _ := check.Get("/peerJob/config"); got != nodedata.MarshalJobConfig(cfg) {
		t.Fatalf("config:\n%s", got)
	}
	if got, _ := check.Get("/peerJob/instances/10.0.1.1@-@11"); got != "jobInstanceId: 10.0.1.1@-@11\nserverIp: 10.0.1.1\n" {
		t.Fatalf("instance node %q", got)
	}
	if got, _ := check.Get("/peerJob/leader/election/instance"); got != a.ID() {
		t.Fatalf("leader %q", got)
	}

	var r Run
	select {
	case r = <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the peer never ran an item")
	}
	if got, _ := check.Get(nodepath.ItemRunning("peerJob", r.Item)); got != a.ID() {
		t.Fatalf("running node of item %d holds %q", r.Item, got)
	}
	b, err := Start(Options{Center: connect(t, servers, ns), IP: "10.0.1.2", PID: 12, Class: "com.example.PeerJob", Config: cfg, RunItem: runItem("10.0.1.2@-@12")})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Shutdown()
	a.Crash()
	testkit.Eventually(t, 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, x := range runs {
			if x == fmt.Sprintf("10.0.1.2@-@12 %d true", r.Item) {
				return true
			}
		}
		return false
	}, "the survivor fails item %d over", r.Item)
	testkit.Eventually(t, 20*time.Second, func() bool {
		v, _ := check.Get(nodepath.ItemInstance("peerJob", 0))
		w, _ := check.Get(nodepath.ItemInstance("peerJob", 1))
		return v == b.ID() && w == b.ID()
	}, "the survivor owns both items")
	for i := range 2 {
		if got, _ := check.Get(nodepath.Item("peerJob", i)); got != "" {
			t.Errorf("sharding/%d holds %q: ElasticJob records no fire there", i, got)
		}
	}
}
