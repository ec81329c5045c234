// Package stale had directives once; its generated file must go.
package stale

// Gone used to be a job.
type Gone struct{}
