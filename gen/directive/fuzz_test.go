package directive

import (
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error lies on the comment's line
// and inside it, sorted, and that a clean directive written back out parses to the same
// values.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`//elasticjob:job name=orderSync cron="0/5 * * * * ?" shardingTotalCount=3 shardingItemParameters="0=A,1=B,2=C" failover=true`,
		"//elasticjob:job name=`a b` props.x=\"\\u00e9\" jobListenerTypes=a,b maxTimeDiffSeconds=-1",
		`//elasticjob:listener job=a order=-3 // comment`,
		`//elasticjob:distributeonce job=a startedTimeout=1.5s completedTimeout=2h`,
		`// elasticjob:job name=a/b shardingTotalcount=3 cron= failover=yes cron="x" description="\q`,
		`//elasticjob:job name="\x01" cron="\`,
		`//elasticjob:`,
		`//elasticjob:job =`,
		"//elasticjob:job\tname=a\nnext",
	} {
		f.Add(seed)
	}
	pos := token.Position{Filename: "f.go", Offset: 50, Line: 3, Column: 5}
	f.Fuzz(func(t *testing.T, comment string) {
		d, errs := Parse(pos, comment)
		line, _, _ := strings.Cut(comment, "\n")
		for i, e := range errs {
			off := e.Pos.Column - pos.Column
			if e.Pos.Filename != pos.Filename || e.Pos.Line != pos.Line || off < 0 || off > len(line) || e.Pos.Offset != pos.Offset+off {
				t.Fatalf("error outside the comment: %v", e)
			}
			if e.Msg == "" || i > 0 && errs[i-1].Pos.Column > e.Pos.Column {
				t.Fatalf("empty or unsorted: %v", errs)
			}
		}
		if d == nil && len(errs) == 0 && strings.HasPrefix(line, prefix) {
			t.Fatalf("%q: a directive gave neither a result nor an error", line)
		}
		if d == nil || len(errs) > 0 {
			return
		}
		again, errs := Parse(pos, render(d))
		if len(errs) > 0 {
			t.Fatalf("%q rendered as %q: %v", line, render(d), errs)
		}
		if !reflect.DeepEqual(values(d), values(again)) {
			t.Fatalf("%q: %v, rendered and parsed again: %v", line, values(d), values(again))
		}
	})
}

// values are a directive's required keys and settings, as strings.
func values(d Directive) map[string]string {
	k := schemaOf(d)
	v := reflect.ValueOf(d).Elem()
	out := k.settings(v)
	for _, f := range k.fields {
		if f.required {
			out[f.key] = v.Field(f.index).String()
		}
	}
	return out
}

// render writes a directive back as a comment, every value quoted.
func render(d Directive) string {
	var b strings.Builder
	b.WriteString(prefix + d.Kind())
	for key, value := range values(d) {
		b.WriteString(" " + key + "=" + strconv.Quote(value))
	}
	return b.String()
}
