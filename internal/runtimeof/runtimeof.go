// Package runtimeof lets the module's own packages (autoconfig's dump service) reach the engine
// behind a *starter.RegistryCenter without making the engine part of starter's public API.
// Package starter registers the accessor when it is initialised; this package cannot name
// starter's type (starter imports it), hence the any.
package runtimeof

import "github.com/elasticjob-go/elasticjob/internal/engine"

var of func(rc any) *engine.Runtime

// Register installs the accessor; package starter calls it once, at init.
func Register(f func(rc any) *engine.Runtime) { of = f }

// Of returns the engine runtime of rc, a *starter.RegistryCenter; nil for anything else.
func Of(rc any) *engine.Runtime {
	if of == nil {
		return nil
	}
	return of(rc)
}
