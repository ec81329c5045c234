package quartz

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// Field indexes, in expression order.
const (
	fSecond = iota
	fMinute
	fHour
	fDayOfMonth
	fMonth
	fDayOfWeek
	fYear
)

var fieldNames = [...]string{"seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year"}

// maxYear is Quartz's CronExpression.MAX_YEAR: the year the class was loaded plus 100. Like Quartz
// we fix it when the program starts.
var maxYear = time.Now().Year() + 100

var monthNames = map[string]int{"JAN": 0, "FEB": 1, "MAR": 2, "APR": 3, "MAY": 4, "JUN": 5,
	"JUL": 6, "AUG": 7, "SEP": 8, "OCT": 9, "NOV": 10, "DEC": 11}

var dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

// expression is a parsed Quartz cron expression: Quartz's field sets and flags.
type expression struct {
	sets           [6]valueSet // seconds .. day-of-week
	years          yearSet
	lastDayOfWeek  bool // "nL"
	nthDayOfWeek   int  // "n#k": k
	lastDayOfMonth bool // "L", "L-n", "LW"
	nearestWeekday bool // "nW", "LW"
	lastDayOffset  int  // "L-n": n
}

// parseError is a rejection: the field and token at fault and why.
type parseError struct {
	field int
	token string
	msg   string
}

func (e *parseError) Error() string {
	if e.field < 0 {
		return e.msg
	}
	return fmt.Sprintf("%s: %s (token %q)", fieldNames[e.field], e.msg, e.token)
}

// parser holds the state of one parse. Tokens are kept as UTF-16 code units so that every index
// and length test behaves as in Java; the ones that would throw in Java (an index past the end, a
// number that does not parse) reject the expression, as Quartz does with its catch-all.
type parser struct {
	e     *expression
	field int
	tok   string
}

func (p *parser) fail(format string, args ...any) error {
	return &parseError{field: p.field, token: p.tok, msg: fmt.Sprintf(format, args...)}
}

// parseExpression follows Quartz 2.3.2's CronExpression.buildExpression, including what it accepts
// by accident: trailing characters after a name ("MONDAY" is MON) or after a number ("5X" is 5),
// fields past the seventh, a literal 99 meaning "*" and a literal 98 meaning "?".
func parseExpression(spec string) (*expression, error) {
	// Quartz upper-cases with Locale.US; strings.ToUpper differs only for the few characters that
	// expand when upper-cased (ß → SS), which never make a valid token.
	upper := strings.ToUpper(spec)
	e := &expression{}
	p := &parser{e: e}
	fields := strings.FieldsFunc(upper, func(r rune) bool { return r == ' ' || r == '\t' })
	for i, raw := range fields {
		if i > fYear {
			break // Quartz ignores whatever follows the year
		}
		p.field, p.tok = i, raw
		tok := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' }) // String.trim
		if i == fDayOfMonth && strings.ContainsRune(tok, 'L') && len(tok) > 1 && strings.ContainsRune(tok, ',') {
			return nil, p.fail("'L' and 'LW' cannot be combined with other days of the month")
		}
		if i == fDayOfWeek && strings.ContainsRune(tok, 'L') && len(tok) > 1 && strings.ContainsRune(tok, ',') {
			return nil, p.fail("'L' cannot be combined with other days of the week")
		}
		if i == fDayOfWeek && strings.Count(tok, "#") > 1 {
			return nil, p.fail("only one '#' day is supported")
		}
		for _, v := range strings.Split(tok, ",") {
			if v == "" {
				continue
			}
			p.tok = v
			if err := p.value(utf16.Encode([]rune(v))); err != nil {
				return nil, err
			}
		}
	}
	if len(fields) <= fDayOfWeek {
		return nil, &parseError{field: -1, msg: fmt.Sprintf("expected 6 or 7 fields, found %d", len(fields))}
	}
	if len(fields) <= fYear {
		p.field, p.tok = fYear, "*"
		if err := p.value([]uint16{'*'}); err != nil {
			return nil, err
		}
	}
	domGiven := !e.sets[fDayOfMonth].has(noSpec)
	dowGiven := !e.sets[fDayOfWeek].has(noSpec)
	if domGiven == dowGiven {
		p.field, p.tok = fDayOfWeek, fields[fDayOfWeek]
		if domGiven {
			return nil, p.fail("day-of-month and day-of-week cannot both be specified; one must be '?'")
		}
		return nil, p.fail("day-of-month and day-of-week cannot both be '?'")
	}
	return e, nil
}

