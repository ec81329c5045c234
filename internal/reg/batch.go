package reg

import "sync"

// Batcher groups the transactions of concurrent callers (group commit): while one multi is on
// its way to the server, the transactions submitted meanwhile wait and go together in the next.
// A hundred jobs firing at the same instant then cost a couple of round trips instead of a
// hundred queued ones. When more than a full multi waits (thousands of jobs stopping together),
// up to maxSenders multis are on their way at once. When an operation fails a combined multi,
// its caller gets the error and the others' transactions are sent again without it: one
// caller's conflict does not undo another's transaction.
type Batcher struct {
	c *Center

	mu      sync.Mutex
	queue   []*pendingTxn
	senders int // goroutines sending the queue
}

type pendingTxn struct {
	ops  []Op
	done chan error
}

// maxBatchOps bounds a combined multi, well below ZooKeeper's 1 MB request limit for the small
// nodes it carries.
const maxBatchOps = 1000

// maxSenders bounds the multis on their way at once: more than one only while a backlog of full
// batches waits (thousands of jobs stopping together), so that the server works on the next
// while the client reads the last one's answer.
const maxSenders = 4

// NewBatcher returns a Batcher of c's transactions.
func (c *Center) NewBatcher() *Batcher { return &Batcher{c: c} }

// Txn runs ops atomically, as Center.Txn does, possibly in one multi with other callers' ops.
func (b *Batcher) Txn(ops ...Op) error {
	p := &pendingTxn{ops: ops, done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if b.senders == 0 {
		b.senders++
		go b.flush()
	}
	b.mu.Unlock()
	return <-p.done
}

// flush sends the queue, batch after batch, until it is empty.
func (b *Batcher) flush() {
	for {
		b.mu.Lock()
		n, ops := 0, 0
		for n < len(b.queue) && (n == 0 || ops+len(b.queue[n].ops) <= maxBatchOps) {
			ops += len(b.queue[n].ops)
			n++
		}
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		if n == 0 {
			b.senders--
			if b.senders == 0 {
				b.queue = nil
			}
		} else if len(b.queue) > 0 && b.senders < maxSenders {
			// A full batch is on its way and more wait: another multi goes meanwhile.
			b.senders++
			go b.flush()
		}
		b.mu.Unlock()
		if n == 0 {
			return
		}
		b.send(batch)
	}
}

// send runs a batch as one multi. When an operation fails it, the caller it belongs to gets the
// error (as if the transactions had run one after the other in batch order, which the others'
// operations before it did) and the rest are sent again; a failure no operation is named for
// (the connection) reaches every caller of the batch.
func (b *Batcher) send(batch []*pendingTxn) {
	for len(batch) > 0 {
		var all []Op
		for _, p := range batch {
			all = append(all, p.ops...)
		}
		failed, err := b.c.txn(all)
		if err == nil || failed < 0 {
			for _, p := range batch {
				p.done <- err
			}
			return
		}
		for k, p := range batch {
			if failed < len(p.ops) {
				p.done <- err
				batch = append(batch[:k:k], batch[k+1:]...)
				break
			}
			failed -= len(p.ops)
		}
	}
}
