// Package jobs holds the service's jobs; go generate turns their //elasticjob: directives
// into Module (zz_generated.elasticjob.go).
//
//go:generate go tool ejgen
package jobs
