package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"

	"example.com/userservice/store"
)

// Report writes one report per item every second; the cluster shares the six items.
//
//elasticjob:job name=report cron="* * * * * ?" shardingTotalCount=6 shardingItemParameters="0=north,1=south,2=east,3=west,4=centre,5=islands" failover=true
type Report struct {
	store *store.Store
}

// NewReport is the job's constructor: fx passes it the store.
func NewReport(s *store.Store) *Report { return &Report{store: s} }

// Execute records the item's report and prints when it ran and when the store was opened.
func (r *Report) Execute(ctx context.Context, sc starter.ShardingContext) error {
	now := time.Now()
	n, err := r.store.AddReport(sc.ShardingItem)
	if err != nil {
		return err
	}
	fmt.Printf("execute at=%s storeOpenedAt=%s region=%s reports=%d\n",
		now.UTC().Format(time.RFC3339Nano), r.store.OpenedAt().UTC().Format(time.RFC3339Nano), sc.ShardingParameter, n)
	fmt.Printf("instance=%s item=%d fire=%s\n", instanceOf(sc.TaskID), sc.ShardingItem, sc.FireTime.UTC().Format(time.RFC3339))
	return nil
}

// instanceOf is the instance id (ip@-@pid) at the end of a task id
// job@-@items@-@READY@-@ip@-@pid.
func instanceOf(taskID string) string {
	parts := strings.SplitN(taskID, "@-@", 4)
	return parts[len(parts)-1]
}
