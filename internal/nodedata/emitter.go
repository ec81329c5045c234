package nodedata

import (
	"strings"
	"unicode/utf16"
)

// SnakeYAML's DumperOptions defaults, which ElasticJob keeps.
const (
	bestIndent         = 2
	bestWidth          = 80 // plain and quoted scalars are folded at spaces past this column
	maxSimpleKeyLength = 128
)

// emitter is the part of SnakeYAML's Emitter that dumpAsMap uses for ElasticJob's beans:
// a block mapping of scalars, indentless block sequences of scalars and nested block
// mappings. Its fields are the emitter's: column counts UTF-16 code units, whitespace says
// the last character written was blank, indention that only indentation is on the line.
type emitter struct {
	out        strings.Builder
	column     int
	whitespace bool
	indention  bool
	indent     int
}

func newEmitter() *emitter { return &emitter{whitespace: true, indention: true} }

// finish ends the document (SnakeYAML's writeIndent at document end) and returns it.
func (e *emitter) finish() string {
	e.indent = 0
	e.writeIndent()
	return e.out.String()
}

// key writes a mapping key at the current mapping indent, then the ":" (and for a key that
// cannot be a simple key, SnakeYAML's "? key" / ": " form).
func (e *emitter) key(k string) {
	e.writeIndent()
	sc := representString(k)
	a := analyze(sc.text)
	simple := len(sc.tag)+len(sc.text) < maxSimpleKeyLength && !a.empty && !a.multiline
	if simple {
		e.scalar(sc, a, true)
		e.writeIndicator(":", false, false, false)
		return
	}
	e.writeIndicator("?", true, false, true)
	e.scalar(sc, a, false)
	e.writeIndent()
	e.writeIndicator(":", true, false, true)
}

// stringValue writes a string as a mapping value or sequence item.
func (e *emitter) stringValue(s string) {
	sc := representString(s)
	e.scalar(sc, analyze(sc.text), false)
}

// plainValue writes an int or bool, which are always plain.
func (e *emitter) plainValue(s string) {
	e.indent += bestIndent
	e.writePlain(utf16.Encode([]rune(s)), true)
	e.indent -= bestIndent
}

// stringMap writes a nested block mapping of strings in the given key order.
func (e *emitter) stringMap(m map[string]string, order []string) {
	e.indent += bestIndent
	for _, k := range order {
		e.key(k)
		e.stringValue(m[k])
	}
	e.indent -= bestIndent
}

// stringSeq writes an indentless block sequence ("key:\n- a\n- b"), as SnakeYAML does for a
// sequence that is a mapping value.
func (e *emitter) stringSeq(items []string) {
	for _, item := range items {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		e.stringValue(item)
	}
}

// raw appends text verbatim after a key; the next key starts on a new line.
func (e *emitter) raw(text string) {
	e.out.WriteString(text)
	e.column, e.whitespace, e.indention = 1, false, false
}

// scalar is SnakeYAML's processTag + expectScalar for one string scalar.
func (e *emitter) scalar(sc scalar, a analysis, simpleKey bool) {
	st := chooseStyle(sc, a, simpleKey)
	omitTag := (st == stylePlain && sc.implicitPlain) || (st != stylePlain && sc.tag == "!!str")
	if !omitTag {
		e.writeIndicator(sc.tag, true, false, false)
	}
	e.indent += bestIndent
	split := !simpleKey
	switch st {
	case stylePlain:
		e.writePlain(sc.text, split)
	case styleSingleQuoted:
		e.writeSingleQuoted(sc.text, split)
	case styleDoubleQuoted:
		e.writeDoubleQuoted(sc.text, split)
	case styleLiteral:
		e.writeLiteral(sc.text)
	}
	e.indent -= bestIndent
}

func (e *emitter) write16(u []uint16) {
	e.out.WriteString(string(utf16.Decode(u)))
	e.column += len(u)
}

func (e *emitter) writeString(s string) {
	e.out.WriteString(s)
	e.column += len(utf16.Encode([]rune(s)))
}

func (e *emitter) writeIndicator(indicator string, needWhitespace, whitespace, indentation bool) {
	if !e.whitespace && needWhitespace {
		e.writeString(" ")
	}
	e.whitespace = whitespace
	e.indention = e.indention && indentation
	e.writeString(indicator)
}

func (e *emitter) writeIndent() {
	if !e.indention || e.column > e.indent || (e.column == e.indent && !e.whitespace) {
		e.writeLineBreak("\n")
	}
	if n := e.indent - e.column; n > 0 {
		e.whitespace = true
		e.writeString(strings.Repeat(" ", n))
	}
}

func (e *emitter) writeLineBreak(br string) {
	e.whitespace, e.indention, e.column = true, true, 0
	e.out.WriteString(br)
}

