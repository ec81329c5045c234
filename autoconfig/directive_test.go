package autoconfig

import (
	"reflect"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/gen/directive"
)

// The directive parser (struct tags: types, bounds, docs, checks at generate time) and the YAML
// binding (Spring spellings, defaults, merged-configuration checks) each describe the job keys;
// this keeps the two in step: every key a //elasticjob:job directive can set binds here, to a
// field of the same type.
func TestEveryDirectiveJobKeyBinds(t *testing.T) {
	jt := reflect.TypeFor[directive.Job]()
	checked := 0
	for i := range jt.NumField() {
		sf := jt.Field(i)
		tag, ok := sf.Tag.Lookup("directive")
		if !ok {
			continue
		}
		key, _, _ := strings.Cut(tag, ",")
		if key == "name" {
			continue // the job's name is the key it is configured under, not a setting
		}
		f, ok := jobSection.lookup(key)
		if !ok {
			t.Errorf("directive key %s is not a key of JobProperties", key)
			continue
		}
		typ := sf.Type
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if field := reflect.TypeFor[JobProperties]().FieldByIndex(f.index); field.Type != typ {
			t.Errorf("directive key %s is a %s, JobProperties.%s a %s", key, typ, field.Name, field.Type)
		}
		checked++
	}
	if checked != 21 {
		t.Fatalf("checked %d directive keys, want the 21 besides name", checked)
	}
}
