package directive

import (
	"errors"
	"fmt"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

const prefix = "//elasticjob:"

// Parse reads one comment (its text as in ast.Comment, starting with //) written at pos.
// It returns nil, nil for a comment that is not a directive. Otherwise it returns every
// problem of the line, sorted, each at the column of the offending token, and the
// directive with the keys that could be read; when there are problems the caller must
// not generate from it, but may use it for further checks (its kind, its job).
func Parse(pos token.Position, comment string) (Directive, ErrorList) {
	line, _, _ := strings.Cut(comment, "\n")
	p := &parser{pos: pos}
	kindOff, ok := p.header(line)
	if !ok {
		return nil, nil
	}
	l := &lexer{text: line, off: kindOff, errorf: p.errorf}
	kind := l.word()
	spec := kindByName(kind)
	switch {
	case kind == "":
		p.errorf(kindOff, "missing directive kind after %s, want %s", prefix, orList(kindNames()))
	case spec == nil:
		names := kindNames()
		p.errorf(kindOff, "unknown directive kind %q, want %s%s", kind, orList(names), jobconf.DidYouMean(jobconf.Suggest(kind, names, names)))
	}
	args := l.args()
	if spec == nil {
		p.errs.Sort()
		return nil, p.errs
	}
	d := p.fill(spec, kindOff, args)
	p.errs.Sort()
	return d, p.errs
}

// parser holds the state of one Parse call.
type parser struct {
	pos  token.Position
	errs ErrorList
}

// at converts a byte offset in the comment into a position; the comment is one line.
func (p *parser) at(off int) token.Position {
	return token.Position{Filename: p.pos.Filename, Offset: p.pos.Offset + off, Line: p.pos.Line, Column: p.pos.Column + off}
}

func (p *parser) errorf(off int, format string, args ...any) {
	p.errs.Add(p.at(off), fmt.Sprintf(format, args...))
}

// header finds where the kind starts. A directive written "// elasticjob:" is reported
// (users write it by habit and would otherwise wonder why nothing happens) and then read
// as if it had no space, so that its other problems show up too.
func (p *parser) header(line string) (int, bool) {
	if strings.HasPrefix(line, prefix) {
		return len(prefix), true
	}
	rest, ok := strings.CutPrefix(line, "//")
	if !ok {
		return 0, false
	}
	trimmed := strings.TrimLeft(rest, " \t")
	if len(trimmed) == len(rest) || !strings.HasPrefix(trimmed, prefix[2:]) {
		return 0, false
	}
	p.errorf(2, "directive must start with %s (no space)", prefix)
	return len(line) - len(trimmed) + len(prefix) - 2, true
}

// fill decodes args into a new directive of the given kind.
func (p *parser) fill(spec *kindSpec, kindOff int, args []arg) Directive {
	v := reflect.New(spec.typ)
	src := v.Elem().FieldByName("Source").Addr().Interface().(*Source)
	src.Pos, src.values = p.pos, map[string]token.Position{}
	seen := map[string]int{}
	for _, a := range args {
		if a.key == "" {
			continue // reported by the lexer
		}
		f := spec.lookup(a.key)
		if f == nil {
			p.errorf(a.keyOff, "unknown key %q for %s%s%s", a.key, prefix, spec.name, spec.unknownKeyHint(a.key))
			continue
		}
		if first, dup := seen[a.key]; dup {
			p.errorf(a.keyOff, "duplicate key %q (first set at column %d)", a.key, p.at(first).Column)
			continue
		}
		seen[a.key] = a.keyOff
		if f.typ == propsValue && len(a.key) <= len(f.key)+1 {
			p.errorf(a.keyOff, "%q names no prop: want %s.<key>=<value>", a.key, f.key)
			continue
		}
		if a.bad {
			continue
		}
		if val, ok := p.decode(f, a); ok {
			assign(v.Elem().Field(f.index), f, a.key, val)
			src.values[a.key] = p.at(a.valueOff)
		}
	}
	for _, f := range spec.fields {
		if _, ok := seen[f.key]; f.required && !ok {
			p.errorf(kindOff, "missing required key %q for %s%s", f.key, prefix, spec.name)
		}
	}
	return v.Interface().(Directive)
}

// decode checks and converts one value, reporting its problems at the value.
func (p *parser) decode(f *field, a arg) (any, bool) {
	if a.raw == "" {
		if f.allowEmpty {
			p.errorf(a.valueOff, `%s=: empty value (write %s="" for an empty string)`, a.key, a.key)
		} else {
			p.errorf(a.valueOff, "%s=: empty value, %s", a.key, f.want())
		}
		return nil, false
	}
	val, problems := decodeValue(f, a.value)
	for _, pr := range problems {
		p.report(a, pr)
	}
	return val, len(problems) == 0
}

// report places a problem of a's value: a whole-value problem at the value, quoting it;
// a problem inside the value at its own column when the value was written without escapes
// (so that offsets in the decoded value are offsets in the line), else at the value.
func (p *parser) report(a arg, pr problem) {
	if pr.whole {
		p.errorf(a.valueOff, "%s=%s: %s", a.key, a.raw, pr.msg)
		return
	}
	body, shift := a.raw, 0
	if len(body) >= 2 && (body[0] == '"' || body[0] == '`') {
		body, shift = body[1:len(body)-1], 1
	}
	off := a.valueOff
	if body == a.value {
		off += shift + pr.off
	}
	p.errorf(off, "%s: %s", a.key, pr.msg)
}

// decodeValue converts s to the field's type and checks its constraints.
func decodeValue(f *field, s string) (any, []problem) {
	if strings.TrimSpace(s) == "" && !f.allowEmpty {
		return nil, []problem{wholeValue("empty value, " + f.want())}
	}
	want := []problem{wholeValue(f.want())}
	switch f.typ {
	case intValue:
		n, err := strconv.ParseInt(s, 10, 32)
		if errors.Is(err, strconv.ErrRange) {
			return nil, []problem{wholeValue(f.want() + " (out of the 32-bit range of a Java int)")}
		}
		if err != nil || f.min != nil && n < *f.min {
			return nil, want
		}
		return int(n), nil
	case boolValue:
		b, err := strconv.ParseBool(s)
		if err != nil || s != "true" && s != "false" {
			return nil, want
		}
		return b, nil
	case durationValue:
		d, err := time.ParseDuration(s)
		if err != nil || f.min != nil && int64(d) < *f.min {
			return nil, want
		}
		return d, nil
	case listValue:
		items := strings.Split(s, ",")
		for i, item := range items {
			if items[i] = strings.TrimSpace(item); items[i] == "" {
				return nil, []problem{wholeValue("empty element in the list, " + f.want())}
			}
		}
		return items, nil
	}
	if !f.hasEnum(s) {
		return nil, []problem{wholeValue(f.want() + jobconf.DidYouMean(jobconf.SuggestValue(s, f.enum)))}
	}
	if f.format != nil {
		if problems := f.format(s); len(problems) > 0 {
			return nil, problems
		}
	}
	return s, nil
}

// assign stores a decoded value in its struct field.
func assign(fv reflect.Value, f *field, key string, val any) {
	switch fv.Kind() {
	case reflect.Pointer:
		ptr := reflect.New(fv.Type().Elem())
		ptr.Elem().Set(reflect.ValueOf(val))
		fv.Set(ptr)
	case reflect.Map:
		if fv.IsNil() {
			fv.Set(reflect.MakeMap(fv.Type()))
		}
		fv.SetMapIndex(reflect.ValueOf(strings.TrimPrefix(key, f.key+".")), reflect.ValueOf(val))
	default:
		fv.Set(reflect.ValueOf(val))
	}
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
