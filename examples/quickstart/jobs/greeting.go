package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Greeting is a simple job: Execute runs once per sharding item of every fire.
//
//elasticjob:job name=greeting cron="0/2 * * * * ?" shardingTotalCount=2 shardingItemParameters="0=Hello,1=Bonjour"
type Greeting struct{}

// Execute prints the item it runs.
func (Greeting) Execute(ctx context.Context, sc starter.ShardingContext) error {
	fmt.Printf("job=%s item=%d parameter=%q jobParameter=%q fire=%s\n",
		sc.JobName, sc.ShardingItem, sc.ShardingParameter, sc.JobParameter, sc.FireTime.Format(time.RFC3339))
	return nil
}