// value parses one comma-separated item of a field (Quartz's storeExpressionVals).
func (p *parser) value(s []uint16) error {
	e, field := p.e, p.field
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) {
		return nil
	}
	c := s[i]
	if c >= 'A' && c <= 'Z' && !isLastDaySyntax(s) {
		return p.name(s, i)
	}
	switch {
	case c == '?':
		i++
		if i+1 < len(s) && s[i] != ' ' && s[i+1] != '\t' {
			return p.fail("unexpected character %q after '?'", rune(s[i]))
		}
		if field != fDayOfWeek && field != fDayOfMonth {
			return p.fail("'?' is only allowed in day-of-month or day-of-week")
		}
		if field == fDayOfWeek && !e.lastDayOfMonth {
			if e.sets[fDayOfMonth].empty() {
				return p.fail("day-of-month is empty")
			}
			if e.sets[fDayOfMonth].lastIs(noSpec) {
				return p.fail("'?' is allowed in day-of-month or day-of-week, not both")
			}
		}
		return p.add(noSpec, -1, 0)
	case c == '*' || c == '/':
		if c == '*' && i+1 >= len(s) {
			return p.add(allSpec, -1, 0)
		}
		if c == '/' && (i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
			return p.fail("'/' must be followed by an integer")
		}
		if c == '*' {
			i++
		}
		incr := 1
		if s[i] == '/' {
			i++
			if i >= len(s) {
				return p.fail("'/' must be followed by an integer")
			}
			n, ok := javaParseInt(s[i:])
			if !ok {
				return p.fail("invalid increment %q", string(utf16.Decode(s[i:])))
			}
			if err := p.checkIncrement(n); err != nil {
				return err
			}
			incr = n
		}
		return p.add(allSpec, -1, incr)
	case c == 'L':
		i++
		if field == fDayOfMonth {
			e.lastDayOfMonth = true
		}
		if field == fDayOfWeek {
			return p.add(7, 7, 0)
		}
		if field == fDayOfMonth && i < len(s) {
			if s[i] == '-' {
				if i+1 >= len(s) {
					return p.fail("'L-' must be followed by a number")
				}
				n, next, ok := digitsValue(0, s, i+1)
				if !ok {
					return p.fail("offset from last day is not a number")
				}
				if n > 30 {
					return p.fail("offset from last day must be <= 30, not %d", n)
				}
				e.lastDayOffset = n
				i = next
			}
			if i < len(s) && s[i] == 'W' {
				e.nearestWeekday = true
			}
		}
		return nil
	case c >= '0' && c <= '9':
		val := int(c - '0')
		i++
		if i >= len(s) {
			return p.add(val, -1, -1)
		}
		if s[i] >= '0' && s[i] <= '9' {
			n, next, ok := digitsValue(val, s, i)
			if !ok {
				return p.fail("number out of range")
			}
			val, i = n, next
		}
		return p.afterNumber(s, i, val)
	}
	return p.fail("unexpected character %q", rune(c))
}

// isLastDaySyntax reports the forms Quartz sends to its 'L' branch rather than to name lookup:
// "L", "LW" and ^L-[0-9]*W?$.
func isLastDaySyntax(s []uint16) bool {
	if len(s) == 1 && s[0] == 'L' || len(s) == 2 && s[0] == 'L' && s[1] == 'W' {
		return true
	}
	if len(s) < 2 || s[0] != 'L' || s[1] != '-' {
		return false
	}
	i := 2
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i == len(s) || i == len(s)-1 && s[i] == 'W'
}

