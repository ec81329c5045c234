package memzk

import (
	"sync"

	"github.com/go-zookeeper/zk"
)

// eventQueue delivers one connection's events in order from one goroutine: first to the
// callback, then to the watch channels the event ends (each buffered 1 and closed after the
// send), as go-zookeeper's receive loop does. Pushing never blocks, so the server can push while
// holding its lock; the queue is unbounded.
type eventQueue struct {
	mu        sync.Mutex
	cond      *sync.Cond
	items     []delivery
	pushed    uint64 // events ever pushed
	delivered uint64 // events whose callback and channels are done
	closed    bool
}

type delivery struct {
	ev    zk.Event
	chans []chan zk.Event
}

func newEventQueue() *eventQueue {
	q := &eventQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *eventQueue) push(ev zk.Event, chans []chan zk.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.items = append(q.items, delivery{ev, chans})
	q.pushed++
	q.cond.Broadcast()
}

// count returns how many events have been pushed so far.
func (q *eventQueue) count() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pushed
}

// close lets run return once the queued events are delivered; later pushes are dropped.
func (q *eventQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.cond.Broadcast()
}

// waitDelivered blocks until the first n events have been delivered. A request waits so before
// returning: go-zookeeper runs the callback for every event the server sent ahead of a response
// before it handles the response.
func (q *eventQueue) waitDelivered(n uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.delivered < n {
		q.cond.Wait()
	}
}

func (q *eventQueue) run(onEvent func(zk.Event)) {
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		d := q.items[0]
		q.items[0] = delivery{}
		q.items = q.items[1:]
		q.mu.Unlock()

		if onEvent != nil {
			onEvent(d.ev)
		}
		for _, ch := range d.chans {
			ch <- d.ev
			close(ch)
		}

		q.mu.Lock()
		q.delivered++
		q.cond.Broadcast()
		q.mu.Unlock()
	}
}
