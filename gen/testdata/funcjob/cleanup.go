// Package funcjob is a job declared on a func.
package funcjob

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Cleanup removes old rows.
//
//elasticjob:job name=cleanup cron="0 0 3 * * ?" timeZone=Asia/Shanghai
func Cleanup(ctx context.Context, sc starter.ShardingContext) error { return nil }
