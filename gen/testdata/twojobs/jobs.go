// Package twojobs declares two jobs in one package, refers to its own Module, and has
// package-level names that the generated code must not collide with.
package twojobs

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

// job is a package-level name the generated provider parameters must avoid.
var job = "first"

// First is a type job.
//
//elasticjob:job name=first jobParameter=x
type First struct{}

func (First) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

// Second is a func job.
//
//elasticjob:job name=second
func Second(ctx context.Context, sc starter.ShardingContext) error { _ = job; return nil }
