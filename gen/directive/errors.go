package directive

import (
	"cmp"
	"go/token"
	"slices"
	"strings"
)

// Error is one problem in a directive, at the position of the offending token.
type Error struct {
	Pos token.Position
	Msg string
}

// Error formats the problem as file:line:col: message.
func (e Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList collects every problem found, so that users see all of them at once.
type ErrorList []Error

// Add appends a problem at pos.
func (l *ErrorList) Add(pos token.Position, msg string) { *l = append(*l, Error{Pos: pos, Msg: msg}) }

// Sort orders the problems by file, line and column; problems at the same position keep
// the order in which they were found.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
		)
	})
}

// Error returns one line per problem, sorted by position.
func (l ErrorList) Error() string {
	sorted := slices.Clone(l)
	sorted.Sort()
	lines := make([]string, len(sorted))
	for i, e := range sorted {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns nil for an empty list (a nil ErrorList stored in an error is not nil).
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