// writePlain is SnakeYAML's writePlain for a single-line scalar: a lone space past the
// width becomes a line break.
func (e *emitter) writePlain(text []uint16, split bool) {
	if len(text) == 0 {
		return
	}
	if !e.whitespace {
		e.writeString(" ")
	}
	e.whitespace, e.indention = false, false
	spaces := false
	start := 0
	for end := 0; end <= len(text); end++ {
		ch := at(text, end)
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.column > bestWidth && split {
					e.writeIndent()
					e.whitespace, e.indention = false, false
				} else {
					e.write16(text[start:end])
				}
				start = end
			}
		} else if ch == 0 || ch == ' ' || isLineBreak(ch) {
			e.write16(text[start:end])
			start = end
		}
		if ch != 0 {
			spaces = ch == ' '
		}
	}
}

// writeSingleQuoted is SnakeYAML's writeSingleQuoted for a single-line scalar: ' doubled,
// a lone inner space past the width becomes a line break.
func (e *emitter) writeSingleQuoted(text []uint16, split bool) {
	e.writeIndicator("'", true, false, false)
	spaces := false
	start := 0
	for end := 0; end <= len(text); end++ {
		ch := at(text, end)
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.column > bestWidth && split && start != 0 && end != len(text) {
					e.writeIndent()
				} else {
					e.write16(text[start:end])
				}
				start = end
			}
		} else if (ch == 0 || ch == ' ' || ch == '\'' || isLineBreak(ch)) && start < end {
			e.write16(text[start:end])
			start = end
		}
		if ch == '\'' {
			e.writeString("''")
			start = end + 1
		}
		if ch != 0 {
			spaces = ch == ' '
		}
	}
	e.writeIndicator("'", false, false, false)
}

// doubleQuotedEscapes are SnakeYAML's ESCAPE_REPLACEMENTS for the printable characters (the
// others never reach double quotes: such strings are written as !!binary).
var doubleQuotedEscapes = map[uint16]string{
	'\t': `\t`, '\n': `\n`, '\r': `\r`, '"': `\"`, '\\': `\\`,
	0x85: `\N`, 0xA0: `\_`, 0x2028: `\L`, 0x2029: `\P`,
}

// writeDoubleQuoted is SnakeYAML's writeDoubleQuoted (allowUnicode on): escapes, and folding
// past the width with a trailing "\" (and "\ " for a space that starts the next line).
func (e *emitter) writeDoubleQuoted(text []uint16, split bool) {
	e.writeIndicator(`"`, true, false, false)
	start := 0
	for end := 0; end <= len(text); end++ {
		if end == len(text) || text[end] == '"' || text[end] == '\\' || text[end] == 0xFEFF ||
			text[end] < 0x20 || text[end] > 0x7E {
			if start < end {
				e.write16(text[start:end])
				start = end
			}
			if end < len(text) {
				if esc, ok := doubleQuotedEscapes[text[end]]; ok {
					e.writeString(esc)
				} else if c := codePointAt(text, end); c >= 0x10000 {
					e.write16(text[end : end+2])
					end++
				} else {
					e.write16(text[end : end+1])
				}
				start = end + 1
			}
		}
		if 0 < end && end < len(text)-1 && (text[end] == ' ' || start >= end) &&
			e.column+(end-start) > bestWidth && split {
			if start < end {
				e.write16(text[start:end])
				start = end
			}
			e.writeString(`\`)
			e.writeIndent()
			e.whitespace, e.indention = false, false
			if text[start] == ' ' {
				e.writeString(`\`)
			}
		}
	}
	e.writeIndicator(`"`, false, false, false)
}

// writeLiteral is SnakeYAML's writeLiteral: "|" with indentation and chomping hints, then the
// lines at the current indent.
func (e *emitter) writeLiteral(text []uint16) {
	e.writeIndicator("|"+blockHints(text), true, false, false)
	e.writeLineBreak("\n")
	breaks := true
	start := 0
	for end := 0; end <= len(text); end++ {
		ch := at(text, end)
		if breaks {
			if ch == 0 || !isLineBreak(ch) {
				for _, br := range text[start:end] {
					e.writeLineBreak(string(rune(br)))
				}
				if ch != 0 {
					e.writeIndent()
				}
				start = end
			}
		} else if ch == 0 || isLineBreak(ch) {
			// SnakeYAML does not count these columns; the line ends here anyway.
			e.out.WriteString(string(utf16.Decode(text[start:end])))
			if ch == 0 {
				e.writeLineBreak("\n")
			}
			start = end
		}
		if ch != 0 {
			breaks = isLineBreak(ch)
		}
	}
}

// blockHints is SnakeYAML's determineBlockHints: an indentation indicator when the text
// starts with a space or break, "-" without a final break, "+" with several.
func blockHints(text []uint16) string {
	hints := ""
	if first := rune(text[0]); first == ' ' || isLineBreak(first) {
		hints = "2"
	}
	switch last := rune(text[len(text)-1]); {
	case !isLineBreak(last):
		hints += "-"
	case len(text) == 1 || isLineBreak(rune(text[len(text)-2])):
		hints += "+"
	}
	return hints
}

// at is text[i], or 0 past the end (SnakeYAML's sentinel).
func at(text []uint16, i int) rune {
	if i < len(text) {
		return rune(text[i])
	}
	return 0
}
