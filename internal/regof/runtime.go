package regof

import "github.com/elasticjob-go/elasticjob/internal/engine"

// The engine under a starter.RegistryCenter, for the dump service, which compares the job
// caches of the running process with the registry.

var runtimeOf func(rc any) *engine.Runtime

// SetRuntime is called once, by package starter's init.
func SetRuntime(f func(rc any) *engine.Runtime) { runtimeOf = f }

// Runtime returns the engine runtime under rc, a *starter.RegistryCenter; nil for anything else.
func Runtime(rc any) *engine.Runtime {
	if runtimeOf == nil {
		return nil
	}
	return runtimeOf(rc)
}
