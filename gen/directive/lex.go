package directive

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// arg is one key=value of a directive line. Offsets are byte offsets into the comment.
type arg struct {
	key      string
	keyOff   int
	raw      string // the value as written, quotes included
	value    string // the value decoded
	valueOff int
	bad      bool // the value could not be read; its problem is already reported
}

// lexer splits the arguments of a directive line, reporting malformed ones.
type lexer struct {
	text   string
	off    int
	errorf func(off int, format string, args ...any)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func (l *lexer) skipSpace() {
	for l.off < len(l.text) && isSpace(l.text[l.off]) {
		l.off++
	}
}

// word reads up to the next space.
func (l *lexer) word() string {
	start := l.off
	for l.off < len(l.text) && !isSpace(l.text[l.off]) {
		l.off++
	}
	return l.text[start:l.off]
}

// args reads every key=value up to the end of the line or a trailing // comment.
func (l *lexer) args() []arg {
	var out []arg
	for {
		l.skipSpace()
		if l.off >= len(l.text) || strings.HasPrefix(l.text[l.off:], "//") {
			return out
		}
		a := arg{keyOff: l.off}
		for l.off < len(l.text) && !isSpace(l.text[l.off]) && l.text[l.off] != '=' {
			l.off++
		}
		a.key = l.text[a.keyOff:l.off]
		if l.off >= len(l.text) || l.text[l.off] != '=' {
			l.errorf(a.keyOff, "%q has no value: want %s=<value>", a.key, a.key)
			continue
		}
		if a.key == "" {
			l.errorf(a.keyOff, `missing key before "=": want key=value`)
			a.bad = true
		}
		l.off++ // '='
		a.valueOff = l.off
		l.value(&a)
		out = append(out, a)
	}
}

// value reads a bare, "interpreted" or `raw` value into a.
func (l *lexer) value(a *arg) {
	start := l.off
	switch {
	case l.off >= len(l.text) || isSpace(l.text[l.off]):
		// empty: reported by the caller, who knows whether "" would be meaningful
	case l.text[l.off] == '"' || l.text[l.off] == '`':
		l.quoted(a)
		if l.off < len(l.text) && !isSpace(l.text[l.off]) {
			l.errorf(l.off, "unexpected %q after the quoted value of %q: separate key=value pairs with spaces", l.word(), a.key)
			a.bad = true
		}
	default:
		a.value = l.word()
		if i := strings.IndexAny(a.value, "\"`"); i >= 0 {
			l.errorf(start+i, "quote inside the bare value of %q: quote the whole value, e.g. %s=\"...\"", a.key, a.key)
			a.bad = true
		}
	}
	a.raw = l.text[start:l.off]
}

// quoted reads a Go-quoted value starting at the opening quote.
func (l *lexer) quoted(a *arg) {
	open := l.off
	q := l.text[open]
	end := open + 1
	for end < len(l.text) && l.text[end] != q {
		if q == '"' && l.text[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(l.text) {
		l.errorf(open, "unterminated quoted value of %q: missing closing %c", a.key, q)
		l.off = len(l.text)
		a.bad = true
		return
	}
	l.off = end + 1
	body := l.text[open+1 : end]
	if q == '`' {
		a.value = body
		return
	}
	v, badAt, ok := unquote(body)
	if !ok {
		l.errorf(open+1+badAt, "invalid escape %s in the quoted value of %q", escapeAt(body[badAt:]), a.key)
		a.bad = true
		return
	}
	a.value = v
}

// unquote decodes the body of a "..." string with Go's escapes; when an escape is
// invalid it returns its offset in body and false.
func unquote(body string) (string, int, bool) {
	var b []byte
	for rest := body; rest != ""; {
		r, multibyte, tail, err := strconv.UnquoteChar(rest, '"')
		if err != nil {
			return "", len(body) - len(rest), false
		}
		if r < utf8.RuneSelf || !multibyte {
			b = append(b, byte(r))
		} else {
			b = utf8.AppendRune(b, r)
		}
		rest = tail
	}
	return string(b), 0, true
}

// escapeAt is the escape sequence that starts rest, for error messages: the backslash and
// the character after it. An invalid escape always has that character: a backslash just
// before the closing quote would have escaped it.
func escapeAt(rest string) string {
	_, size := utf8.DecodeRuneInString(rest[1:])
	return rest[:1+size]
}
