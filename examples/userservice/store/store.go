// Package store is the service's own storage: a dependency of its job, opened in an fx
// OnStart hook. The job must never run against a store that is not open yet.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/fx"
)

// Module provides the *Store.
var Module = fx.Module("store", fx.Provide(New))

// Store counts the reports written for each item.
type Store struct {
	mu       sync.Mutex
	openedAt time.Time
	reports  map[int]int
}

// New returns a Store that opens when the application starts and closes when it stops.
func New(lc fx.Lifecycle) *Store {
	s := &Store{}
	lc.Append(fx.Hook{OnStart: s.open, OnStop: s.close})
	return s
}

func (s *Store) open(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.openedAt = time.Now()
	s.reports = map[int]int{}
	fmt.Printf("store opened at=%s\n", s.openedAt.UTC().Format(time.RFC3339Nano))
	return nil
}

func (s *Store) close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports = nil
	return nil
}

// OpenedAt is when the store was opened; zero before.
func (s *Store) OpenedAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.openedAt
}

// AddReport records a report of item and returns how many it has; it fails while the store is
// not open.
func (s *Store) AddReport(item int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reports == nil {
		return 0, errors.New("store: not open")
	}
	s.reports[item]++
	return s.reports[item], nil
}
