package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/gen/directive"
)

// Re-record with: go test ./gen -run TestGenerate -update
var update = flag.Bool("update", false, "re-record testdata/*/want")

// Golden files of a case: its generated file, the errors it causes, or the stale file it
// loses.
const (
	errorsFile  = "errors.txt"
	removedFile = "removed.txt"
)

// TestGenerate loads every case under testdata in one go (loading is the slow part), checks
// each case's outcome against its want folder, then compiles the generated files in place
// through a build overlay and runs the cases' own tests, which start the fx module.
func TestGenerate(t *testing.T) {
	cases := caseNames(t)
	patterns := make([]string, len(cases))
	for i, c := range cases {
		patterns[i] = "./" + c
	}
	files, err := Generate(context.Background(), "testdata", patterns...)
	var errs directive.ErrorList
	if err != nil && !errors.As(err, &errs) {
		t.Fatal(err)
	}
	got := map[string]map[string][]byte{}
	for _, c := range cases {
		got[c] = map[string][]byte{}
	}
	for _, e := range errs {
		c, _, _ := strings.Cut(filepath.ToSlash(e.Pos.Filename), "/")
		got[c][errorsFile] = append(got[c][errorsFile], e.Error()+"\n"...)
	}
	abs, _ := filepath.Abs("testdata")
	for _, f := range files {
		rel, _ := filepath.Rel(abs, f.Path)
		c, name, _ := strings.Cut(filepath.ToSlash(rel), "/")
		if f.Content == nil {
			got[c][removedFile] = []byte(name + "\n")
		} else {
			got[c][name] = f.Content
		}
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) { compareWant(t, filepath.Join("testdata", c, "want"), got[c]) })
	}
	if t.Failed() || *update {
		return
	}
	t.Run("compiles and runs", func(t *testing.T) { compileGenerated(t, files) })
}

// caseNames lists the folders of testdata.
func caseNames(t *testing.T) []string {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// compareWant checks that dir holds exactly the files of got, or records them with -update.
func compareWant(t *testing.T, dir string, got map[string][]byte) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("the case produced nothing")
	}
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range got {
			if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := got[e.Name()]; !ok {
			t.Errorf("want/%s: expected, but the case did not produce it", e.Name())
		}
	}
	for name, content := range got {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("the case produced %s, not in want/ (run with -update):\n%s", name, content)
			continue
		}
		if !bytes.Equal(content, want) {
			t.Errorf("%s differs from want/%s (run with -update to accept)\n--- got\n%s\n--- want\n%s", name, name, content, want)
		}
	}
}

// compileGenerated puts the generated files in their packages through a build overlay,
// so the source tree is never written, then vets the cases and runs the cases' tests.
func compileGenerated(t *testing.T, files []File) {
	overlay := map[string]string{}
	var vet, test []string
	tmp := t.TempDir()
	for i, f := range files {
		if f.Content == nil {
			continue
		}
		path := filepath.Join(tmp, strings.Repeat("x", i+1)+".go")
		if err := os.WriteFile(path, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		overlay[f.Path] = path
		pkg := "./" + filepath.ToSlash(mustRel(t, filepath.Dir(f.Path)))
		if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(f.Path), "*_test.go")); len(matches) > 0 {
			test = append(test, pkg)
		} else {
			vet = append(vet, pkg)
		}
	}
	data, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	slices.Sort(vet)
	slices.Sort(test)
	goCmd(t, append([]string{"vet", "-overlay=" + overlayFile}, vet...)...)
	out := goCmd(t, append([]string{"test", "-count=1", "-overlay=" + overlayFile}, test...)...)
	for _, pkg := range test {
		if !strings.Contains(out, "ok  \tgithub.com/elasticjob-go/elasticjob/gen/"+strings.TrimPrefix(pkg, "./")) {
			t.Errorf("go test did not pass %s:\n%s", pkg, out)
		}
	}
}

func mustRel(t *testing.T, path string) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

func goCmd(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
