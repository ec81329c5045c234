// Package receivers has jobs with value and pointer receivers, with and without constructors.
package receivers

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Tick has a value receiver and no constructor: fx gets a zero *Tick.
//
//elasticjob:job name=tick
type Tick struct{}

func (Tick) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

// Clock has a value receiver and a constructor returning the value.
//
//elasticjob:job name=clock
type Clock struct{ zone string }

func NewClock() Clock { return Clock{zone: "UTC"} }

func (c Clock) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

// Counter has a pointer receiver and is not a struct: fx gets new(Counter).
//
//elasticjob:job name=counter
type Counter int

func (c *Counter) Execute(ctx context.Context, sc starter.ShardingContext) error {
	*c++
	return nil
}

// Embedded gets Execute from an embedded type.
//
//elasticjob:job name=embedded
type Embedded struct{ *Counter }

func NewEmbedded() *Embedded { return &Embedded{Counter: new(Counter)} }

type (
	// Grouped is declared in a group of types.
	//
	//elasticjob:job name=grouped
	Grouped struct{}
)

func (*Grouped) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }
