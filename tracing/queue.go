package tracing

import (
	"sync/atomic"

	"github.com/elasticjob-go/elasticjob/starter"
)

// queue is the bounded queue of events between the engine and the writer: many pushers (the
// items' goroutines), one popper (the writer). It is a ring whose slots carry a sequence number
// (D. Vyukov's bounded queue), for two reasons:
//   - A push never waits for another: a pusher claims a slot with one compare-and-swap and copies
//     the event into it. Under a mutex, the items of jobs firing together (hundreds within a
//     millisecond, on every core) queued behind each other, and a parked pusher is a late item.
//   - A push copies the event once, straight into its slot. A send on a channel copies it into a
//     temporary of the sender's frame first: the frame an item's goroutine, which starts with a
//     small stack, would have to grow (a copy of its stack) for.
type queue struct {
	slots []slot
	tail  atomic.Uint64 // the next position a push claims
	head  atomic.Uint64 // the next position pop takes; written by the writer alone

	// ready has a token when events were queued into an empty queue: the writer waits on it.
	ready chan struct{}
}

// slot is free for position p when seq is 2p, and holds the event of p when seq is 2p+1. (With
// p and p+1, a queue of one slot could not tell its event of p from being free for p+1.)
type slot struct {
	seq atomic.Uint64
	ev  starter.Event
}

func newQueue(size int) *queue {
	q := &queue{slots: make([]slot, size), ready: make(chan struct{}, 1)}
	for i := range q.slots {
		q.slots[i].seq.Store(2 * uint64(i))
	}
	return q
}

// push queues *e, or returns false when the queue is full.
func (q *queue) push(e *starter.Event) bool {
	n := uint64(len(q.slots))
	pos := q.tail.Load()
	s := &q.slots[pos%n]
	for {
		seq := s.seq.Load()
		if seq < 2*pos { // the slot still holds the event of pos-n: full
			return false
		}
		if seq == 2*pos && q.tail.CompareAndSwap(pos, pos+1) { // free for pos: claimed
			break
		}
		pos = q.tail.Load() // another push claimed pos
		s = &q.slots[pos%n]
	}
	s.ev = *e
	s.seq.Store(2*pos + 1)
	// The writer found the queue empty at pos (head == pos) and waits, or is about to: wake it.
	// The store above comes first, so a writer that looks after this load finds the event.
	if q.head.Load() == pos {
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

// pop moves the oldest event into *e, or returns false when the queue is empty (or its oldest
// event is still being copied in: its push signals when done). The slot is cleared, so that it
// keeps nothing of the event alive. Only the writer pops.
func (q *queue) pop(e *starter.Event) bool {
	pos := q.head.Load()
	s := &q.slots[pos%uint64(len(q.slots))]
	if s.seq.Load() != 2*pos+1 {
		return false
	}
	*e = s.ev
	s.ev = starter.Event{}
	s.seq.Store(2 * (pos + uint64(len(q.slots))))
	q.head.Store(pos + 1)
	return true
}

// empty says whether no event is ready for the writer.
func (q *queue) empty() bool {
	pos := q.head.Load()
	return q.slots[pos%uint64(len(q.slots))].seq.Load() != 2*pos+1
}

// len is the number of events queued (or being copied in).
func (q *queue) len() int { return int(q.tail.Load() - q.head.Load()) }

// size is the queue's bound.
func (q *queue) size() int { return len(q.slots) }
