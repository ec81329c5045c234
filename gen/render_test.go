package gen

import (
	"go/token"
	"go/types"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/starter"
)

func TestImportNamesAvoidThePackagesNames(t *testing.T) {
	pkg := types.NewPackage("example.com/shop/jobs", "jobs")
	for _, name := range []string{"fx", "job"} {
		pkg.Scope().Insert(types.NewVar(token.NoPos, pkg, name, types.Typ[types.Int]))
	}
	s := newImportSet(pkg)
	if got := s.name("go.uber.org/fx", "fx"); got != "fx2" {
		t.Errorf("fx imported as %q, want fx2 (the package declares fx)", got)
	}
	if got := s.name("go.uber.org/fx", "fx"); got != "fx2" {
		t.Errorf("second lookup = %q, want the same name", got)
	}
	if got := s.fresh("job"); got != "job2" {
		t.Errorf("fresh(job) = %q, want job2", got)
	}
	if got := s.name("example.com/other/job", "job"); got != "job3" {
		t.Errorf("package job imported as %q, want job3 (job and job2 are taken)", got)
	}
	s.name("time", "time")
	want := "import (\n\t\"time\"\n\n\tfx2 \"go.uber.org/fx\"\n\tjob3 \"example.com/other/job\"\n)\n"
	if got := s.decl(); got != want {
		t.Errorf("decl =\n%s\nwant\n%s", got, want)
	}
	if got := types.TypeString(types.NewPointer(types.NewNamed(types.NewTypeName(token.NoPos, pkg, "Order", nil), types.NewStruct(nil, nil), nil)), s.qualifier); got != "*Order" {
		t.Errorf("own type spelled %q, want *Order", got)
	}
}

func TestDurationsUseTheLargestUnit(t *testing.T) {
	r := &renderer{imports: newImportSet(types.NewPackage("p", "p"))}
	for d, want := range map[time.Duration]string{
		time.Minute:             "time.Minute",
		90 * time.Second:        "90 * time.Second",
		2 * time.Hour:           "2 * time.Hour",
		1500 * time.Millisecond: "1500 * time.Millisecond",
		3 * time.Microsecond:    "3 * time.Microsecond",
		7:                       "7 * time.Nanosecond",
	} {
		if got := r.duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParsePos(t *testing.T) {
	for in, want := range map[string]token.Position{
		"/a/b.go:3:14": {Filename: "/a/b.go", Line: 3, Column: 14},
		"/a/b.go:3":    {Filename: "/a/b.go", Line: 3},
		"":             {Filename: "example.com/p"},
		"-":            {Filename: "example.com/p"},
	} {
		if got := parsePos(in, "example.com/p"); got != want {
			t.Errorf("parsePos(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// The generator spells starter's group names itself, so as not to link the runtime.
func TestGroupsAreStarters(t *testing.T) {
	if jobsGroup != starter.JobsGroup || listenersGroup != starter.ListenersGroup {
		t.Fatalf("groups %q, %q; starter's %q, %q", jobsGroup, listenersGroup, starter.JobsGroup, starter.ListenersGroup)
	}
}
