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
			t.Fatalf("not within %v: "+format, append([]any{timeout}, resolve(args)...)...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Later wraps a value to show in a failure message as it is when the message is written (at
// the deadline), not when Eventually was called: Later(rec.all) shows the runs that happened.
type Later[T any] func() T

func (l Later[T]) now() any { return l() }

// resolve replaces the Later arguments of a message by their values.
func resolve(args []any) []any {
	out := make([]any, len(args))
	for k, a := range args {
		if l, ok := a.(interface{ now() any }); ok {
			a = l.now()
		}
		out[k] = a
	}
	return out
}
