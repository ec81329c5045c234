package autoconfig

import (
	"strconv"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
	"github.com/elasticjob-go/elasticjob/internal/jobconf/jobconftest"
	"github.com/elasticjob-go/elasticjob/starter"
)

// YAML and the environment accept and refuse each job key's values as every other surface
// does (the cases come from jobconf's table), and each error names its file or variable and
// the key path.
func TestJobKeysFollowTheSchema(t *testing.T) {
	for _, c := range jobconftest.Cases(jobconf.File) {
		job, base := "orderSync", handlerProps
		if c.Key.Name == "elasticJobType" { // only for jobs declared in YAML alone
			job, base = "typed", `      elasticJobType: SCRIPT
      props: {script.command.line: /bin/true, http.uri: "http://127.0.0.1:1/", http.method: GET}
`
		}
		value := c.Value
		if c.Key.Type == jobconf.String {
			value = strconv.Quote(value)
		}
		t.Run("yaml/"+c.Name(), func(t *testing.T) {
			file := "elasticjob:\n  jobs:\n    " + job + ":\n" + base
			if c.Key.Name != "elasticJobType" {
				file += "      " + c.Key.Name + ": " + value + "\n"
			} else {
				file = strings.Replace(file, "elasticJobType: SCRIPT", "elasticJobType: "+value, 1)
			}
			inTempDir(t, map[string]string{"application.yaml": file})
			checkCase(t, c, job, "application.yaml: elasticjob.jobs."+job+"."+c.Key.Name+": ")
		})
		t.Run("env/"+c.Name(), func(t *testing.T) {
			file := "elasticjob:\n  jobs:\n    " + job + ":\n" + base
			inTempDir(t, map[string]string{"application.yaml": file})
			variable := "ELASTICJOB_JOBS_" + strings.ToUpper(job) + "_" + strings.ToUpper(c.Key.Name)
			t.Setenv(variable, c.Value)
			checkCase(t, c, job, "environment: "+variable+": ")
		})
	}
}

// checkCase loads the configuration and checks the case: a good value reaches the job's
// configuration as it was written, a bad one is an error naming where it was written.
func checkCase(t *testing.T, c jobconftest.Case, job, where string) {
	t.Helper()
	props, err := load([]starter.JobDefinition{orderSync(nil)})
	switch {
	case !c.Bad && err == nil && c.Key.In&jobconf.Stored != 0:
		conf := props.Jobs[job].Configuration(job)
		if got := c.Key.Value(&conf); got != c.Value {
			t.Fatalf("the job's configuration holds %q", got)
		}
	case !c.Bad && err != nil:
		t.Fatalf("refused: %v", err)
	case c.Bad && err == nil:
		t.Fatal("accepted")
	case c.Bad && (!strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), c.Contains)):
		t.Fatalf("error %q, want %s...%s", err, where, c.Contains)
	}
}

// handlerProps are the props every error handler type needs, so that only the key at test
// decides.
const handlerProps = `      props:
        email: {host: smtp.example.com, port: 25, username: u, password: p, from: a@example.com, to: b@example.com}
        wechat.webhook: "https://example.com/wechat"
        dingtalk.webhook: "https://example.com/dingtalk"
`

// The regCenter ints have bounds and the digest a form; the digest is never shown.
func TestRegCenterBounds(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": `elasticjob:
  regCenter:
    sessionTimeoutMilliseconds: -1
    connectionTimeoutMilliseconds: 0
    baseSleepTimeMilliseconds: -1
    maxSleepTimeMilliseconds: 0
    digest: s3cret
`})
	t.Setenv("ELASTICJOB_REGCENTER_MAXRETRIES", "-2")
	_, err := load(nil)
	want := `application.yaml: elasticjob.regCenter.sessionTimeoutMilliseconds: -1 is out of range: want a positive int
application.yaml: elasticjob.regCenter.connectionTimeoutMilliseconds: 0 is out of range: want a positive int
application.yaml: elasticjob.regCenter.baseSleepTimeMilliseconds: -1 is out of range: want a positive int
application.yaml: elasticjob.regCenter.maxSleepTimeMilliseconds: 0 is out of range: want a positive int
environment: ELASTICJOB_REGCENTER_MAXRETRIES: -2 is out of range: want a positive int
application.yaml: elasticjob.regCenter.digest: the digest (not shown) is not user:password`
	wantError(t, err, want)
	for _, ok := range []string{"user:s3cret", ""} {
		t.Setenv("ELASTICJOB_REGCENTER_MAXRETRIES", "1")
		inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  regCenter:\n    digest: \"" + ok + "\"\n"})
		if _, err := load(nil); err != nil {
			t.Fatalf("digest %q: %v", ok, err)
		}
	}
}
