package reg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The helper process's parameters.
const (
	envHelperServers = "REG_TEST_HELPER_SERVERS"
	envHelperNS      = "REG_TEST_HELPER_NAMESPACE"
	envHelperRounds  = "REG_TEST_HELPER_ROUNDS"
)

const (
	crossLatch   = "/job/leader/failover/latch"
	crossHolder  = "/job/holder"
	crossCounter = "/job/counter"
)

// testLockAcrossProcesses: helper processes (this test binary re-executed) and this process
// contend for one lock on the same server, each session its own process. The critical section
// is kept in ZooKeeper itself: an ephemeral holder node that must not exist on entry, and a
// counter read, then written a moment later, which loses updates if two ever overlap.
func testLockAcrossProcesses(t *testing.T, b backend) {
	if !b.realZK {
		t.Skip("embedded: an in-memory server cannot be shared by processes")
	}
	const processes, rounds = 3, 5
	cfg := testConfig(t)
	cfg.ServerLists = b.servers(t)
	c := b.openNS(t, cfg)
	must(t, c.Persist(crossCounter, "0"))

	var wg sync.WaitGroup
	errs := make(chan error, processes+1)
	for range processes {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), envHelperServers+"="+cfg.ServerLists, envHelperNS+"="+cfg.Namespace,
			envHelperRounds+"="+strconv.Itoa(rounds))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("helper process: %v\n%s", err, out)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := contend(c, rounds); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, _ := c.Get(crossCounter); got != strconv.Itoa((processes+1)*rounds) {
		t.Fatalf("counter %s, want %d", got, (processes+1)*rounds)
	}
}

// contend takes the lock rounds times and runs the critical section under it.
func contend(c *Center, rounds int) error {
	for range rounds {
		unlock, err := c.Lock(context.Background(), crossLatch)
		if err != nil {
			return err
		}
		if err := c.CreateEphemeral(crossHolder, strconv.Itoa(os.Getpid())); err != nil {
			unlock()
			return fmt.Errorf("two holders at once: %w", err)
		}
		v, err := c.Get(crossCounter)
		n, _ := strconv.Atoi(v)
		time.Sleep(5 * time.Millisecond)
		if err == nil {
			err = c.Update(crossCounter, strconv.Itoa(n+1))
		}
		if err == nil {
			err = c.Remove(crossHolder)
		}
		unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// TestHelperProcess is the helper process of testLockAcrossProcesses; run alone it does nothing.
func TestHelperProcess(t *testing.T) {
	servers := os.Getenv(envHelperServers)
	if servers == "" {
		t.Skip("helper process of TestContract/*/LockAcrossProcesses")
	}
	rounds, err := strconv.Atoi(os.Getenv(envHelperRounds))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Connect(context.Background(), Config{ServerLists: servers, Namespace: os.Getenv(envHelperNS),
		SessionTimeout: 4 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := contend(c, rounds); err != nil && !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
}
