// Package jobs holds the quickstart's jobs. Their //elasticjob: directives become Module in
// zz_generated.elasticjob.go:
//
//go:generate go run github.com/elasticjob-go/elasticjob/cmd/ejgen
package jobs
