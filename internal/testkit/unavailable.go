package testkit

import (
	"os"
	"testing"
)

// Environment variables under which a test must not skip for a missing server.
const (
	// EnvCI is "true" on a CI runner, where every test must run.
	EnvCI = "CI"
	// EnvManaged is "1" when scripts/test.sh (`make test`) started the servers the tests use,
	// so that a server missing there is a broken set-up, not a developer's machine.
	EnvManaged = "ZKTEST_MANAGED"
)

// Unavailable ends a test whose server (ZooKeeper, a database, Chromium) is missing. By hand it
// skips the test with reason, which should say how to get the server; under CI=true or
// ZKTEST_MANAGED=1 it fails the test instead, so that a broken set-up cannot pass as skipped
// tests.
func Unavailable(t testing.TB, reason string) {
	t.Helper()
	switch {
	case os.Getenv(EnvCI) == "true":
		t.Fatalf("%s (%s=true: failing instead of skipping)", reason, EnvCI)
	case os.Getenv(EnvManaged) == "1":
		t.Fatalf("%s (%s=1: failing instead of skipping)", reason, EnvManaged)
	default:
		t.Skip(reason)
	}
}
