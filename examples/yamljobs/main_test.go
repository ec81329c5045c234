package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/examples/cluster/clustertest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The graph is complete without a jobs module: the YAML jobs need no code.
func TestValidateApp(t *testing.T) {
	if err := fx.ValidateApp(autoconfig.Module); err != nil {
		t.Fatal(err)
	}
}

// shardingContext is the JSON ElasticJob hands to script and HTTP jobs.
type shardingContext struct {
	JobName            string `json:"jobName"`
	TaskID             string `json:"taskId"`
	ShardingTotalCount int    `json:"shardingTotalCount"`
	JobParameter       string `json:"jobParameter"`
	ShardingItem       int    `json:"shardingItem"`
	ShardingParameter  string `json:"shardingParameter"`
}

// request is what the test server received.
type request struct {
	method, path, contentType, body string
	sc                              shardingContext
	scErr                           error
}

// The service runs its two YAML jobs: the HTTP job posts to the URL given in the environment
// with the shardingContext header, the script job prints what echo received; Ctrl-C stops it
// cleanly.
func TestScriptAndHTTPJobsFromYAML(t *testing.T) {
	var mu sync.Mutex
	var requests []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := request{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"), body: string(body)}
		req.scErr = json.Unmarshal([]byte(r.Header.Get("shardingContext")), &req.sc)
		mu.Lock()
		requests = append(requests, req)
		mu.Unlock()
	}))
	defer srv.Close()

	bin := clustertest.Build(t, ".")
	p := clustertest.Start(t, "yamljobs", bin, ".", clustertest.Env("ELASTICJOB_JOBS_PING_PROPS_HTTP_URI="+srv.URL+"/ping"))
	taskID := func(job, items string) string {
		return job + "@-@" + items + "@-@READY@-@"
	}
	pid := "@-@" + strconv.Itoa(p.Pid)

	clustertest.Eventually(t, 10*time.Second, "the HTTP job calls the test server", func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(requests) > 0, "no request"
	})
	mu.Lock()
	req := requests[0]
	mu.Unlock()
	if req.method != "POST" || req.path != "/ping" || req.body != "source=yamljobs" || req.contentType != "application/x-www-form-urlencoded" {
		t.Errorf("request = %s %s %q %q, want POST /ping application/x-www-form-urlencoded source=yamljobs", req.method, req.path, req.contentType, req.body)
	}
	if req.scErr != nil {
		t.Errorf("shardingContext header: %v", req.scErr)
	}
	want := shardingContext{JobName: "ping", TaskID: req.sc.TaskID, ShardingTotalCount: 1, JobParameter: "from application.yaml"}
	if req.sc != want || !strings.HasPrefix(req.sc.TaskID, taskID("ping", "0")) || !strings.HasSuffix(req.sc.TaskID, pid) {
		t.Errorf("shardingContext = %+v, want %+v with task id %s<ip>%s", req.sc, want, taskID("ping", "0"), pid)
	}

	for item, param := range []string{"alpha", "beta"} {
		clustertest.Eventually(t, 10*time.Second, fmt.Sprintf("the script job runs item %d", item), func() (bool, string) {
			for _, l := range p.Lines() {
				arg, ok := strings.CutPrefix(l, "script ran with ")
				if !ok {
					continue
				}
				var sc shardingContext
				if err := json.Unmarshal([]byte(arg), &sc); err != nil {
					return false, fmt.Sprintf("%q: %v", l, err)
				}
				want := shardingContext{JobName: "echo", TaskID: sc.TaskID, ShardingTotalCount: 2, ShardingItem: item, ShardingParameter: param}
				if sc == want && strings.HasPrefix(sc.TaskID, taskID("echo", "0,1")) && strings.HasSuffix(sc.TaskID, pid) {
					return true, ""
				}
			}
			return false, "output:\n" + p.Output()
		})
	}

	if err := p.Interrupt(20 * time.Second); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
	clustertest.CheckNoErrors(t, p)
}
