package gen

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// Write applies files: it writes each one whose content differs from the disk and deletes
// the stale ones. It returns what it changed, as "wrote <path>" or "removed <path>".
func Write(files []File) ([]string, error) {
	var changed []string
	for _, f := range files {
		old, err := os.ReadFile(f.Path)
		switch {
		case f.Content == nil:
			if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return changed, err
			}
			changed = append(changed, "removed "+f.Path)
		case err == nil && bytes.Equal(old, f.Content):
		default:
			if err := os.WriteFile(f.Path, f.Content, 0o644); err != nil {
				return changed, err
			}
			changed = append(changed, "wrote "+f.Path)
		}
	}
	return changed, nil
}

// Check compares files with the disk without changing it, for ejgen -check. It returns
// one line per file that Write would change: missing, out of date, or stale (directives
// gone).
func Check(files []File) ([]string, error) {
	var diffs []string
	for _, f := range files {
		old, err := os.ReadFile(f.Path)
		switch {
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return diffs, err
		case f.Content == nil && err == nil:
			diffs = append(diffs, fmt.Sprintf("%s: stale: its package has no //elasticjob: directives any more", f.Path))
		case f.Content == nil:
		case err != nil:
			diffs = append(diffs, fmt.Sprintf("%s: missing", f.Path))
		case !bytes.Equal(old, f.Content):
			diffs = append(diffs, fmt.Sprintf("%s: out of date", f.Path))
		}
	}
	return diffs, nil
}
