package tracing

import (
	"sync"

	"github.com/elasticjob-go/elasticjob/starter"
)

// queue is the bounded queue of events between the engine and the writer: a ring of events
// under a mutex. It is not a channel because a send on a channel copies the event into a
// temporary of the sender's frame first: the frame an item's goroutine, which starts with a
// small stack, would have to grow (a copy of its stack) for; push copies the event straight into
// the ring.
type queue struct {
	mu   sync.Mutex
	ring []starter.Event
	head int // the oldest event
	n    int // the events queued

	// ready has a token when events were queued into an empty queue: the writer waits on it.
	ready chan struct{}
}

func newQueue(size int) *queue {
	return &queue{ring: make([]starter.Event, size), ready: make(chan struct{}, 1)}
}

// push queues *e, or returns false when the queue is full.
func (q *queue) push(e *starter.Event) bool {
	q.mu.Lock()
	if q.n == len(q.ring) {
		q.mu.Unlock()
		return false
	}
	i := q.head + q.n
	if i >= len(q.ring) {
		i -= len(q.ring)
	}
	q.ring[i] = *e
	q.n++
	first := q.n == 1
	q.mu.Unlock()
	if first {
		q.signal()
	}
	return true
}

// signal wakes the writer, unless a token already waits for it.
func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop moves the oldest event into *e, or returns false when the queue is empty. The ring's slot
// is cleared, so that it keeps nothing of the event alive.
func (q *queue) pop(e *starter.Event) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return false
	}
	*e = q.ring[q.head]
	q.ring[q.head] = starter.Event{}
	q.head++
	if q.head == len(q.ring) {
		q.head = 0
	}
	q.n--
	return true
}

// empty says whether no event is queued.
func (q *queue) empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n == 0
}

// size is the queue's bound.
func (q *queue) size() int { return len(q.ring) }
