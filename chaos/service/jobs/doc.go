// Package jobs holds the chaos service's job. Its //elasticjob: directive becomes Module in
// zz_generated.elasticjob.go:
//
//go:generate go run github.com/elasticjob-go/elasticjob/cmd/ejgen
package jobs
