package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Split runs every second; its six items are shared among the live instances, and with
// failover=true the items an instance was running when it died are run again by another.
//
//elasticjob:job name=split cron="* * * * * ?" shardingTotalCount=6 failover=true description="six items shared by the cluster"
type Split struct{}

// Execute prints which instance runs which item of which fire.
func (Split) Execute(ctx context.Context, sc starter.ShardingContext) error {
	fmt.Printf("instance=%s item=%d fire=%s\n", instanceOf(sc.TaskID), sc.ShardingItem, sc.FireTime.UTC().Format(time.RFC3339))
	return nil
}

// instanceOf is the instance id (ip@-@pid) at the end of a task id
// job@-@items@-@READY@-@ip@-@pid.
func instanceOf(taskID string) string {
	parts := strings.SplitN(taskID, "@-@", 4)
	return parts[len(parts)-1]
}
