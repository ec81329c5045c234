package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/elasticjob-go/elasticjob/gen"
	"github.com/elasticjob-go/elasticjob/gen/directive"
)

// service creates, outside this repository, a module that uses it the way a service does,
// with one package per source file given; it returns the module's folder.
func service(t *testing.T, pkgs map[string]string) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := "module example.com/shop\n\ngo 1.26.8\n\nrequire github.com/elasticjob-go/elasticjob v0.0.0\n\nreplace github.com/elasticjob-go/elasticjob => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.mod"), goMod)
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	for pkg, src := range pkgs {
		from := filepath.Join(root, "gen", "testdata", src)
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, pkg, filepath.Base(src)), string(data))
	}
	// The module's go.mod lacks the indirect requirements; let the go command add them
	// from the module cache, never from the network. On a fresh machine the cache holds only
	// what building this repository needed, so fill it with the whole module graph first.
	downloadOnce.Do(func() {
		cmd := exec.Command("go", "mod", "download")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			downloadErr = fmt.Errorf("go mod download: %v\n%s", err, out)
		}
	})
	if downloadErr != nil {
		t.Fatal(downloadErr)
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	return dir
}

var (
	downloadOnce sync.Once
	downloadErr  error
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ejgen runs the command in dir and returns its exit code and outputs.
func ejgen(dir string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), dir, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestGenerateThenCheck(t *testing.T) {
	dir := service(t, map[string]string{"jobs": "simple/jobs.go"})
	jobs := filepath.Join(dir, "jobs")
	generated := filepath.Join(jobs, gen.FileName)

	code, _, stderr := ejgen(jobs, "-check")
	if code != 1 || !strings.HasPrefix(stderr, gen.FileName+": missing\n") {
		t.Errorf("-check before generating = %d, stderr %q, want 1 and the file missing", code, stderr)
	}
	code, stdout, stderr := ejgen(jobs)
	if code != 0 || stdout != "wrote "+gen.FileName+"\n" {
		t.Fatalf("ejgen = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(generated); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := ejgen(jobs); code != 0 || stdout != "" {
		t.Errorf("second run = %d, %q: want nothing to write", code, stdout)
	}
	if code, _, stderr := ejgen(jobs, "-check"); code != 0 || stderr != "" {
		t.Fatalf("fresh -check = %d, stderr %q, want 0", code, stderr)
	}

	src := filepath.Join(jobs, "jobs.go")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	write(t, src, strings.Replace(string(data), `cron="0/5 * * * * ?"`, `cron="0/7 * * * * ?"`, 1))
	before, _ := os.ReadFile(generated)
	code, _, stderr = ejgen(dir, "-check", "./...")
	want := "jobs/" + gen.FileName + ": out of date\nejgen: generated files are not up to date: run ejgen (go generate)\n"
	if code != 1 || stderr != want {
		t.Errorf("-check after editing a directive = %d, stderr %q, want 1, %q", code, stderr, want)
	}
	if after, _ := os.ReadFile(generated); !bytes.Equal(before, after) {
		t.Error("-check changed the generated file")
	}

	write(t, src, strings.Replace(string(data), "//elasticjob:job", "// Not a job any more:", 1))
	code, _, stderr = ejgen(jobs, "-check")
	if code != 1 || !strings.HasPrefix(stderr, gen.FileName+": stale: its package has no //elasticjob: directives any more\n") {
		t.Errorf("-check after removing the directive = %d, stderr %q", code, stderr)
	}
	if code, stdout, stderr := ejgen(jobs); code != 0 || stdout != "removed "+gen.FileName+"\n" {
		t.Errorf("ejgen after removing the directive = %d, %q, %q", code, stdout, stderr)
	}
	if _, err := os.Stat(generated); !os.IsNotExist(err) {
		t.Errorf("the stale file is still there: %v", err)
	}
}

func TestMistakesWriteNothing(t *testing.T) {
	dir := service(t, map[string]string{"mistakes": "mistakes/mistakes.go", "good": "funcjob/cleanup.go"})
	code, stdout, stderr := ejgen(dir, "./...")
	golden, err := os.ReadFile("../../gen/testdata/mistakes/want/errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := string(golden) + "ejgen: nothing written; directive reference: ejgen -help\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("ejgen = %d, stdout %q, stderr:\n%s\nwant:\n%s", code, stdout, stderr, want)
	}
	for _, pkg := range []string{"mistakes", "good"} {
		if _, err := os.Stat(filepath.Join(dir, pkg, gen.FileName)); !os.IsNotExist(err) {
			t.Errorf("%s: a file was written despite the errors (%v)", pkg, err)
		}
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := ejgen(".", "-help")
	if code != 0 || stdout != directive.Help() {
		t.Errorf("-help = %d, %q", code, stdout)
	}
	if code, _, stderr := ejgen(".", "-bogus"); code != 2 || !strings.Contains(stderr, "usage: ejgen [-check] [-help] [packages]") {
		t.Errorf("-bogus = %d, %q", code, stderr)
	}
}

func TestDuplicateJobNamesAcrossPackages(t *testing.T) {
	dir := service(t, map[string]string{"eu": "simple/jobs.go", "us": "simple/jobs.go"})
	code, _, stderr := ejgen(dir, "./...")
	want := `eu/jobs.go:17:23: duplicate job name "orderSync" (also declared at us/jobs.go:17:23)
us/jobs.go:17:23: duplicate job name "orderSync" (also declared at eu/jobs.go:17:23)
ejgen: nothing written; directive reference: ejgen -help
`
	if code != 1 || stderr != want {
		t.Errorf("ejgen = %d, stderr:\n%s\nwant:\n%s", code, stderr, want)
	}
}

// At a module's root, main refers to jobs.Module, which does not exist while ejgen loads the
// packages without their generated files: that reference must not be an error.
func TestModuleRootWithAMainUsingTheGeneratedModule(t *testing.T) {
	dir := service(t, map[string]string{"jobs": "simple/jobs.go"})
	write(t, filepath.Join(dir, "main.go"), `package main

import (
	jobs "example.com/shop/jobs"
	"go.uber.org/fx"
)

func main() { fx.New(jobs.Module).Run() }
`)
	if code, stdout, stderr := ejgen(dir, "./..."); code != 0 || stdout != "wrote jobs/"+gen.FileName+"\n" {
		t.Fatalf("ejgen ./... = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := ejgen(dir, "-check", "./..."); code != 0 || stderr != "" {
		t.Fatalf("-check ./... = %d, stderr %q, want 0", code, stderr)
	}
}

// The generator stands apart from the runtime: building ejgen links neither the engine, nor
// the ZooKeeper client, nor the error handlers (SMTP), nor package starter.
func TestGeneratorDoesNotLinkTheRuntime(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var ours []string
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/elasticjob-go/elasticjob/") {
			ours = append(ours, strings.TrimPrefix(dep, "github.com/elasticjob-go/elasticjob/"))
		}
		for _, banned := range []string{"github.com/go-zookeeper/zk", "net/smtp", "go.uber.org/fx"} {
			if dep == banned {
				t.Errorf("ejgen links %s", banned)
			}
		}
	}
	want := "internal/jobapi internal/quartz internal/jobconf gen/directive gen cmd/ejgen"
	if got := strings.Join(ours, " "); got != want {
		t.Errorf("ejgen's packages of this module: %s\nwant: %s", got, want)
	}
}

// The generated code checks each job type at compile time: a job whose Execute changed after
// generating fails to build, naming the type, instead of failing at start-up.
func TestAChangedJobFailsToCompile(t *testing.T) {
	dir := service(t, map[string]string{"jobs": "simple/jobs.go"})
	jobs := filepath.Join(dir, "jobs")
	if code, _, stderr := ejgen(jobs); code != 0 {
		t.Fatalf("ejgen: %s", stderr)
	}
	build := func() (string, error) {
		cmd := exec.Command("go", "build", "./...")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := build(); err != nil {
		t.Fatalf("the generated code does not build: %v\n%s", err, out)
	}
	src := filepath.Join(jobs, "jobs.go")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), "sc starter.ShardingContext) error {", "sc *starter.ShardingContext) error {", 1)
	if changed == string(data) {
		t.Fatal("the test job's Execute was not found")
	}
	write(t, src, changed)
	out, err := build()
	if err == nil || !strings.Contains(out, "cannot convert job (variable of type *OrderSync) to type starter.SimpleJob: *OrderSync does not implement jobapi.SimpleJob (wrong type for method Execute)") {
		t.Fatalf("build after changing Execute: %v\n%s", err, out)
	}
}
