package dataflow

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Line is a local element type.
type Line = string

// LineCount counts lines; value receivers, no constructor.
//
//elasticjob:job name=lineCount cron="0 0 * * * ?"
type LineCount struct{}

func (LineCount) FetchData(ctx context.Context, sc starter.ShardingContext) ([]Line, error) {
	return []Line{"a", "b"}, nil
}

func (LineCount) ProcessData(ctx context.Context, sc starter.ShardingContext, data []string) error {
	return nil
}
