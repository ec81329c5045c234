// Package regof hands this module's operations packages (lifecycle, and through it the console)
// the registry session under a starter.RegistryCenter, which keeps it unexported from users: a
// running service can be operated on its own session, the embedded registry included.
package regof

import "github.com/elasticjob-go/elasticjob/internal/reg"

var centerOf func(rc any) *reg.Center

// Set is called once, by package starter's init.
func Set(f func(rc any) *reg.Center) { centerOf = f }

// Center returns the session under rc, a *starter.RegistryCenter; nil for anything else.
func Center(rc any) *reg.Center {
	if centerOf == nil {
		return nil
	}
	return centerOf(rc)
}
