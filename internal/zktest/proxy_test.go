package zktest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoServer answers every line with the same line until the test ends.
func echoServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func dialProxy(t *testing.T, p *Proxy) (net.Conn, *bufio.Reader) {
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, line string, wait time.Duration) (string, error) {
	t.Helper()
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(wait))
	got, err := r.ReadString('\n')
	return strings.TrimSuffix(got, "\n"), err
}

func TestProxyForwardsBlackholesAndRestores(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	c, r := dialProxy(t, p)
	if got, err := roundTrip(t, c, r, "one", 2*time.Second); err != nil || got != "one" {
		t.Fatalf("forwarding: got %q, %v; want \"one\"", got, err)
	}

	p.Blackhole()
	if got, err := roundTrip(t, c, r, "two", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("blackholed: got %q, %v; want a read timeout", got, err)
	}
	c2, r2 := dialProxy(t, p) // new connections are accepted but held too
	if got, err := roundTrip(t, c2, r2, "three", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("new connection while blackholed: got %q, %v; want a read timeout", got, err)
	}

	p.Restore()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if got, err := r.ReadString('\n'); err != nil || got != "two\n" {
		t.Fatalf("held data after Restore: got %q, %v; want \"two\\n\"", got, err)
	}
	c2.SetReadDeadline(time.Now().Add(2 * time.Second))
	if got, err := r2.ReadString('\n'); err != nil || got != "three\n" {
		t.Fatalf("held data of the second connection: got %q, %v; want \"three\\n\"", got, err)
	}
}

func TestProxyCutClosesConnections(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	c, r := dialProxy(t, p)
	if got, err := roundTrip(t, c, r, "one", 2*time.Second); err != nil || got != "one" {
		t.Fatalf("forwarding: got %q, %v", got, err)
	}
	p.Cut()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := r.ReadString('\n'); !errors.Is(err, io.EOF) {
		t.Fatalf("after Cut: read error %v, want EOF", err)
	}
	c2, r2 := dialProxy(t, p)
	if got, err := roundTrip(t, c2, r2, "again", 2*time.Second); err != nil || got != "again" {
		t.Fatalf("a new connection after Cut: got %q, %v; want \"again\"", got, err)
	}
}

// A delayed proxy answers no sooner than twice the delay, in order; without a delay it forwards
// at once again.
func TestProxyDelays(t *testing.T) {
	p := NewProxy(t, echoServer(t))
	c, r := dialProxy(t, p)
	p.Delay(150 * time.Millisecond)
	start := time.Now()
	for _, line := range []string{"one", "two"} {
		if _, err := io.WriteString(c, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"one", "two"} {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if got, err := r.ReadString('\n'); err != nil || got != want+"\n" {
			t.Fatalf("delayed: got %q, %v; want %q", got, err, want)
		}
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Fatalf("answered after %v through a proxy delaying each way by 150ms", took)
	}
	p.Delay(0)
	if got, err := roundTrip(t, c, r, "three", 5*time.Second); err != nil || got != "three" {
		t.Fatalf("after Delay(0): got %q, %v", got, err)
	}
}
