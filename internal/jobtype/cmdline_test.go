package jobtype

import (
	"errors"
	"slices"
	"testing"
)

func TestSplitCommandLine(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"/bin/echo", []string{"/bin/echo"}},
		{"  a   b  ", []string{"a", "b"}},
		{`a 'b c' "d e"`, []string{"a", "b c", "d e"}},
		{`a "it's" 'say "hi"'`, []string{"a", "it's", `say "hi"`}},
		{`a '' ""`, []string{"a", "", ""}},
		{`a 'b'c"d"`, []string{"a", "bcd"}},
		{"a\tb", []string{"a\tb"}}, // commons-exec splits on spaces only
		{`a $HOME;ls|wc`, []string{"a", "$HOME;ls|wc"}},
		{`a b\ c`, []string{"a", `b\`, "c"}}, // no backslash escaping
		{"", nil},
	}
	for _, tt := range tests {
		got, err := splitCommandLine(tt.line)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("splitCommandLine(%q) = %q, %v; want %q", tt.line, got, err, tt.want)
		}
	}
}

func TestSplitCommandLineUnbalanced(t *testing.T) {
	for _, line := range []string{`a 'b`, `a "b c`, `"`, `a "b' c`} {
		if got, err := splitCommandLine(line); !errors.Is(err, errUnbalancedQuotes) {
			t.Errorf("splitCommandLine(%q) = %q, %v; want unbalanced quotes", line, got, err)
		}
	}
}
