package jobtype

import (
	"runtime"
	"testing"
)

func TestPoolSize(t *testing.T) {
	for typ, want := range map[string]int{"": 2 * runtime.NumCPU(), "CPU": 2 * runtime.NumCPU(), "SINGLE_THREAD": 1} {
		if got, err := PoolSize(typ); err != nil || got != want {
			t.Errorf("PoolSize(%q) = %d, %v; want %d", typ, got, err, want)
		}
	}
	for typ, want := range map[string]string{
		"FOO": `jobExecutorServiceHandlerType "FOO": want CPU or SINGLE_THREAD`,
		"cpu": `jobExecutorServiceHandlerType "cpu": want CPU or SINGLE_THREAD`,
	} {
		if _, err := PoolSize(typ); err == nil || err.Error() != want {
			t.Errorf("PoolSize(%q) error = %v; want %s", typ, err, want)
		}
	}
}
