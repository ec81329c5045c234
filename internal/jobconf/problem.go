package jobconf

import (
	"fmt"
	"strings"
)

// Problem is something wrong with a configuration: an error, or a warning for what runs but is
// ignored (a parameter for an item beyond shardingTotalCount).
type Problem struct {
	Key string // the key at fault, as in Keys ("props" for a prop)
	// Off is where the problem is inside the value (an entry of shardingItemParameters), in
	// bytes, or -1 when it concerns the whole value.
	Off     int
	Msg     string // what is wrong and what is allowed
	Warning bool
}

func (p Problem) String() string { return p.Key + ": " + p.Msg }

func (k *Key) whole(format string, args ...any) Problem {
	return Problem{Key: k.Name, Off: -1, Msg: fmt.Sprintf(format, args...)}
}

func wholeValue(format string, args ...any) Problem {
	return Problem{Off: -1, Msg: fmt.Sprintf(format, args...)}
}

// Errors returns the problems that are errors.
func Errors(problems []Problem) []Problem { return filter(problems, false) }

// Warnings returns the problems that are warnings.
func Warnings(problems []Problem) []Problem { return filter(problems, true) }

func filter(problems []Problem, warning bool) []Problem {
	var out []Problem
	for _, p := range problems {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

// Summary formats problems on one line: "key: message; key: message".
func Summary(problems []Problem) string {
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.String()
	}
	return strings.Join(msgs, "; ")
}
