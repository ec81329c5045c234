package dump

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// clientDeadline bounds every client read of these tests: far above any server deadline used,
// so that a reply or a close seen before it is the server's doing.
const clientDeadline = 30 * time.Second

func listen(t *testing.T, src Source, opts Options) *Server {
	t.Helper()
	opts.Logger = slog.New(slog.DiscardHandler)
	s, err := Listen("127.0.0.1:0", src, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func dial(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// exchange sends request (if any) and reads the reply until the server closes the connection.
func exchange(t *testing.T, c net.Conn, request string) string {
	t.Helper()
	if request != "" {
		if _, err := io.WriteString(c, request); err != nil {
			t.Fatal(err)
		}
	}
	c.SetReadDeadline(time.Now().Add(clientDeadline))
	reply, err := io.ReadAll(c)
	if errors.Is(err, syscall.ECONNRESET) && len(reply) == 0 {
		// Closed without a reply while the request was unread: the kernel answers with a reset.
		return ""
	}
	if err != nil {
		t.Fatalf("reading the reply to %q: %v (the server should have closed the connection)", request, err)
	}
	return string(reply)
}

func TestServerAnswersADumpRequest(t *testing.T) {
	src := tree()
	s := listen(t, src, Options{})
	want, err := Job(t.Context(), src, "job")
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []string{"dump@job\n", "dump@job\r\n", "dump@job@\n"} {
		if got := exchange(t, dial(t, s), req); got != want {
			t.Fatalf("reply to %q:\n%q\nwant\n%q", req, got, want)
		}
	}
	if got := exchange(t, dial(t, s), "dump@nosuchjob\n"); got != "\n" {
		t.Fatalf("reply for an unknown job: %q, want \"\\n\"", got)
	}
}

// TestServerAnswersALineEndedByTheClosingOfInput: like readLine, the end of the input ends the
// line ("printf dump@job | nc" sends no newline).
func TestServerAnswersALineEndedByTheClosingOfInput(t *testing.T) {
	s := listen(t, tree(), Options{})
	c := dial(t, s)
	io.WriteString(c, "dump@job")
	c.(*net.TCPConn).CloseWrite()
	if got := exchange(t, c, ""); len(got) < 100 {
		t.Fatalf("reply %q, want the dump", got)
	}
}

func TestServerClosesABadRequestWithoutReply(t *testing.T) {
	s := listen(t, tree(), Options{})
	for _, req := range []string{"dump\n", "dump@\n", "dump@a@b\n", "DUMP@job\n", "dump@a/b\n", "dump@..\n", "GET / HTTP/1.1\r\n\r\n"} {
		if got := exchange(t, dial(t, s), req); got != "" {
			t.Errorf("reply to %q: %q, want none", req, got)
		}
	}
}

func TestServerClosesARegistryErrorWithoutReply(t *testing.T) {
	src := tree()
	src.fail = "/job/config"
	s := listen(t, src, Options{})
	if got := exchange(t, dial(t, s), "dump@job\n"); got != "" {
		t.Fatalf("reply %q, want none", got)
	}
}

// TestServerReadDeadline: a connection that sends no line is closed, without a reply, once the
// read deadline passes (well before the client's own).
func TestServerReadDeadline(t *testing.T) {
	s := listen(t, tree(), Options{ReadTimeout: 200 * time.Millisecond})
	silent := dial(t, s)
	partial := dial(t, s)
	io.WriteString(partial, "dump@jo") // no end of line
	for _, c := range []net.Conn{silent, partial} {
		if got := exchange(t, c, ""); got != "" {
			t.Fatalf("reply %q, want none", got)
		}
	}
	// The server still serves.
	if got := exchange(t, dial(t, s), "dump@nosuchjob\n"); got != "\n" {
		t.Fatalf("reply %q after the deadline cases", got)
	}
}

// TestServerServesConnectionsConcurrently: each dump waits in the registry until all of them
// are there; served one at a time, none would finish.
func TestServerServesConnectionsConcurrently(t *testing.T) {
	const n = 4
	src := tree()
	var mu sync.Mutex
	arrived := 0
	src.block = make(chan struct{})
	var release sync.Once
	open := func() { release.Do(func() { close(src.block) }) }
	src.onChildren = func() { // a barrier in front of Children: opens when n dumps wait at it
		mu.Lock()
		defer mu.Unlock()
		if arrived++; arrived == n {
			open()
		}
	}
	s := listen(t, src, Options{MaxConns: n})
	t.Cleanup(open) // before Close, whose wait would otherwise never end
	replies := make(chan string, n)
	for range n {
		c := dial(t, s)
		go func() {
			io.WriteString(c, "dump@job\n")
			c.SetReadDeadline(time.Now().Add(clientDeadline))
			b, _ := io.ReadAll(c)
			replies <- string(b)
		}()
	}
	for range n {
		select {
		case got := <-replies:
			if len(got) < 100 {
				t.Fatalf("reply %q, want the dump", got)
			}
		case <-time.After(clientDeadline):
			t.Fatalf("no reply: the dumps were not served concurrently (%d of %d reached the registry)", arrived, n)
		}
	}
}

// TestServerBoundsConnections: beyond MaxConns a connection is closed at once without a reply;
// once one ends, the server takes a new one.
func TestServerBoundsConnections(t *testing.T) {
	s := listen(t, tree(), Options{MaxConns: 2, ReadTimeout: time.Hour})
	held := []net.Conn{dial(t, s), dial(t, s)}
	// The held connections occupy both places once the server has accepted them; until then an
	// extra connection may still be served: retry until one is refused.
	testkit.Eventually(t, clientDeadline, func() bool {
		return exchange(t, dial(t, s), "dump@nosuchjob\n") == ""
	}, "a third connection is refused while two are held")
	held[0].Close()
	testkit.Eventually(t, clientDeadline, func() bool {
		return exchange(t, dial(t, s), "dump@nosuchjob\n") == "\n"
	}, "a new connection is served once a held one ends")
}

// TestServerCloseEndsConnections: Close ends the connections in progress (goleak, in TestMain,
// checks that nothing is left).
func TestServerCloseEndsConnections(t *testing.T) {
	s := listen(t, tree(), Options{ReadTimeout: time.Hour})
	c := dial(t, s)
	io.WriteString(c, "dump@")
	// Closing while the request is being read: wait until the server holds the connection.
	testkit.Eventually(t, clientDeadline, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.conns) == 1
	}, "the server holds the connection")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := exchange(t, c, ""); got != "" {
		t.Fatalf("reply %q, want none", got)
	}
	if _, err := net.Dial("tcp", s.Addr().String()); err == nil {
		t.Fatal("the server still accepts after Close")
	}
}
