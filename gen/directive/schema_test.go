package directive

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFieldTags checks how tags become keys, and that a bad tag is refused.
func TestFieldTags(t *testing.T) {
	var s struct {
		Plain    string            `directive:"plain,required" doc:"d"`
		Count    *int              `directive:"count" min:"1" doc:"d"`
		Order    *int              `directive:"order" doc:"d"`
		Wait     *time.Duration    `directive:"wait" doc:"d"`
		WaitMin  *time.Duration    `directive:"waitMin" min:"1ms" doc:"d"`
		Mode     *string           `directive:"mode" enum:"A|B" doc:"d"`
		List     []string          `directive:"list" doc:"d"`
		Props    map[string]string `directive:"props,allowEmpty,hint=prop,hint=p" doc:"d"`
		Optional *string           `directive:"optional" doc:"d"`
		Flag     *bool             `directive:"flag" doc:"d"`
		Floor    *int              `directive:"floor" min:"-1" doc:"d"`
		Zero     *int              `directive:"zero" min:"0" doc:"d"`
	}
	typ := reflect.TypeOf(s)
	want := []struct{ describe, want string }{
		{"string", "want a non-empty string"},
		{"int > 0", "want a positive int"},
		{"int", "want an int"},
		{"duration", "want a Go duration such as 10s or 1m"},
		{"duration >= 1ms", "want a Go duration of at least 1ms, such as 10s or 1m"},
		{"A|B", "want one of A, B"},
		{"list", "want a comma-separated list"},
		{"string", "want a non-empty string"},
		{"string", "want a non-empty string"},
		{"bool", "want true or false"},
		{"int >= -1", "want an int >= -1"},
		{"int >= 0", "want a non-negative int"},
	}
	for i := range typ.NumField() {
		f, err := newField(i, typ.Field(i), typ.Field(i).Tag.Get("directive"))
		require.NoError(t, err)
		assert.Equal(t, want[i].describe, f.describe(), typ.Field(i).Name)
		assert.Equal(t, want[i].want, f.want(), typ.Field(i).Name)
	}
	props, _ := newField(7, typ.Field(7), typ.Field(7).Tag.Get("directive"))
	assert.Equal(t, []string{"prop", "p"}, props.hints)
	assert.True(t, props.allowEmpty)
	assert.Equal(t, "props.<key>", props.display())

	for _, bad := range []struct {
		field reflect.StructField
		err   string
	}{
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*int](), Tag: `directive:"a"`}, "needs a key and a doc"},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*int](), Tag: `directive:"a,often" doc:"d"`}, `unknown option "often"`},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*int](), Tag: `directive:"a,required" doc:"d"`}, "required fields are plain values, optional ones pointers, slices or maps"},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[int](), Tag: `directive:"a" doc:"d"`}, "required fields are plain values, optional ones pointers, slices or maps"},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*float64](), Tag: `directive:"a" doc:"d"`}, "unsupported type *float64"},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*int](), Tag: `directive:"a" min:"one" doc:"d"`}, `bad min "one"`},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*time.Duration](), Tag: `directive:"a" min:"1" doc:"d"`}, `bad min "1"`},
		{reflect.StructField{Name: "A", Type: reflect.TypeFor[*string](), Tag: `directive:"a" format:"email" doc:"d"`}, `unknown format "email"`},
	} {
		_, err := newField(0, bad.field, bad.field.Tag.Get("directive"))
		assert.EqualError(t, err, bad.err, string(bad.field.Tag))
	}
}

type undocumented struct {
	Source
	Job string `directive:"job,required" doc:"d"`
}

func (*undocumented) Kind() string { return "undocumented" }

type untagged struct {
	Source `doc:"d"`
	Job    string
}

func (*untagged) Kind() string { return "untagged" }

func TestBadKindsPanic(t *testing.T) {
	assert.PanicsWithValue(t, "directive: undocumented embeds no documented Source", func() { mustSpec(&undocumented{}) })
	assert.PanicsWithValue(t, "directive: untagged.Job has no directive tag", func() { mustSpec(&untagged{}) })
}

func TestCanonical(t *testing.T) {
	assert.Equal(t, "1m30s", canonical(90*time.Second))
	assert.Equal(t, "a,b", canonical([]string{"a", "b"}))
	assert.Equal(t, "-3", canonical(-3))
	assert.Panics(t, func() { canonical(1.5) })
}
