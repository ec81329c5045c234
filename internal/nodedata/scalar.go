package nodedata

import (
	"encoding/base64"
	"unicode/utf16"
)

// SnakeYAML decides the style of each string scalar in three steps, reproduced here:
// the representer asks for literal style when the string has a line break (and writes
// strings with non-printable characters as base64 !!binary), the resolver says whether the
// plain text would read back as a string, and the emitter's analysis says which styles
// the characters allow. Java strings are UTF-16, and SnakeYAML indexes and counts columns
// in UTF-16 code units, so the text is kept as []uint16.

// scalar is the representer's output for one Java String.
type scalar struct {
	text    []uint16
	tag     string // "!!str", or "!!binary" for non-printable strings
	literal bool   // the representer asked for literal style
	// implicitPlain is true when the plain text resolves back to the scalar's tag, i.e. the
	// tag may be omitted in plain style (SnakeYAML's canOmitTagInPlainScalar).
	implicitPlain bool
}

func representString(s string) scalar {
	if !printable(s) {
		b64 := base64.StdEncoding.EncodeToString([]byte(s))
		return scalar{text: utf16.Encode([]rune(b64)), tag: "!!binary", literal: true}
	}
	u := utf16.Encode([]rune(s))
	return scalar{text: u, tag: "!!str", literal: hasLineBreak(u), implicitPlain: resolvesToString(s)}
}

// printable is SnakeYAML's StreamReader.isPrintable over code points.
func printable(s string) bool {
	for _, c := range s {
		if !printableRune(c) {
			return false
		}
	}
	return true
}

func printableRune(c rune) bool {
	return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
		(c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF)
}

func isLineBreak(c rune) bool { return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029 }

func hasLineBreak(u []uint16) bool {
	for _, c := range u {
		if isLineBreak(rune(c)) {
			return true
		}
	}
	return false
}

// analysis is the part of SnakeYAML's ScalarAnalysis that block context uses.
type analysis struct {
	empty, multiline                               bool
	allowBlockPlain, allowSingleQuoted, allowBlock bool
}

// analyze is SnakeYAML's Emitter.analyzeScalar (allowUnicode on).
func analyze(s []uint16) analysis {
	if len(s) == 0 {
		return analysis{empty: true, allowBlockPlain: true, allowSingleQuoted: true}
	}
	var blockIndicators, lineBreaks, special bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	if hasPrefix16(s, "---") || hasPrefix16(s, "...") {
		blockIndicators = true
	}
	precededByWhitespace := true
	followedByWhitespace := len(s) == 1 || isBlankTabOrBreak(codePointAt(s, 1))
	previousSpace, previousBreak := false, false
	for index := 0; index < len(s); {
		c := codePointAt(s, index)
		if index == 0 {
			switch {
			case isOneOf(c, "#,[]{}&*!|>'\"%@`"):
				blockIndicators = true
			case (c == '?' || c == ':' || c == '-') && followedByWhitespace:
				blockIndicators = true
			}
		} else if (c == ':' && followedByWhitespace) || (c == '#' && precededByWhitespace) {
			blockIndicators = true
		}
		lineBreak := isLineBreak(c)
		lineBreaks = lineBreaks || lineBreak
		if c != '\n' && !(c >= 0x20 && c <= 0x7E) && !(c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
			(c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF)) {
			special = true
		}
		last := index == len(s)-1
		switch {
		case c == ' ':
			leadingSpace = leadingSpace || index == 0
			trailingSpace = trailingSpace || last
			breakSpace = breakSpace || previousBreak
			previousSpace, previousBreak = true, false
		case lineBreak:
			leadingBreak = leadingBreak || index == 0
			trailingBreak = trailingBreak || last
			spaceBreak = spaceBreak || previousSpace
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		index += charCount(c)
		precededByWhitespace = c == 0 || c == ' ' || c == '\t' || lineBreak
		// As SnakeYAML: whether the character after the next one is blank (or this one broke
		// the line).
		followedByWhitespace = true
		if index+1 < len(s) {
			if next := index + charCount(codePointAt(s, index)); next < len(s) {
				n := codePointAt(s, next)
				followedByWhitespace = n == 0 || n == ' ' || n == '\t' || lineBreak
			}
		}
	}
	a := analysis{multiline: lineBreaks, allowBlockPlain: true, allowSingleQuoted: true, allowBlock: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak || hasLeadingZero(s) {
		a.allowBlockPlain = false
	}
	if trailingSpace {
		a.allowBlock = false
	}
	if breakSpace {
		a.allowBlockPlain, a.allowSingleQuoted = false, false
	}
	if spaceBreak || special {
		a.allowBlockPlain, a.allowSingleQuoted, a.allowBlock = false, false, false
	}
	if blockIndicators {
		a.allowBlockPlain = false
	}
	return a
}

// hasLeadingZero is SnakeYAML's check for "0[0-9_]+", which it never writes plain.
func hasLeadingZero(s []uint16) bool {
	if len(s) < 2 || s[0] != '0' {
		return false
	}
	for _, c := range s[1:] {
		if (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// style is a scalar style of SnakeYAML.
type style int

const (
	stylePlain style = iota
	styleSingleQuoted
	styleDoubleQuoted
	styleLiteral
)

// chooseStyle is SnakeYAML's Emitter.chooseScalarStyle in block context.
func chooseStyle(sc scalar, a analysis, simpleKey bool) style {
	if !sc.literal && sc.implicitPlain && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain {
		return stylePlain
	}
	if sc.literal && !simpleKey && a.allowBlock {
		return styleLiteral
	}
	if !sc.literal && a.allowSingleQuoted && !(simpleKey && a.multiline) {
		return styleSingleQuoted
	}
	return styleDoubleQuoted
}

func codePointAt(s []uint16, i int) rune {
	c := rune(s[i])
	if utf16.IsSurrogate(c) && i+1 < len(s) {
		if r := utf16.DecodeRune(c, rune(s[i+1])); r != 0xFFFD {
			return r
		}
	}
	return c
}

func charCount(c rune) int {
	if c >= 0x10000 {
		return 2
	}
	return 1
}

func isBlankTabOrBreak(c rune) bool {
	return c == 0 || c == ' ' || c == '\t' || c == '\r' || isLineBreak(c)
}

func isOneOf(c rune, set string) bool {
	for _, r := range set {
		if c == r {
			return true
		}
	}
	return false
}

func hasPrefix16(s []uint16, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i] != uint16(prefix[i]) {
			return false
		}
	}
	return true
}
