package testkit

import (
	"fmt"
	"maps"
	"testing"
	"time"
)

// recorder is a testing.TB that records Fatalf instead of stopping the test.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestEventuallyWaitsForTheCondition(t *testing.T) {
	calls := 0
	r := &recorder{TB: t}
	Eventually(r, time.Second, func() bool { calls++; return calls == 3 }, "three calls")
	if r.fatal != "" || calls != 3 {
		t.Fatalf("calls %d, fatal %q", calls, r.fatal)
	}
}

func TestEventuallyNamesTheTimeoutAndWhat(t *testing.T) {
	r := &recorder{TB: t}
	// Fatalf does not stop the loop here, so the condition ends it after the failure.
	failed := func() bool { return r.fatal != "" }
	Eventually(r, 30*time.Millisecond, failed, "item %d of %s", 2, "myJob")
	if want := "not within 30ms: item 2 of myJob"; r.fatal != want {
		t.Fatalf("got %q, want %q", r.fatal, want)
	}
}

func TestBufferTakesConcurrentWrites(t *testing.T) {
	var b Buffer
	done := make(chan struct{})
	for range 2 {
		go func() {
			_, _ = b.Write([]byte("ab"))
			done <- struct{}{}
		}()
	}
	<-done
	<-done
	if got := b.String(); got != "abab" {
		t.Fatalf("got %q", got)
	}
}

func TestWithCopiesAndChangesOneKey(t *testing.T) {
	base := map[string]string{"a": "1", "b": "2"}
	if got := With(base, "a", "x"); !maps.Equal(got, map[string]string{"a": "x", "b": "2"}) {
		t.Fatalf("set: %v", got)
	}
	if got := With(base, "b", Absent); !maps.Equal(got, map[string]string{"a": "1"}) {
		t.Fatalf("absent: %v", got)
	}
	if !maps.Equal(base, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("base changed: %v", base)
	}
}
