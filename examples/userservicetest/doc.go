// Package userservicetest holds the acceptance test of examples/userservice. That service is
// a Go module of its own, as a user's would be, so the root module's ./... does not reach it:
// this package's test drives it through the go command, the way its users do.
package userservicetest
