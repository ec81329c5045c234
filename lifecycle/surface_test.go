package lifecycle_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/jobconf/jobconftest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// handlerProps are the props without which a service refuses an error handler at start-up
// (and so does an update).
var handlerProps = map[string]string{
	"EMAIL":    "{email.host: smtp.example.com, email.port: '25', email.username: u, email.password: p, email.from: 'a@example.com', email.to: 'b@example.com'}",
	"WECHAT":   "{wechat.webhook: 'https://qyapi.example.com/hook'}",
	"DINGTALK": "{dingtalk.webhook: 'https://oapi.example.com/hook'}",
}

// A configuration update accepts and refuses each key's values as every other surface does
// (the directive, YAML, the environment, /{job}/config): the cases come from jobconf's table,
// through the text `ejctl config set` reads. A refused update writes nothing.
func TestUpdateConfigKeysFollowTheSchema(t *testing.T) {
	r := newRegistry(t)
	r.job(jobapi.NewJobConfiguration("surface", 1), map[string]string{"10.0.0.1": "ENABLED"})
	before, _ := r.get("/surface/config")
	for _, c := range jobconftest.Cases(jobconf.Stored) {
		t.Run(c.Name(), func(t *testing.T) {
			value := c.Value
			if c.Key.Type == jobconf.String {
				value = strconv.Quote(value)
			}
			text := "jobName: surface\nshardingTotalCount: 1\n" + c.Key.Name + ": " + value + "\n"
			if c.Key.Name == "shardingTotalCount" {
				text = "jobName: surface\nshardingTotalCount: " + value + "\n"
			}
			if props, ok := handlerProps[c.Value]; ok && c.Key.Name == "jobErrorHandlerType" {
				text += "props: " + props + "\n" // what a service needs to build the handler
			}
			cfg, err := lifecycle.ParseConfig("update.yaml", []byte(text))
			if err == nil {
				err = r.op.UpdateConfig(ctx(), cfg)
			}
			switch {
			case !c.Bad && err != nil:
				t.Fatalf("refused: %v", err)
			case c.Bad && err == nil:
				t.Fatal("accepted")
			case c.Bad && (!strings.Contains(err.Error(), c.Key.Name) || !strings.Contains(err.Error(), c.Contains)):
				t.Fatalf("error %q, want %s: ...%s", err, c.Key.Name, c.Contains)
			}
			if c.Bad {
				if got, _ := r.get("/surface/config"); got != before {
					t.Fatalf("a refused update wrote %q", got)
				}
				return
			}
			r.put("/surface/config", before) // the next case starts from the same node
		})
	}
}
