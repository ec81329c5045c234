package zktest

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// lockWait bounds the wait for the ensemble: another package's test may hold it meanwhile.
const lockWait = 5 * time.Minute

// holders are the tests of this process that hold the ensemble: the first one and its subtests,
// which share it (a test and its subtests are one piece of work). Other tests of this process
// wait for them, and other processes wait on the flock: `go test ./...` runs packages in
// parallel, and a test killing a node must not meet one that expects a healthy ensemble.
var holders = struct {
	sync.Mutex
	cond  *sync.Cond
	names []string
	file  *os.File // the flock, held while names is not empty
}{}

func init() { holders.cond = sync.NewCond(&holders.Mutex) }

// acquire makes test name a holder of the ensemble in dir; first reports whether it is the
// first holder (the ensemble was not in use by this process until now).
func acquire(dir, name string) (first bool, err error) {
	holders.Lock()
	defer holders.Unlock()
	for len(holders.names) > 0 && !strings.HasPrefix(name, holders.names[0]+"/") {
		holders.cond.Wait()
	}
	if len(holders.names) == 0 {
		f, err := lockFile(dir + "/lock")
		if err != nil {
			return false, err
		}
		holders.file = f
		first = true
	}
	holders.names = append(holders.names, name)
	return first, nil
}

// release removes test name from the holders; the last one lets the flock go.
func release(name string) error {
	holders.Lock()
	defer holders.Unlock()
	for i, n := range holders.names {
		if n == name {
			holders.names = append(holders.names[:i], holders.names[i+1:]...)
			break
		}
	}
	if len(holders.names) > 0 {
		return nil
	}
	err := holders.file.Close() // closing the last descriptor releases the flock
	holders.file = nil
	holders.cond.Broadcast()
	return err
}

// lockFile takes an exclusive flock on path, waiting up to lockWait.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if err != syscall.EWOULDBLOCK || time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w (waited %v: another test process holds the ensemble)", path, err, lockWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
