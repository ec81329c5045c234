// Package ledger is the record of item executions that the harnesses' services keep (the chaos
// harness's and ejbench's rolling restarts): each process appends one JSON line per event to a
// file of its own, and the harness reads the files, all at once or as they grow.
package ledger

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Entry is one line of a ledger: an item execution started (Event "started") or ended
// ("completed", or "cancelled" when its context was done by the end of the work). Times are
// Unix milliseconds.
type Entry struct {
	Event    string `json:"event"`
	Job      string `json:"job"`
	Item     int    `json:"item"`
	Fire     int64  `json:"fire"`
	Instance string `json:"instance"`
	At       int64  `json:"at"`
}

// Writer appends entries to a ledger file, one write per line (O_APPEND): a kill -9 loses at
// most the line being written. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	file *os.File
}

// Create opens path for appending, creating it when missing.
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return &Writer{file: f}, nil
}

// Record appends e.
func (w *Writer) Record(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.file.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

// Close closes the file.
func (w *Writer) Close() error { return w.file.Close() }
