package engine

import (
	"sync/atomic"
	"time"
)

// pauseWatch notices when the whole process was frozen (SIGSTOP, a suspended VM, a very long GC
// pause): its ticker then fires late. The registry's lease (Center.Heard) cannot tell: on
// waking, the client first reads what the server sent before the pause, which looks like news.
type pauseWatch struct {
	born      time.Time
	lastTick  atomic.Int64 // ns since born
	pauseEnd  atomic.Int64 // ns since born: when the last long pause ended; 0 before any
	threshold func() time.Duration
	stop      chan struct{}
	done      chan struct{}
}

// pauseTick is the watch's period: a pause is seen to within it.
const pauseTick = 100 * time.Millisecond

func newPauseWatch(threshold func() time.Duration) *pauseWatch {
	w := &pauseWatch{born: time.Now(), threshold: threshold, stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *pauseWatch) run() {
	defer close(w.done)
	t := time.NewTicker(pauseTick)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			now := int64(time.Since(w.born))
			if time.Duration(now-w.lastTick.Load()) > w.threshold() {
				w.pauseEnd.Store(now)
			}
			w.lastTick.Store(now)
		}
	}
}

func (w *pauseWatch) close() {
	close(w.stop)
	<-w.done
}

// pausedSince reports whether the process has been frozen longer than the threshold since t,
// or is waking from such a pause right now (before the ticker has run).
func (w *pauseWatch) pausedSince(t time.Time) bool {
	now := int64(time.Since(w.born))
	if time.Duration(now-w.lastTick.Load()) > w.threshold()+pauseTick {
		return true
	}
	end := w.pauseEnd.Load()
	return end != 0 && w.born.Add(time.Duration(end)).After(t)
}
