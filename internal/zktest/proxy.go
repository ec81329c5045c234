package zktest

import (
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

// Proxy is a loopback TCP proxy between a ZooKeeper client and a server, for fault injection.
// A blackholed proxy keeps every socket open and accepts new ones but forwards nothing, exactly
// what a network partition looks like to both ends: the client's reads time out, the server
// hears no pings and expires the session after its timeout. Data read meanwhile is held and
// delivered, in order, on Restore. A delayed proxy (Delay) is a slow network or a busy server:
// every read arrives that much later, in order, without limiting the throughput.
type Proxy struct {
	target string
	ln     net.Listener
	done   chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	gate  chan struct{} // closed while forwarding; open (blocking) while blackholed
	conns map[net.Conn]struct{}
	delay time.Duration
}

// NewProxy listens on a free loopback port and forwards every connection to target until the
// test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("zktest: proxy to %s: %v", target, err)
	}
	open := make(chan struct{})
	close(open)
	p := &Proxy{target: target, ln: ln, done: make(chan struct{}), gate: open, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Addr is the proxy's address: give it to the client instead of the server's.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Blackhole stops forwarding in both directions; connections stay open.
func (p *Proxy) Blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
		p.gate = make(chan struct{})
	default: // already blackholed
	}
}

// Restore forwards again, held data first.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
	default:
		close(p.gate)
	}
}

// Delay delivers everything read from either side d later (0: at once), in order; a request
// and its answer are 2·d slower.
func (p *Proxy) Delay(d time.Duration) {
	p.mu.Lock()
	p.delay = d
	p.mu.Unlock()
}

// Cut closes every current connection, both sides; new connections are still accepted.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns[client] = struct{}{}
		p.conns[server] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pump(client, server)
		go p.pump(server, client)
	}
}

// pump reads src and hands what it read to deliver, holding it while the proxy is blackholed.
func (p *Proxy) pump(src, dst net.Conn) {
	defer p.wg.Done()
	out := make(chan chunk, 256)
	p.wg.Add(1)
	go p.deliver(out, src, dst)
	defer close(out)
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if !p.wait() {
			return
		}
		if n > 0 {
			p.mu.Lock()
			due := time.Now().Add(p.delay)
			p.mu.Unlock()
			out <- chunk{data: slices.Clone(buf[:n]), due: due}
		}
		if err != nil {
			return
		}
	}
}

// chunk is what one read got, and when to write it.
type chunk struct {
	data []byte
	due  time.Time
}

// deliver writes each chunk to dst when it is due; when src has ended (after the gate, so that
// a blackholed close is held too) or dst fails, it closes both.
func (p *Proxy) deliver(in <-chan chunk, src, dst net.Conn) {
	defer p.wg.Done()
	for c := range in {
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	p.mu.Lock()
	delete(p.conns, src)
	delete(p.conns, dst)
	p.mu.Unlock()
	src.Close()
	dst.Close()
	for range in { // what src still had, after dst failed
	}
}

// wait blocks while the proxy is blackholed; false when the proxy is closed.
func (p *Proxy) wait() bool {
	p.mu.Lock()
	gate := p.gate
	p.mu.Unlock()
	select {
	case <-gate:
		return true
	case <-p.done:
		return false
	}
}

func (p *Proxy) close() {
	p.ln.Close()
	close(p.done)
	p.Cut()
	p.wg.Wait()
}
