package zktest

import (
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// fourLetterTimeout bounds every 4-letter command: a SIGSTOPped server accepts the connection
// but never answers.
const fourLetterTimeout = 2 * time.Second

// notServing is ZooKeeper's answer while the server has no quorum.
const notServing = "This ZooKeeper instance is not currently serving requests"

// Srvr sends `srvr` to addr and returns its "Key: value" lines ("Mode", "Zxid", "Node count"…).
// A server that is not serving (no quorum) is an error.
func Srvr(addr string) (map[string]string, error) {
	out, err := fourLetter(addr, "srvr")
	if err != nil {
		return nil, err
	}
	m := parseLines(out, ": ")
	if _, ok := m["Mode"]; !ok {
		return nil, fmt.Errorf("srvr %s: no Mode in answer %q", addr, strings.TrimSpace(out))
	}
	return m, nil
}

// Mntr sends `mntr` to addr and returns its counters by name ("zk_znode_count",
// "zk_watch_count", "zk_packets_received"…).
func Mntr(addr string) (map[string]string, error) {
	out, err := fourLetter(addr, "mntr")
	if err != nil {
		return nil, err
	}
	m := parseLines(out, "\t")
	if _, ok := m["zk_server_state"]; !ok {
		return nil, fmt.Errorf("mntr %s: no zk_server_state in answer %q", addr, strings.TrimSpace(out))
	}
	return m, nil
}

// fourLetter sends cmd and reads the answer until the server closes the connection.
func fourLetter(addr, cmd string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, fourLetterTimeout)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", cmd, addr, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(fourLetterTimeout)); err != nil {
		return "", fmt.Errorf("%s %s: %w", cmd, addr, err)
	}
	if _, err := io.WriteString(conn, cmd); err != nil {
		return "", fmt.Errorf("%s %s: %w", cmd, addr, err)
	}
	b, err := io.ReadAll(conn)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", cmd, addr, err)
	}
	if strings.HasPrefix(string(b), notServing) {
		return "", fmt.Errorf("%s %s: not serving (no quorum)", cmd, addr)
	}
	return string(b), nil
}

func parseLines(out, sep string) map[string]string {
	m := make(map[string]string)
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, sep); ok {
			m[k] = v
		}
	}
	return m
}
