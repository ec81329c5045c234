package engine

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// The log lines of owed fires say what cost them: a misfire (a run in progress) is not called a
// suspension's cost; a suspension's debt is.
func TestOwedFiresAreLoggedForWhatCostThem(t *testing.T) {
	cl := newCluster(t, 4*time.Second)
	logs := cl.logToBuffer()
	a := cl.start("10.0.0.1", 100)
	cfg := jobapi.NewJobConfiguration("owedJob", 1)
	cfg.Cron = never
	cfg.Failover = true // with misfire on, what make-up needs
	j := a.register(t, cfg, &recorder{})
	fire := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	j.setMisfire(nil, fire) // a cron fire found a run in progress
	if got := j.settleDebt(); len(got) != 1 || !got[0].Equal(fire) {
		t.Fatalf("owed fires %v", got)
	}
	if out := logs.String(); !strings.Contains(out, `msg="misfire: running the fires missed while a run was in progress"`) || strings.Contains(out, "suspension") {
		t.Fatalf("a misfire's log line:\n%s", out)
	}
	j.owe(j.session(), fire) // a fire the suspension of the session cost
	if got := j.settleDebt(); len(got) != 1 {
		t.Fatalf("owed fires %v", got)
	}
	if out := logs.String(); !strings.Contains(out, `msg="make-up: running the fires a suspension cost"`) {
		t.Fatalf("a suspension's log line:\n%s", out)
	}
}

// A claimed failover item's log line names only the fires it serves: no zero fire time for an
// item the crashed instance was not running.
func TestAFailoverClaimIsLoggedWithTheFiresItServes(t *testing.T) {
	var logs testkit.Buffer
	j := &Job{log: slog.New(slog.NewTextHandler(&logs, nil))}
	fire := time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)
	j.logClaim(1, queuedRun{makeUp: fire})
	j.logClaim(2, queuedRun{fire: fire})
	j.logClaim(3, queuedRun{})
	out := logs.String()
	for _, want := range []string{
		`msg="failover: claimed item to make up its missed fires" item=1 makeUp=2026-01-01T00:00:01.000Z`,
		`msg="failover: claimed item" item=2 fireTime=2026-01-01T00:00:01.000Z`,
		`msg="failover: claimed item queued without a fire time (as ElasticJob queues it)" item=3`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("no line %s in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "0001-01-01") {
		t.Errorf("a zero time logged:\n%s", out)
	}
}
