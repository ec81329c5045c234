package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/dump/dumptest"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// ejctl dump prints what the instance's dump service sends, byte for byte, and needs no
// registry; an unknown job or an instance that cannot be reached is exit 1 with one line, a
// missing or malformed --instance exit 2.
func TestDump(t *testing.T) {
	ns := fmt.Sprintf("ejctl-dump-%d", time.Now().UnixNano())
	svc := dumptest.Start(t, zktest.Servers(t), ns, "dumpedJob")
	ejctl := func(args ...string) (stdout, stderr string, code int) {
		var out, errOut bytes.Buffer
		code = runIn(context.Background(), args, &out, &errOut, time.UTC)
		return out.String(), errOut.String(), code
	}
	// The subtree moves while the job settles (its election's latch node comes and goes): the
	// output is compared with the client's reading that follows it, until both agree.
	var out, errOut, want string
	var code int
	testkit.Eventually(t, time.Minute, func() bool {
		out, errOut, code = ejctl("dump", "dumpedJob", "--instance", svc.Addr)
		want, _ = lifecycle.Dump(t.Context(), svc.Addr, "dumpedJob")
		return out == want && errOut == "" && code == 0 && strings.Contains(out, "\n/dumpedJob/config | ")
	}, "ejctl dump dumpedJob: exit %d\n--- stdout\n%s--- stderr\n%s--- the dump service's reply\n%s",
		testkit.Later[int](func() int { return code }), testkit.Later[string](func() string { return out }),
		testkit.Later[string](func() string { return errOut }), testkit.Later[string](func() string { return want }))

	refused := dumptest.FreeAddr(t)
	for _, c := range []struct {
		args   []string
		stderr string // a prefix when it ends in "…"
		code   int
	}{
		{[]string{"dump", "nosuch", "--instance", svc.Addr}, `ejctl dump: lifecycle: dump at ` + svc.Addr + `: job "nosuch" is not in the instance's registry: not found` + "\n", 1},
		{[]string{"dump", "dumpedJob", "--instance", refused}, `ejctl dump: lifecycle: dump of job "dumpedJob": dial tcp ` + refused + ": …", 1},
		{[]string{"dump", "dumpedJob"}, "ejctl dump: --instance HOST:PORT is required\nusage: ejctl dump JOB --instance HOST:PORT\n", 2},
		{[]string{"dump", "--instance", svc.Addr}, "ejctl dump: wants JOB, got 0 argument(s)\nusage: ejctl dump JOB --instance HOST:PORT\n", 2},
		{[]string{"dump", "dumpedJob", "--instance", "127.0.0.1"}, "ejctl dump: --instance 127.0.0.1: want HOST:PORT\nusage: ejctl dump JOB --instance HOST:PORT\n", 2},
	} {
		out, errOut, code := ejctl(c.args...)
		prefix, isPrefix := strings.CutSuffix(c.stderr, "…")
		okErr := errOut == c.stderr || isPrefix && strings.HasPrefix(errOut, prefix) && strings.Count(errOut, "\n") == 1
		if out != "" || !okErr || code != c.code {
			t.Errorf("ejctl %s: exit %d, stdout %q\nstderr %q\nwant exit %d, stderr %q", strings.Join(c.args, " "), code, out, errOut, c.code, c.stderr)
		}
	}
}
