// Package mistakes is full of mistakes: ejgen must report each of them and write nothing.
package mistakes

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

//elasticjob:job name=badKeys shardingTotalCont=3 failover=yes
type BadKeys struct{}

func (BadKeys) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=noMethods cron="0/5 * * * * ?"
type NoMethods struct{}

//elasticjob:job name=wrongExecute
type WrongExecute struct{}

func (*WrongExecute) Execute(ctx context.Context) error { return nil }

//elasticjob:job name=badCron cron="0/5 * * *"
func BadCron(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=badZone cron="0 0 3 * * ?" timeZone=Mars/Olympus
func BadZone(ctx context.Context, sc starter.ShardingContext) error { return nil }

// elasticjob:job name=spaced
func Spaced(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=dup
func DupA(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=dup
func DupB(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=onVar
var onVar = 1

func inside() {
	//elasticjob:job name=inside
	_ = onVar
}

//elasticjob:listener job=dup
func NotAListener() {}

//elasticjob:listener job=dup order=first
type HalfListener struct{}

func (HalfListener) BeforeJobExecuted(ctx context.Context, scs starter.ShardingContexts) error {
	return nil
}

//elasticjob:job name=mismatch
type Mismatch struct{}

func (Mismatch) FetchData(ctx context.Context, sc starter.ShardingContext) ([]int, error) {
	return nil, nil
}

func (Mismatch) ProcessData(ctx context.Context, sc starter.ShardingContext, data []string) error {
	return nil
}

//elasticjob:job name=badCtor
type BadCtor struct{}

func NewBadCtor() (int, error) { return 0, nil }

func (BadCtor) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=valueCtor
type ValueCtor struct{}

func NewValueCtor() ValueCtor { return ValueCtor{} }

func (*ValueCtor) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

// Thing has a directive on a method.
type Thing struct{}

//elasticjob:job name=onMethod
func (Thing) Run() {}

//elasticjob:jobb name=typo
func Typo(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=funcSig
func FuncSig(ctx context.Context) error { return nil }

//elasticjob:listener order=1
type NoJob struct{}

//elasticjob:job name=both
type Both struct{}

func (Both) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

func (Both) FetchData(ctx context.Context, sc starter.ShardingContext) ([]int, error) {
	return nil, nil
}

func (Both) ProcessData(ctx context.Context, sc starter.ShardingContext, data []int) error {
	return nil
}

// Module is taken.
var Module = 1

var _ = inside

//elasticjob:job name=a/b
func BadName1(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job cron="0 * * * * ?"
func NoName(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=alias
type Alias = BadKeys

//elasticjob:job name=iface
type Iface interface {
	Execute(ctx context.Context, sc starter.ShardingContext) error
}

//elasticjob:job name=generic
type Generic[T any] struct{ last T }

func (*Generic[T]) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }

//elasticjob:job name=grouped
type (
	GroupA struct{}
	GroupB struct{}
)

//elasticjob:distributeonce job=dup startedTimeout=0s
type WrongListener struct{}

func (WrongListener) BeforeJobExecuted(ctx context.Context, scs starter.ShardingContext) error {
	return nil
}

func (WrongListener) AfterJobExecuted(ctx context.Context, scs starter.ShardingContexts) {}
