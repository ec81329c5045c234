package testkit

import (
	"fmt"
	"testing"
)

// ender is a testing.TB that records how Unavailable ended the test instead of ending it.
type ender struct {
	testing.TB
	fatal, skip string
}

func (e *ender) Helper()                           {}
func (e *ender) Fatalf(format string, args ...any) { e.fatal = fmt.Sprintf(format, args...) }
func (e *ender) Skip(args ...any)                  { e.skip = fmt.Sprint(args...) }

func TestUnavailableSkipsByHandAndFailsWhereServersMustBe(t *testing.T) {
	const reason = "no X server: run `make test`"
	for _, c := range []struct {
		ci, managed string
		fatal, skip string
	}{
		{"", "", "", reason},
		{"false", "0", "", reason},
		{"true", "", reason + " (CI=true: failing instead of skipping)", ""},
		{"", "1", reason + " (ZKTEST_MANAGED=1: failing instead of skipping)", ""},
		{"true", "1", reason + " (CI=true: failing instead of skipping)", ""},
	} {
		t.Setenv(EnvCI, c.ci)
		t.Setenv(EnvManaged, c.managed)
		e := &ender{TB: t}
		Unavailable(e, reason)
		if e.fatal != c.fatal || e.skip != c.skip {
			t.Errorf("CI=%q ZKTEST_MANAGED=%q: fatal %q, skip %q; want fatal %q, skip %q", c.ci, c.managed, e.fatal, e.skip, c.fatal, c.skip)
		}
	}
}
