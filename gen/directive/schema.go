package directive

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// valueType is what a field holds; it decides how a value is decoded and described.
type valueType int

const (
	stringValue valueType = iota
	intValue
	boolValue
	durationValue
	listValue
	propsValue // map field: one entry per props.<key>=<value>
)

// field is one key of a kind, read from the struct tags of its field.
type field struct {
	key        string // as written by users; the prefix "props" for propsValue
	index      int    // struct field index
	typ        valueType
	required   bool
	allowEmpty bool     // "" (quoted) is a meaningful value
	hints      []string // other spellings users may try, for did-you-mean
	min        *int64   // lower bound; nanoseconds for durations
	enum       []string
	format     func(string) []problem // extra checks
	doc        string
}

// kindSpec is the schema of one directive kind.
type kindSpec struct {
	name   string
	doc    string
	typ    reflect.Type // struct type
	fields []*field
}

// kinds lists every directive kind, in the order help and docs show them.
var kinds = []*kindSpec{
	mustSpec(&Job{}),
	mustSpec(&Listener{}),
	mustSpec(&DistributeOnce{}),
}

func kindByName(name string) *kindSpec {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	return nil
}

func kindNames() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return names
}

func schemaOf(d Directive) *kindSpec { return kindByName(d.Kind()) }

var durationType = reflect.TypeFor[time.Duration]()

// mustSpec reads the tags of a directive struct; a bad tag is a programming error, caught
// as soon as the package is loaded by any test.
func mustSpec(d Directive) *kindSpec {
	t := reflect.TypeOf(d).Elem()
	k := &kindSpec{name: d.Kind(), typ: t}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type == reflect.TypeFor[Source]() {
			k.doc = sf.Tag.Get("doc")
			continue
		}
		tag, ok := sf.Tag.Lookup("directive")
		if !ok {
			panic(fmt.Sprintf("directive: %s.%s has no directive tag", t.Name(), sf.Name))
		}
		var f *field
		var err error
		if key := jobconf.Lookup(tag); key != nil && k.name == "job" {
			f, err = schemaField(i, sf, key)
		} else {
			f, err = newField(i, sf, tag)
		}
		if err != nil {
			panic(fmt.Sprintf("directive: %s.%s: %v", t.Name(), sf.Name, err))
		}
		k.fields = append(k.fields, f)
	}
	if k.doc == "" {
		panic(fmt.Sprintf("directive: %s embeds no documented Source", t.Name()))
	}
	return k
}

func newField(index int, sf reflect.StructField, tag string) (*field, error) {
	parts := strings.Split(tag, ",")
	f := &field{key: parts[0], index: index, doc: sf.Tag.Get("doc")}
	if f.key == "" || f.doc == "" {
		return nil, fmt.Errorf("needs a key and a doc")
	}
	for _, opt := range parts[1:] {
		switch {
		case opt == "required":
			f.required = true
		case opt == "allowEmpty":
			f.allowEmpty = true
		case strings.HasPrefix(opt, "hint="):
			f.hints = append(f.hints, strings.TrimPrefix(opt, "hint="))
		default:
			return nil, fmt.Errorf("unknown option %q", opt)
		}
	}
	t := sf.Type
	optional := t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map
	if optional == f.required {
		return nil, fmt.Errorf("required fields are plain values, optional ones pointers, slices or maps")
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		f.typ = durationValue
	case t.Kind() == reflect.String:
		f.typ = stringValue
	case t.Kind() == reflect.Int:
		f.typ = intValue
	case t.Kind() == reflect.Bool:
		f.typ = boolValue
	case t == reflect.TypeFor[[]string]():
		f.typ = listValue
	case t == reflect.TypeFor[map[string]string]():
		f.typ = propsValue
	default:
		return nil, fmt.Errorf("unsupported type %s", sf.Type)
	}
	if s, ok := sf.Tag.Lookup("min"); ok {
		var n int64
		var err error
		if f.typ == durationValue {
			var d time.Duration
			d, err = time.ParseDuration(s)
			n = int64(d)
		} else {
			n, err = strconv.ParseInt(s, 10, 64)
		}
		if err != nil {
			return nil, fmt.Errorf("bad min %q", s)
		}
		f.min = &n
	}
	if s, ok := sf.Tag.Lookup("enum"); ok {
		f.enum = strings.Split(s, "|")
	}
	if s, ok := sf.Tag.Lookup("format"); ok {
		if f.format = formats[s]; f.format == nil {
			return nil, fmt.Errorf("unknown format %q", s)
		}
	}
	return f, nil
}

