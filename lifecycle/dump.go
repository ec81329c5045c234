package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// maxDumpReply bounds the reply Dump reads: a job's subtree is far smaller.
const maxDumpReply = 64 << 20

// Dump asks the dump service of the instance at addr ("host:port": the instance's
// elasticjob.dump.address or IP, and elasticjob.dump.port) for job's registry subtree as that
// instance sees it, and returns the text as the service sends it: ElasticJob's format, one
// "path | value" entry per node, the four-column form where the instance's cache differs from
// ZooKeeper, IPv4 addresses masked as ip1, ip2…. As ElasticJob's JobOperateAPI.dump, it talks
// to the instance, not to the registry; it also reads an ElasticJob-Lite 3.x instance.
//
// A job the instance's registry does not hold is ErrNotFound. ctx bounds the whole exchange:
// a service that neither answers nor closes holds Dump until ctx ends.
func Dump(ctx context.Context, addr, job string) (string, error) {
	if err := checkJobName(job); err != nil {
		return "", err
	}
	if strings.Contains(job, "@") {
		return "", fmt.Errorf("lifecycle: %q: the dump protocol (dump@{job}) cannot name a job with @", job)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", fmt.Errorf("lifecycle: dump of job %q: %w", job, err)
	}
	defer c.Close()
	// The end of ctx (its deadline too: it runs after ctx.Err is set) unblocks the exchange.
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	fail := func(err error) (string, error) {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return "", fmt.Errorf("lifecycle: dump of job %q at %s: %w", job, addr, err)
	}
	if _, err := io.WriteString(c, "dump@"+job+"\n"); err != nil {
		return fail(err)
	}
	reply, err := io.ReadAll(io.LimitReader(c, maxDumpReply+1))
	switch {
	case errors.Is(err, syscall.ECONNRESET) && len(reply) == 0:
		// Closed with the request unread (a service at its connection bound): no reply either.
	case err != nil:
		return fail(err)
	case len(reply) > maxDumpReply:
		return fail(fmt.Errorf("the reply exceeds %d MiB", maxDumpReply>>20))
	}
	switch string(reply) {
	case "":
		return fail(errors.New("the service closed the connection without a reply (not a dump service, at its connection bound, or unable to read its registry)"))
	case "\n":
		return "", fmt.Errorf("lifecycle: dump at %s: job %q is not in the instance's registry: %w", addr, job, ErrNotFound)
	}
	return string(reply), nil
}
