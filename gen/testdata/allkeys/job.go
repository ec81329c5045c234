// Package allkeys sets every key of //elasticjob:job once.
package allkeys

import (
	"context"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Everything sets every key.
//
//elasticjob:job name=everything cron="0 0/15 * * * ?" timeZone=GMT+08:00 shardingTotalCount=2 shardingItemParameters="0=Beijing, 1=Shanghai" jobParameter="" monitorExecution=false failover=true misfire=false maxTimeDiffSeconds=-1 reconcileIntervalMinutes=0 jobShardingStrategyType=ROUND_ROBIN jobExecutorServiceHandlerType=SINGLE_THREAD jobErrorHandlerType=THROW jobListenerTypes="a, b" description="say \"hi\"\tthen leave" disabled=true overwrite=true label=blue staticSharding=true jobClassName=com.example.Everything props.streaming.process=false props.script.command.line=`echo "quoted"`
type Everything struct{}

func (*Everything) Execute(ctx context.Context, sc starter.ShardingContext) error { return nil }
