package jobtype

import (
	"errors"
	"strings"
)

var errUnbalancedQuotes = errors.New("unbalanced quotes")

// splitCommandLine splits a command line as Apache commons-exec's CommandLine.parse does:
// words are separated by spaces (only the space character, not tabs), single or double
// quotes group characters into a word and are removed, and an empty quoted string is an
// empty word. There is no escaping and no shell expansion.
func splitCommandLine(line string) ([]string, error) {
	var (
		words   []string
		current strings.Builder
		quote   rune // the open quote, 0 outside quotes
		quoted  bool // the last token closed a quote: keep the word even if empty
	)
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote, quoted = 0, true
			} else {
				current.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, quoted = r, false
		case r == ' ':
			if quoted || current.Len() > 0 {
				words = append(words, current.String())
				current.Reset()
			}
			quoted = false
		default:
			current.WriteRune(r)
			quoted = false
		}
	}
	if quote != 0 {
		return nil, errUnbalancedQuotes
	}
	if quoted || current.Len() > 0 {
		words = append(words, current.String())
	}
	return words, nil
}
