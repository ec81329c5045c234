package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/reg"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(zktest.Wrap(m)) }

// registry is a fresh namespace on the shared ZooKeeper, with a client that writes the nodes
// a test starts from and an Operator on it.
type registry struct {
	t       *testing.T
	servers string
	ns      string
	c       *reg.Center
	op      *lifecycle.Operator
}

func newRegistry(t *testing.T) *registry {
	t.Helper()
	servers := zktest.Servers(t)
	ns := fmt.Sprintf("lifecycle-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	c, err := reg.Connect(context.Background(), reg.Config{ServerLists: servers, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	op, err := lifecycle.Open(context.Background(), starter.RegistryCenterConfig{ServerLists: servers, Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = op.Close() })
	return &registry{t: t, servers: servers, ns: ns, c: c, op: op}
}

func (r *registry) put(path, value string) {
	r.t.Helper()
	if err := r.c.Persist(path, value); err != nil {
		r.t.Fatal(err)
	}
}

func (r *registry) get(path string) (string, bool) {
	r.t.Helper()
	v, err := r.c.Get(path)
	if err != nil {
		return "", false
	}
	return v, true
}

// job writes a job's configuration, class and servers (ip -> ENABLED/DISABLED).
func (r *registry) job(cfg jobapi.JobConfiguration, servers map[string]string) {
	r.t.Helper()
	r.put("/"+cfg.JobName, "example.com/jobs.Job")
	r.put("/"+cfg.JobName+"/config", nodedata.MarshalJobConfig(cfg))
	for ip, state := range servers {
		r.put("/"+cfg.JobName+"/servers/"+ip, state)
	}
}

// instance writes /{job}/instances/{ip@-@pid}.
func (r *registry) instance(job, ip string, pid int) string {
	r.t.Helper()
	id := fmt.Sprintf("%s@-@%d", ip, pid)
	r.put("/"+job+"/instances/"+id, nodedata.MarshalInstance(nodedata.Instance{JobInstanceID: id, ServerIP: ip}))
	return id
}

func ctx() context.Context { return context.Background() }