// name parses a month or day name, optionally a range of names, "#k" or "L" (days).
func (p *parser) name(s []uint16, i int) error {
	e := p.e
	if i+3 > len(s) {
		return p.fail("unknown name %q", string(utf16.Decode(s[i:])))
	}
	sub := string(utf16.Decode(s[i : i+3]))
	from, to := -1, -1
	switch p.field {
	case fMonth:
		m, ok := monthNames[sub]
		if !ok {
			return p.fail("invalid month %q", sub)
		}
		from = m + 1
		if len(s) > i+3 && s[i+3] == '-' {
			i += 4
			if i+3 > len(s) {
				return p.fail("invalid month %q", string(utf16.Decode(s[i:])))
			}
			sub = string(utf16.Decode(s[i : i+3]))
			m, ok := monthNames[sub]
			if !ok {
				return p.fail("invalid month %q", sub)
			}
			to = m + 1
		}
	case fDayOfWeek:
		d, ok := dayNames[sub]
		if !ok {
			return p.fail("invalid day of week %q", sub)
		}
		from = d
		if len(s) > i+3 {
			switch s[i+3] {
			case '-':
				i += 4
				if i+3 > len(s) {
					return p.fail("invalid day of week %q", string(utf16.Decode(s[i:])))
				}
				sub = string(utf16.Decode(s[i : i+3]))
				d, ok := dayNames[sub]
				if !ok {
					return p.fail("invalid day of week %q", sub)
				}
				to = d
			case '#':
				if err := p.nth(s[i+4:]); err != nil {
					return err
				}
			case 'L':
				e.lastDayOfWeek = true
			}
		}
	default:
		return p.fail("names are not allowed in %s", fieldNames[p.field])
	}
	incr := 0
	if to != -1 {
		incr = 1
	}
	return p.add(from, to, incr)
}

// nth parses the k of "n#k".
func (p *parser) nth(s []uint16) error {
	k, ok := javaParseInt(s)
	if !ok || k < 1 || k > 5 {
		return p.fail("'#' must be followed by a number between 1 and 5")
	}
	p.e.nthDayOfWeek = k
	return nil
}

// afterNumber handles what follows a number (Quartz's checkNext): L, W, #k, -end[/step], /step.
func (p *parser) afterNumber(s []uint16, i, val int) error {
	e, field := p.e, p.field
	if i >= len(s) {
		return p.add(val, -1, -1)
	}
	switch s[i] {
	case 'L':
		if field != fDayOfWeek {
			return p.fail("'L' after a number is only allowed in day-of-week")
		}
		if val < 1 || val > 7 {
			return p.fail("value %d out of range 1-7", val)
		}
		e.lastDayOfWeek = true
		e.sets[field].add(val)
		return nil
	case 'W':
		if field != fDayOfMonth {
			return p.fail("'W' is only allowed in day-of-month")
		}
		e.nearestWeekday = true
		if val > 31 {
			return p.fail("value %d out of range 1-31 for 'W'", val)
		}
		e.sets[field].add(val)
		return nil
	case '#':
		if field != fDayOfWeek {
			return p.fail("'#' is only allowed in day-of-week")
		}
		if err := p.nth(s[i+1:]); err != nil {
			return err
		}
		e.sets[field].add(val)
		return nil
	case '-':
		i++
		if i >= len(s) {
			return p.fail("range without an end")
		}
		end, ok := javaDigit(s[i])
		if !ok {
			return p.fail("range end %q is not a number", rune(s[i]))
		}
		i++
		if i >= len(s) {
			return p.add(val, end, 1)
		}
		if s[i] >= '0' && s[i] <= '9' {
			n, next, ok := digitsValue(end, s, i)
			if !ok {
				return p.fail("number out of range")
			}
			end, i = n, next
		}
		if i >= len(s) || s[i] != '/' {
			return p.add(val, end, 1)
		}
		i++
		if i >= len(s) {
			return p.fail("'/' must be followed by an integer")
		}
		step, ok := javaDigit(s[i])
		if !ok {
			return p.fail("step %q is not a number", rune(s[i]))
		}
		i++
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			n, _, ok := digitsValue(step, s, i)
			if !ok {
				return p.fail("number out of range")
			}
			step = n
		}
		return p.add(val, end, step)
	case '/':
		if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\t' {
			return p.fail("'/' must be followed by an integer")
		}
		i++
		step, ok := javaDigit(s[i])
		if !ok {
			return p.fail("step %q is not a number", rune(s[i]))
		}
		i++
		if i < len(s) {
			if s[i] < '0' || s[i] > '9' {
				return p.fail("unexpected character %q after '/'", rune(s[i]))
			}
			n, _, ok := digitsValue(step, s, i)
			if !ok {
				return p.fail("number out of range")
			}
			step = n
		}
		if err := p.checkIncrement(step); err != nil {
			return err
		}
		return p.add(val, -1, step)
	}
	return p.add(val, -1, 0)
}