// schemaField is a key of the job kind, described by its entry in jobconf.Keys: the
// struct tag names the key and nothing else, so that bounds, allowed values, checks and doc
// are written once for every surface.
func schemaField(index int, sf reflect.StructField, key *jobconf.Key) (*field, error) {
	if key.In&jobconf.Directive == 0 {
		return nil, fmt.Errorf("jobconf key %s is not for directives", key.Name)
	}
	if len(sf.Tag) != len(`directive:"`+key.Name+`"`) {
		return nil, fmt.Errorf("a job key takes its doc, bounds and values from jobconf.Keys: tag only directive:%q", key.Name)
	}
	want := map[jobconf.Type]reflect.Type{
		jobconf.String: reflect.TypeFor[*string](),
		jobconf.Int:    reflect.TypeFor[*int](),
		jobconf.Bool:   reflect.TypeFor[*bool](),
		jobconf.List:   reflect.TypeFor[[]string](),
		jobconf.Props:  reflect.TypeFor[map[string]string](),
	}[key.Type]
	if sf.Type != want {
		return nil, fmt.Errorf("jobconf key %s is a %s: want a field of type %s", key.Name, key.Type, want)
	}
	f := &field{key: key.Name, index: index, allowEmpty: key.AllowEmpty, hints: key.Hints, enum: key.Enum, doc: key.Doc,
		typ: map[jobconf.Type]valueType{jobconf.String: stringValue, jobconf.Int: intValue, jobconf.Bool: boolValue, jobconf.List: listValue, jobconf.Props: propsValue}[key.Type]}
	if key.Default != "" {
		f.doc += "; default: " + key.Default
	}
	if key.Min != nil {
		n := int64(*key.Min)
		f.min = &n
	}
	if key.Type == jobconf.String {
		f.format = func(s string) []problem { return fromSchema(key.Check(s)) }
	}
	return f, nil
}

// lookup finds the field of a key as written; props.<key> maps to the props field.
func (k *kindSpec) lookup(key string) *field {
	for _, f := range k.fields {
		if f.typ == propsValue && strings.HasPrefix(key, f.key+".") || f.key == key {
			return f
		}
	}
	return nil
}

// candidates are the names did-you-mean may propose for an unknown key, paired with the
// key to propose: a field's own key, its hints, and for props the key with a fixed prefix.
func (k *kindSpec) candidates(key string) (names, proposals []string) {
	for _, f := range k.fields {
		if f.typ == propsValue {
			if _, rest, ok := strings.Cut(key, "."); ok {
				names = append(names, f.key+"."+rest)
				proposals = append(proposals, f.key+"."+rest)
			}
			continue
		}
		names = append(names, f.key)
		proposals = append(proposals, f.key)
		for _, h := range f.hints {
			names = append(names, h)
			proposals = append(proposals, f.key)
		}
	}
	return names, proposals
}

// unknownKeyHint helps with a key this kind does not have: a likely typo, or else the
// kinds the key belongs to.
func (k *kindSpec) unknownKeyHint(key string) string {
	names, proposals := k.candidates(key)
	if s := jobconf.Suggest(key, names, proposals); s != "" {
		return jobconf.DidYouMean(s)
	}
	var owners []string
	for _, other := range kinds {
		if other != k && other.lookup(key) != nil {
			owners = append(owners, prefix+other.name)
		}
	}
	if len(owners) == 0 {
		return ""
	}
	return " (it is a key of " + orList(owners) + ")"
}

// describe is the type column of help: "int >= 0", "CPU|SINGLE_THREAD", ...
func (f *field) describe() string {
	if len(f.enum) > 0 {
		return strings.Join(f.enum, "|")
	}
	name := [...]string{"string", "int", "bool", "duration", "list", "string"}[f.typ]
	if f.typ == intValue && f.min != nil && *f.min == 1 {
		return "int > 0"
	}
	if f.min != nil {
		return name + " >= " + f.formatMin()
	}
	return name
}

func (f *field) formatMin() string {
	if f.typ == durationValue {
		return time.Duration(*f.min).String()
	}
	return strconv.FormatInt(*f.min, 10)
}

// want describes the expected value, for errors: "want a positive int".
func (f *field) want() string {
	switch {
	case len(f.enum) > 0:
		return "want one of " + strings.Join(f.enum, ", ")
	case f.typ == boolValue:
		return "want true or false"
	case f.typ == durationValue && f.min != nil:
		return "want a Go duration of at least " + f.formatMin() + ", such as 10s or 1m"
	case f.typ == durationValue:
		return "want a Go duration such as 10s or 1m"
	case f.typ == listValue:
		return "want a comma-separated list"
	case f.typ != intValue:
		return "want a non-empty string"
	case f.min == nil:
		return "want an int"
	case *f.min == 1:
		return "want a positive int"
	case *f.min == 0:
		return "want a non-negative int"
	}
	return "want an int >= " + f.formatMin()
}

// display is the key as help shows it.
func (f *field) display() string {
	if f.typ == propsValue {
		return f.key + ".<key>"
	}
	return f.key
}

// settings renders the set fields of v (a directive struct) as ElasticJob key → value.
func (k *kindSpec) settings(v reflect.Value) map[string]string {
	out := map[string]string{}
	for _, f := range k.fields {
		if f.required {
			continue
		}
		fv := v.Field(f.index)
		if fv.IsNil() {
			continue
		}
		switch f.typ {
		case listValue:
			out[f.key] = strings.Join(fv.Interface().([]string), ",")
		case propsValue:
			for key, val := range fv.Interface().(map[string]string) {
				out[f.key+"."+key] = val
			}
		default:
			out[f.key] = canonical(fv.Elem().Interface())
		}
	}
	return out
}

// canonical renders a decoded scalar the way Settings and checks see it.
func canonical(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Duration:
		return v.String()
	case []string:
		return strings.Join(v, ",")
	}
	panic(fmt.Sprintf("directive: no canonical form for %T", v))
}

// hasEnum reports whether s is one of the allowed values.
func (f *field) hasEnum(s string) bool { return len(f.enum) == 0 || slices.Contains(f.enum, s) }
