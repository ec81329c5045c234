// Package freeport finds free TCP ports on the loopback interface for test servers.
package freeport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

const (
	lowest        = 10000
	attemptsPerPt = 200
	rangeFile     = "/proc/sys/net/ipv4/ip_local_port_range"
)

// Ports returns n distinct ports that are free on 127.0.0.1 right now. They are drawn at random
// below the kernel's ephemeral range, so that no outgoing connection can take one of them while
// a test server is down: a killed ZooKeeper node must be able to restart on its own ports.
func Ports(n int) ([]int, error) {
	high, err := ephemeralLow()
	if err != nil {
		return nil, err
	}
	if high <= lowest+n {
		return nil, fmt.Errorf("freeport: ephemeral range in %s starts at %d: no room below it", rangeFile, high)
	}
	// Hold every port until all are found, so the n ports are distinct and each was bindable.
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for attempts := 0; len(ports) < n; attempts++ {
		if attempts == n*attemptsPerPt {
			return nil, fmt.Errorf("freeport: found only %d of %d free ports in [%d, %d)", len(ports), n, lowest, high)
		}
		p := lowest + rand.IntN(high-lowest)
		l, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue
		}
		held = append(held, l)
		ports = append(ports, p)
	}
	return ports, nil
}

// ephemeralLow reads the first port of the kernel's ephemeral range.
func ephemeralLow() (int, error) {
	b, err := os.ReadFile(rangeFile)
	if errors.Is(err, os.ErrNotExist) {
		return 32768, nil // not Linux: the IANA dynamic range starts at 49152, Linux's at 32768
	}
	if err != nil {
		return 0, fmt.Errorf("freeport: %w", err)
	}
	fields := strings.Fields(string(b))
	if len(fields) != 2 {
		return 0, fmt.Errorf("freeport: %s: unexpected content %q", rangeFile, b)
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil {
		return 0, fmt.Errorf("freeport: %s: %w", rangeFile, err)
	}
	return low, nil
}
