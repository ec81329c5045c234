package engine

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// A registered, idle job costs data, not goroutines.
func TestIdleJobsCostNoGoroutines(t *testing.T) {
	cl := newEmbeddedCluster(t, 10*time.Second)
	a := cl.start("10.0.0.1", 100)
	first := jobapi.NewJobConfiguration("cost0", 2)
	first.Cron = never
	a.register(t, first, &recorder{}).Schedule()
	settle := func() int {
		n := runtime.NumGoroutine()
		testkit.Eventually(t, 5*time.Second, func() bool {
			m := runtime.NumGoroutine()
			stable := m == n
			n = m
			return stable
		}, "goroutine count settles")
		return n
	}
	time.Sleep(200 * time.Millisecond)
	before := settle()
	const jobs = 200
	for k := 1; k <= jobs; k++ {
		cfg := jobapi.NewJobConfiguration(fmt.Sprintf("cost%d", k), 2)
		cfg.Cron = never
		a.register(t, cfg, &recorder{}).Schedule()
	}
	time.Sleep(500 * time.Millisecond) // registration's short-lived goroutines end
	after := settle()
	t.Logf("%d idle jobs: %d goroutines before, %d after", jobs, before, after)
	if after-before > 10 {
		t.Fatalf("%d idle jobs added %d goroutines", jobs, after-before)
	}
}
