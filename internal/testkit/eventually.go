// Package testkit holds the test helpers shared by several packages' tests.
package testkit

import (
	"testing"
	"time"
)

// Eventually polls cond every 20 ms until it holds, failing t when timeout passes first with
// "not within <timeout>: " and the formatted description.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: "+format, append([]any{timeout}, args...)...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
