package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
)

// Read merges the ledgers at paths, ordered by time. A process killed while writing may leave
// a partial last line: it is skipped, any other unreadable line is an error.
func Read(paths []string) ([]Entry, error) {
	var all []Entry
	for _, path := range paths {
		if _, err := os.Stat(path); err != nil {
			return nil, err // Next would take a missing file for one not written yet
		}
		t := &Tail{Path: path}
		entries, err := t.Next()
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].At < all[b].At })
	return all, nil
}

// Tail reads a ledger as it grows: each Next returns the lines completed since the last one. A
// line is complete once its newline is written, so a line being written is left for later.
type Tail struct {
	Path    string
	offset  int64
	line    int // lines read so far, for errors
	partial []byte
}

// Next returns the entries appended since the last call; a file not created yet has none.
func (t *Tail) Next() ([]Entry, error) {
	f, err := os.Open(t.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(t.offset, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", t.Path, err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Path, err)
	}
	t.offset += int64(len(data))
	data = append(t.partial, data...)
	var out []Entry
	for {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			break
		}
		t.line++
		var e Entry
		if err := json.Unmarshal(data[:end], &e); err != nil {
			return out, fmt.Errorf("%s:%d: %w", t.Path, t.line, err)
		}
		out = append(out, e)
		data = data[end+1:]
	}
	t.partial = bytes.Clone(data)
	return out, nil
}
