package reg

import "sync"

// mailboxBatch is how many tasks a mailbox runs before it yields its worker to other mailboxes.
const mailboxBatch = 64

// dispatcher runs mailboxes on at most max goroutines, started on demand and gone when idle. A
// mailbox is on the ready queue, or running on one worker, or idle: never on two workers at once,
// so its tasks run serially and in order.
type dispatcher struct {
	mu      sync.Mutex
	ready   []*mailbox
	workers int
	max     int
	closed  bool
	wg      sync.WaitGroup
}

func newDispatcher(max int) *dispatcher { return &dispatcher{max: max} }

// schedule queues m; it never blocks, so the ZooKeeper client's goroutine may call it.
func (d *dispatcher) schedule(m *mailbox) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.ready = append(d.ready, m)
	if d.workers < d.max {
		d.workers++
		d.wg.Add(1)
		go d.work()
	}
}

func (d *dispatcher) work() {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if len(d.ready) == 0 {
			d.workers--
			d.mu.Unlock()
			return
		}
		m := d.ready[0]
		d.ready[0] = nil
		d.ready = d.ready[1:]
		d.mu.Unlock()
		m.run()
	}
}

// closeAndWait lets the queued mailboxes finish, then refuses new work and waits for the workers.
func (d *dispatcher) closeAndWait() {
	d.wg.Wait()
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.wg.Wait()
}

// mailbox is an unbounded FIFO of tasks run by a dispatcher.
type mailbox struct {
	d       *dispatcher
	mu      sync.Mutex
	queue   []func()
	running bool // scheduled, running or held: post must not schedule it again
	closed  bool
}

// newMailbox returns a mailbox; a held one queues tasks without running them until release.
func newMailbox(d *dispatcher, held bool) *mailbox {
	return &mailbox{d: d, running: held}
}

// post queues f; it reports false when the mailbox is closed and f will never run.
func (m *mailbox) post(f func()) bool {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return false
	}
	m.queue = append(m.queue, f)
	start := !m.running
	m.running = true
	m.mu.Unlock()
	if start {
		m.d.schedule(m)
	}
	return true
}

// release starts running a held mailbox.
func (m *mailbox) release() {
	m.mu.Lock()
	start := len(m.queue) > 0
	m.running = start
	m.mu.Unlock()
	if start {
		m.d.schedule(m)
	}
}

// close refuses new tasks; the queued ones still run.
func (m *mailbox) close() {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
}

func (m *mailbox) run() {
	for range mailboxBatch {
		m.mu.Lock()
		if len(m.queue) == 0 {
			m.running = false
			m.queue = nil
			m.mu.Unlock()
			return
		}
		f := m.queue[0]
		m.queue[0] = nil
		m.queue = m.queue[1:]
		m.mu.Unlock()
		f()
	}
	m.d.schedule(m) // more to do: go to the back of the ready queue
}
