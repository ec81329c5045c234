package autoconfig

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// field is one bindable key of a properties struct: its camelCase key, derived from the Go
// field name, and where it lives. The fields of a nested struct are keys of their own, dotted:
// tracing's DataSource.URL is "dataSource.url".
type field struct {
	key   string
	index []int
	kind  reflect.Kind // String, Int, Bool, Slice ([]string) or Map (map[string]string)
	min   *int         // the min:"n" tag of an int field of a section
	// job is the key's entry in jobconf.Keys, for a job key.
	job *jobconf.Key
	// refused, when set, says why the key is refused and what to do instead (see refused.go);
	// such a key binds nothing.
	refused string
}

// section is a properties struct as a set of keys.
type section []field

func sectionOf(v any) section {
	return fieldsOf(reflect.TypeOf(v), "", nil)
}

func fieldsOf(t reflect.Type, prefix string, index []int) section {
	s := make(section, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		at := append(append([]int(nil), index...), i)
		key := prefix + lowerFirst(f.Name)
		if f.Type.Kind() == reflect.Struct {
			s = append(s, fieldsOf(f.Type, key+".", at)...)
			continue
		}
		fd := field{key: key, index: at, kind: f.Type.Kind()}
		if tag, ok := f.Tag.Lookup("min"); ok {
			n, err := strconv.Atoi(tag)
			if err != nil {
				panic(fmt.Sprintf("autoconfig: %s.%s: bad min %q", t.Name(), f.Name, tag))
			}
			fd.min = &n
		}
		s = append(s, fd)
	}
	return s
}

// jobSectionOf is the keys of elasticjob.jobs.<name>: those of jobconf.Keys that a file may
// set, each bound to the JobProperties field of the same name. A key without its field, or a
// field without its key, is a programming error caught when the package loads.
func jobSectionOf() section {
	t := reflect.TypeFor[JobProperties]()
	kinds := map[jobconf.Type]reflect.Kind{jobconf.String: reflect.String, jobconf.Int: reflect.Int,
		jobconf.Bool: reflect.Bool, jobconf.List: reflect.Slice, jobconf.Props: reflect.Map}
	var s section
	for _, k := range jobconf.KeysIn(jobconf.File) {
		sf, ok := t.FieldByName(strings.ToUpper(k.Name[:1]) + k.Name[1:])
		if !ok || sf.Type.Kind() != kinds[k.Type] {
			panic(fmt.Sprintf("autoconfig: JobProperties has no %s field for jobconf key %s", kinds[k.Type], k.Name))
		}
		s = append(s, field{key: k.Name, index: sf.Index, kind: sf.Type.Kind(), job: k})
	}
	if len(s) != t.NumField() {
		panic(fmt.Sprintf("autoconfig: JobProperties has %d fields, jobconf.Keys %d keys for files", t.NumField(), len(s)))
	}
	return s
}

// nested finds the struct key a file key names ("dataSource" or "data-source"), if any.
func (s section) nested(written string) (string, bool) {
	for _, f := range s {
		if i := strings.IndexByte(f.key, '.'); i > 0 && spelledAs(f.key[:i], written) {
			return f.key[:i], true
		}
	}
	return "", false
}

// under is the section of the keys below a nested struct key, without the prefix.
func (s section) under(prefix string) section {
	var out section
	for _, f := range s {
		if rest, ok := strings.CutPrefix(f.key, prefix+"."); ok {
			f.key = rest
			out = append(out, f)
		}
	}
	return out
}

var (
	regCenterSection = sectionOf(RegCenterProperties{})
	jobSection       = append(jobSectionOf(), refusedJobKeys...)
	tracingSection   = sectionOf(TracingProperties{})
	dumpSection      = sectionOf(DumpProperties{})
	httpSection      = sectionOf(HTTPProperties{})
)

// topKeys are the keys under elasticjob: in a file.
var topKeys = []string{"regCenter", "jobs", "tracing", "dump", "http"}

// lookup finds the field a file key names: the camelCase key or its kebab-case spelling,
// exactly (a key differing in case is a typo that gets a suggestion, not a silent match).
func (s section) lookup(written string) (field, bool) {
	for _, f := range s {
		if spelledAs(f.key, written) {
			return f, true
		}
	}
	return field{}, false
}

// lookupLoose finds the field an environment variable segment names, ignoring case, '-' and '_'.
func (s section) lookupLoose(written string) (field, bool) {
	for _, f := range s {
		if loose(strings.ReplaceAll(f.key, ".", "")) == loose(written) {
			return f, true
		}
	}
	return field{}, false
}

// keys are the accepted keys, for "known:" lists and suggestions.
func (s section) keys() []string {
	var keys []string
	for _, f := range s {
		if f.refused == "" {
			keys = append(keys, f.key)
		}
	}
	return keys
}

func spelledAs(camel, written string) bool { return written == camel || written == kebab(camel) }

// lowerFirst lower-cases a leading word, an initialism whole: ServerLists -> serverLists,
// URL -> url.
func lowerFirst(s string) string {
	n := 1
	for n < len(s) && unicode.IsUpper(rune(s[n])) && (n+1 == len(s) || unicode.IsUpper(rune(s[n+1]))) {
		n++
	}
	return strings.ToLower(s[:n]) + s[n:]
}

// kebab is Spring's spelling of a camelCase key: serverLists -> server-lists.
func kebab(camel string) string {
	var b strings.Builder
	for _, r := range camel {
		if unicode.IsUpper(r) {
			b.WriteByte('-')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// loose is the form environment matching compares: lower case without '-' and '_'.
func loose(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(s))
}

// suggest returns the known key closest to an unknown one, compared as loose does, or "" when
// none is close enough to be a likely typo.
func suggest(written string, known []string) string {
	names := make([]string, len(known))
	for i, k := range known {
		names[i] = loose(k)
	}
	return jobconf.Suggest(loose(written), names, known)
}