// checkIncrement is Quartz's checkIncrementRange: only an upper bound, and none for years.
func (p *parser) checkIncrement(incr int) error {
	limit := [...]int{59, 59, 23, 31, 12, 7, 0}[p.field]
	if p.field != fYear && incr > limit {
		return p.fail("increment %d out of range 0-%d", incr, limit)
	}
	return nil
}

var fieldBounds = [...][2]int{{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}}

// add is Quartz's addToSet: validates val and end, then adds val, or val..end by incr (wrapping
// past the field's maximum when end < val). incr 0 or -1 means a single value.
func (p *parser) add(val, end, incr int) error {
	e, field := p.e, p.field
	if field != fYear {
		lo, hi := fieldBounds[field][0], fieldBounds[field][1]
		outOfRange := val < lo || val > hi || end > hi
		if field == fDayOfWeek {
			outOfRange = val == 0 || val > hi || end > hi
		}
		exempt := val == allSpec || (val == noSpec && (field == fDayOfMonth || field == fDayOfWeek))
		if outOfRange && !exempt {
			bad := val
			if val >= lo && val <= hi {
				bad = end
			}
			return p.fail("value %d out of range %d-%d", bad, lo, hi)
		}
	}
	if (incr == 0 || incr == -1) && val != allSpec {
		if val == -1 {
			val = noSpec
		}
		p.addValue(val, val, 1)
		return nil
	}
	from, to := val, end
	if val == allSpec && incr <= 0 {
		incr = 1
		p.addValue(allSpec, allSpec, 1)
	}
	lo, hi := 1970, maxYear
	if field != fYear {
		lo, hi = fieldBounds[field][0], fieldBounds[field][1]
	}
	if to == -1 {
		to = hi
	}
	if from == -1 || from == allSpec {
		from = lo
	}
	if to < from {
		if field == fYear {
			return p.fail("start year %d is after end year %d", from, to)
		}
		// Wrap around: Quartz walks from..to+max and takes each value modulo max, where max is
		// 60, 60, 24, 31, 12, 7; for the 1-based fields 0 stands for max.
		max := hi + 1
		if lo == 1 {
			max = hi
		}
		for v := from; v <= to+max; v += incr {
			w := v % max
			if w == 0 && lo == 1 {
				w = max
			}
			e.sets[field].add(w)
		}
		return nil
	}
	p.addValue(from, to, incr)
	return nil
}

func (p *parser) addValue(from, to, step int) {
	if p.field == fYear {
		p.e.years = append(p.e.years, progression{from, to, step})
		return
	}
	for v := from; v <= to; v += step {
		p.e.sets[p.field].add(v)
		if v >= 128 { // see valueSet: no larger member can matter
			break
		}
	}
}

// digitsValue is Quartz's getValue: the number made of prefix followed by the ASCII digits at s[i:];
// it returns the index after them (one further when they end the string, as Quartz does).
func digitsValue(prefix int, s []uint16, i int) (int, int, bool) {
	digits := fmt.Sprint(prefix)
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		digits += string(rune(s[i]))
		i++
	}
	if i >= len(s) {
		i++
	}
	n, ok := parseJavaInt(digits)
	return int(n), i, ok
}

// javaParseInt is Integer.parseInt of the whole of s: optional sign, then decimal digits (any
// script's, as Character.digit), within 32 bits.
func javaParseInt(s []uint16) (int, bool) {
	n, ok := parseJavaInt(string(utf16.Decode(s)))
	return int(n), ok
}

func parseJavaInt(s string) (int64, bool) {
	neg := false
	switch {
	case s == "":
		return 0, false
	case s[0] == '-' || s[0] == '+':
		neg = s[0] == '-'
		s = s[1:]
		if s == "" {
			return 0, false
		}
	}
	var n int64
	for _, r := range s {
		d, ok := javaDigit(uint16(r))
		if !ok || r > 0xFFFF {
			return 0, false
		}
		n = n*10 + int64(d)
		if n > 1<<31 {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	if n > 1<<31-1 || n < -1<<31 {
		return 0, false
	}
	return n, true
}

// javaDigit is Character.digit(c, 10): the value of a decimal digit of any script.
func javaDigit(c uint16) (int, bool) {
	r := rune(c)
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	zero := r
	for unicode.Is(unicode.Nd, zero-1) && r-zero < 9 {
		zero--
	}
	return int(r-zero) % 10, true
}
