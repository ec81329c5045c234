package nodedata

import (
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// valueYAML returns how s is written as the value of a top-level key.
func valueYAML(s string) string {
	c := jobapi.NewJobConfiguration("j", 1)
	c.JobParameter = s
	out := MarshalJobConfig(c)
	start := strings.Index(out, "\njobParameter:") + len("\njobParameter:")
	end := strings.Index(out, "\nmaxTimeDiffSeconds:")
	return out[start:end]
}

// TestQuoting covers SnakeYAML's choice of style for single-line strings: plain unless the
// text would read back as another type or cannot be plain, then single quotes unless a
// character needs an escape.
func TestQuoting(t *testing.T) {
	tests := map[string]string{
		"":               ` ''`,
		"plain text":     ` plain text`,
		"0/1 * * * * ?":  ` 0/1 * * * * ?`,
		"* * * * * ?":    ` '* * * * * ?'`,
		"true":           ` 'true'`,
		"False":          ` 'False'`,
		"yes":            ` 'yes'`,
		"ON":             ` 'ON'`,
		"oN":             ` oN`, // not a YAML 1.1 bool spelling
		"y":              ` y`,  // SnakeYAML does not resolve y/n
		"null":           ` 'null'`,
		"~":              ` '~'`,
		"3000":           ` '3000'`,
		"-1":             ` '-1'`,
		"0x1F":           ` '0x1F'`,
		"0b101":          ` '0b101'`,
		"1_000":          ` '1_000'`,
		"1:30":           ` '1:30'`,
		"007":            ` '007'`,
		"089":            ` '089'`, // not an int, but SnakeYAML never writes a leading zero plain
		"1.5":            ` '1.5'`,
		"1e3":            ` '1e3'`,
		".inf":           ` '.inf'`,
		".NaN":           ` '.NaN'`,
		"2024-01-02":     ` '2024-01-02'`,
		"<<":             ` '<<'`,
		"=":              ` =`,
		"0=a,1=b":        ` 0=a,1=b`,
		"a: b":           ` 'a: b'`,
		"a:b":            ` a:b`,
		"a:":             ` 'a:'`,
		"-":              ` '-'`,
		":":              ` ':'`,
		"?":              ` '?'`,
		"?a":             ` ?a`,
		"a #b":           ` 'a #b'`,
		"a#b":            ` a#b`,
		"- a":            ` '- a'`,
		"-a":             ` -a`,
		"? a":            ` '? a'`,
		": a":            ` ': a'`,
		"[a]":            ` '[a]'`,
		"a[b]":           ` a[b]`,
		"{a}":            ` '{a}'`,
		"&a":             ` '&a'`,
		"!a":             ` '!a'`,
		"|a":             ` '|a'`,
		">a":             ` '>a'`,
		"%a":             ` '%a'`,
		"@a":             ` '@a'`,
		"`a":             " '`a'",
		"#a":             ` '#a'`,
		",a":             ` ',a'`,
		"'a'":            ` '''a'''`,
		`"a"`:            ` '"a"'`,
		"it's":           ` it's`,
		"--- a":          ` '--- a'`,
		"...":            ` '...'`,
		" lead":          ` ' lead'`,
		"trail ":         ` 'trail '`,
		"a\tb":           ` "a\tb"`,
		"a\rb":           ` "a\rb"`,
		"a\\b":           ` a\b`,
		"é ü 中文":         ` é ü 中文`,
		"emoji 😀":        ` emoji 😀`,
		"a\u00a0b":       " a\u00a0b",
		"a\x01b":         ` !!binary |-` + "\n  YQFi",
		"line1\nline2":   " |-\n  line1\n  line2",
		"line1\n":        " |\n  line1",
		"a\n\n":          " |+\n  a\n",
		" indented\nx":   " |2-\n   indented\n  x",
		"a\n\nb":         " |-\n  a\n\n  b",
		"end \nx":        ` "end \nx"`,
		"tab\tand\nline": ` "tab\tand\nline"`,
		"a\u2028b":       " |-\n  a\u2028  b",
	}
	for in, want := range tests {
		if got := valueYAML(in); got != want {
			t.Errorf("%q written as %q, want %q", in, got, want)
		}
	}
}

// TestFolding checks SnakeYAML's folding of long scalars at spaces past column 80.
func TestFolding(t *testing.T) {
	long := strings.Repeat("word ", 20) + "end"
	// "jobParameter: " takes 14 columns: after 14 words the column is 83, past 80.
	tests := map[string]string{
		long: " word word word word word word word word word word word word word word\n" +
			"  word word word word word word end",
		"'" + long: " '''word word word word word word word word word word word word word\n" +
			"  word word word word word word word end'",
		"\t" + long: ` "\tword word word word word word word word word word word word word\` + "\n" +
			`  \ word word word word word word word end"`,
		strings.Repeat("x", 100): " " + strings.Repeat("x", 100), // no space, no fold
	}
	for in, want := range tests {
		if got := valueYAML(in); got != want {
			t.Errorf("%q written as\n%s\nwant\n%s", in, got, want)
		}
	}
}

func TestKeys(t *testing.T) {
	long := strings.Repeat("k", 123)
	c := jobapi.NewJobConfiguration("j", 1)
	c.Props = map[string]string{"true": "1", long[:122]: "a", long: "b", "multi\nline": "c"}
	got := MarshalJobConfig(c)
	for _, want := range []string{
		"\n  'true': '1'\n",
		"\n  " + long[:122] + ": a\n",            // 5 ("!!str") + 122 < 128: a simple key
		"\n  ? " + long + "\n  : b\n",            // 5 + 123 is too long for a simple key
		"\n  ? |-\n    multi\n    line\n  : c\n", // multi-line keys are never simple
	} {
		if !strings.Contains(got, want) {
			t.Errorf("%q missing in\n%s", want, got)
		}
	}
}
