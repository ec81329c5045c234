package lifecycle_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/dump/dumptest"
	"github.com/elasticjob-go/elasticjob/internal/testkit"
	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// Dump reads a running service's dump service: the job's subtree in ElasticJob's format, its
// own instance masked; an unknown job is ErrNotFound.
func TestDumpOfARunningService(t *testing.T) {
	ns := fmt.Sprintf("lifecycle-dump-%d", time.Now().UnixNano())
	svc := dumptest.Start(t, zktest.Servers(t), ns, "dumpedJob")
	_, pid, _ := strings.Cut(svc.InstanceID, "@-@")
	ctx := t.Context()
	var text string
	testkit.Eventually(t, time.Minute, func() bool {
		var err error
		text, err = lifecycle.Dump(ctx, svc.Addr, "dumpedJob")
		return err == nil && strings.HasPrefix(text, "/dumpedJob/servers | \n/dumpedJob/servers/ip1 | ENABLED\n") &&
			strings.Contains(text, "\n/dumpedJob/instances/ip1@-@"+pid+" | jobInstanceId: ip1@-@"+pid+"\nserverIp: ip1\n") &&
			strings.Contains(text, "\n/dumpedJob/config | ") && !strings.Contains(text, " |  | ")
	}, "the dump of dumpedJob is\n%s", testkit.Later[string](func() string { return text }))

	_, err := lifecycle.Dump(ctx, svc.Addr, "nosuch")
	want := fmt.Sprintf(`lifecycle: dump at %s: job "nosuch" is not in the instance's registry: not found`, svc.Addr)
	if !errors.Is(err, lifecycle.ErrNotFound) || err.Error() != want {
		t.Fatalf("Dump(nosuch) = %v, want %s", err, want)
	}
}

// fakeService accepts connections on a loopback port and hands each to serve; it stops when
// the test ends.
func fakeService(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// The client's side of the protocol: one line "dump@{job}\n", the reply read to the end and
// returned verbatim; no reply, a refused connection, a silent service and a name that is no
// job are errors naming the job and the address.
func TestDumpProtocol(t *testing.T) {
	requests := make(chan string, 1)
	const reply = "/j/config | a\nb\n/j/servers | \n"
	answering := fakeService(t, func(c net.Conn) {
		line, _ := bufio.NewReader(c).ReadString('\n')
		requests <- line
		c.Write([]byte(reply))
	})
	ctx := t.Context()
	if got, err := lifecycle.Dump(ctx, answering, "j"); err != nil || got != reply {
		t.Fatalf("Dump = %q, %v; want %q", got, err, reply)
	}
	if got := <-requests; got != "dump@j\n" {
		t.Fatalf("request %q, want \"dump@j\\n\"", got)
	}

	mute := fakeService(t, func(c net.Conn) { bufio.NewReader(c).ReadString('\n') })
	_, err := lifecycle.Dump(ctx, mute, "j")
	if want := fmt.Sprintf(`lifecycle: dump of job "j" at %s: the service closed the connection without a reply (not a dump service, at its connection bound, or unable to read its registry)`, mute); err == nil || err.Error() != want {
		t.Fatalf("Dump from a service closing without reply: %v\nwant %s", err, want)
	}

	silent := make(chan struct{})
	hanging := fakeService(t, func(net.Conn) { <-silent })
	t.Cleanup(func() { close(silent) }) // before the service stops (cleanups run last first)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = lifecycle.Dump(short, hanging, "j")
	if want := fmt.Sprintf(`lifecycle: dump of job "j" at %s: context deadline exceeded`, hanging); !errors.Is(err, context.DeadlineExceeded) || err.Error() != want {
		t.Fatalf("Dump from a silent service: %v\nwant %s", err, want)
	}

	refused := dumptest.FreeAddr(t)
	if _, err := lifecycle.Dump(ctx, refused, "j"); err == nil || !strings.HasPrefix(err.Error(), `lifecycle: dump of job "j": dial tcp `+refused+": ") {
		t.Fatalf("Dump from nobody: %v", err)
	}

	for job, want := range map[string]string{
		"":     `lifecycle: "": job name is empty`,
		"a/b":  `lifecycle: "a/b": job name must not contain / (it is a ZooKeeper path segment)`,
		"a\nb": `lifecycle: "a\nb": job name must not contain U+000A (ZooKeeper rejects it in paths)`,
		"a@b":  `lifecycle: "a@b": the dump protocol (dump@{job}) cannot name a job with @`,
	} {
		if _, err := lifecycle.Dump(ctx, refused, job); err == nil || err.Error() != want {
			t.Errorf("Dump(%q) = %v\nwant %s", job, err, want)
		}
	}
}
