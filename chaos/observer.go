package chaos

import (
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
)

// observer watches the job's instances/ in ZooKeeper from its own session and records when
// each instance node appeared and when ZooKeeper deleted it: for a crashed instance, the moment
// ZooKeeper noticed the crash (session expiry), the end of its detection window.
type observer struct {
	conn *zk.Conn
	path string
	done chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	present   map[string]bool
	deletions []deletion
}

// deletion is an instance node deleted (an instance of the same id may come back later).
type deletion struct {
	id string
	at time.Time
}

func observe(connect, path string) (*observer, error) {
	conn, _, err := zk.Connect(strings.Split(connect, ","), 10*time.Second, zk.WithLogInfo(false), zk.WithLogger(quiet{}))
	if err != nil {
		return nil, err
	}
	o := &observer{conn: conn, path: path, done: make(chan struct{}), present: map[string]bool{}}
	o.wg.Add(1)
	go o.loop()
	return o, nil
}

// loop lists the instances with a watch and lists again on every change; while the path does
// not exist yet, or ZooKeeper is unreachable, it retries every 100 ms.
func (o *observer) loop() {
	defer o.wg.Done()
	for {
		ids, _, ch, err := o.conn.ChildrenW(o.path)
		if err == nil {
			o.record(ids, time.Now())
		}
		var retry <-chan time.Time
		if err != nil {
			retry = time.After(100 * time.Millisecond)
		}
		select {
		case <-o.done:
			return
		case <-retry:
		case <-ch:
		}
	}
}

func (o *observer) record(ids []string, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	current := map[string]bool{}
	for _, id := range ids {
		current[id] = true
	}
	for id := range o.present {
		if !current[id] {
			o.deletions = append(o.deletions, deletion{id, now})
		}
	}
	o.present = current
}

// goneAt is when the instance node of the process with this pid was first deleted at or after
// from.
func (o *observer) goneAt(pid string, from time.Time) (time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, d := range o.deletions {
		if strings.HasSuffix(d.id, "@-@"+pid) && !d.at.Before(from) {
			return d.at, true
		}
	}
	return time.Time{}, false
}

func (o *observer) stop() {
	close(o.done)
	o.wg.Wait()
	o.conn.Close()
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
