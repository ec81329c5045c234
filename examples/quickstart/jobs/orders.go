package jobs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

// Order is what the dataflow job moves.
type Order struct {
	ID     int
	Region string
}

// OrderFeed is a dataflow job: each fire fetches the new orders of an item (a region) and
// processes them.
//
//elasticjob:job name=orderFeed cron="0/5 * * * * ?" shardingTotalCount=2 shardingItemParameters="0=EU,1=US"
type OrderFeed struct {
	mu   sync.Mutex
	next int
}

// NewOrderFeed starts the order numbers at 1.
func NewOrderFeed() *OrderFeed { return &OrderFeed{next: 1} }

// FetchData makes up two new orders of the item's region.
func (f *OrderFeed) FetchData(ctx context.Context, sc starter.ShardingContext) ([]Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	orders := []Order{{ID: f.next, Region: sc.ShardingParameter}, {ID: f.next + 1, Region: sc.ShardingParameter}}
	f.next += 2
	return orders, nil
}

// ProcessData prints the item it runs and the orders it got.
func (f *OrderFeed) ProcessData(ctx context.Context, sc starter.ShardingContext, orders []Order) error {
	fmt.Printf("job=%s item=%d parameter=%q fire=%s orders=%v\n",
		sc.JobName, sc.ShardingItem, sc.ShardingParameter, sc.FireTime.Format(time.RFC3339), orders)
	return nil
}
