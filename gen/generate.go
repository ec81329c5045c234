package gen

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/elasticjob-go/elasticjob/gen/directive"
)

// FileName is the name of the file ejgen writes in every package with directives.
const FileName = "zz_generated.elasticjob.go"

// File is one file to write, or to delete when Content is nil (a package whose directives
// are gone but which still has a generated file).
type File struct {
	Path    string // absolute
	Content []byte
}

// loadMode is what validation needs: syntax for comments and positions, types for method
// sets and constructors.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
	packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports

// Generate loads the packages matching patterns (default ".") from dir and returns the
// files to write or delete, sorted by path. A non-nil error is a directive.ErrorList of
// every problem found (positions relative to dir when inside it), or a failure to run
// the loader. Files of packages without problems are returned either way, but the caller
// must write nothing unless the error is nil: job names are checked across packages.
func Generate(ctx context.Context, dir string, patterns ...string) ([]File, error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	cfg := &packages.Config{
		Context:    ctx,
		Mode:       loadMode,
		Dir:        dir,
		BuildFlags: []string{"-tags=ejgen"},
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	g := &generator{dir: dir}
	found := map[*packages.Package]*pkgDirectives{}
	var usable []*packages.Package
	for _, pkg := range pkgs {
		if g.loadErrors(pkg) {
			continue
		}
		usable = append(usable, pkg)
		if pd := g.collect(pkg); pd != nil {
			found[pkg] = pd
		}
	}
	g.checkDuplicateJobs(found)
	files, err := outputs(usable, found)
	if err != nil {
		return nil, err
	}
	g.errs.Sort()
	return files, g.errs.Err()
}

// outputs renders the file of every package with directives and no problem, and marks
// for deletion the generated file of every package that no longer has directives.
func outputs(pkgs []*packages.Package, found map[*packages.Package]*pkgDirectives) ([]File, error) {
	var files []File
	for _, pkg := range pkgs {
		pd := found[pkg]
		if pkg.Dir == "" || pd != nil && pd.failed {
			continue
		}
		path := filepath.Join(pkg.Dir, FileName)
		switch {
		case pd != nil:
			content, err := render(pd)
			if err != nil {
				return nil, fmt.Errorf("rendering %s: %w", pkg.PkgPath, err)
			}
			files = append(files, File{Path: path, Content: content})
		case exists(path):
			files = append(files, File{Path: path})
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// generator holds what one Generate call has found so far.
type generator struct {
	dir  string
	errs directive.ErrorList
}

func (g *generator) errorf(pos token.Position, format string, args ...any) {
	g.errs.Add(g.rel(pos), fmt.Sprintf(format, args...))
}

// addAll takes over the errors of directive.Parse.
func (g *generator) addAll(errs directive.ErrorList) {
	for _, e := range errs {
		g.errs.Add(g.rel(e.Pos), e.Msg)
	}
}

// rel shortens a position's file name to a path relative to dir, as go vet prints them.
func (g *generator) rel(pos token.Position) token.Position {
	pos.Filename = g.relPath(pos.Filename)
	return pos
}

func (g *generator) relPath(path string) string {
	if !filepath.IsAbs(path) || g.dir == "" {
		return path
	}
	base, err := filepath.Abs(g.dir)
	if err != nil {
		return path
	}
	r, err := filepath.Rel(base, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return path
	}
	return r
}

// loadErrors reports the problems the loader found in pkg and whether they prevent using
// it. A package that refers to its own Module is expected to, see the package doc.
func (g *generator) loadErrors(pkg *packages.Package) bool {
	bad := false
	for _, e := range pkg.Errors {
		switch {
		case e.Kind == packages.TypeError && isGeneratedModule(e.Msg):
			continue
		case e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# "):
			continue // the compiler's output: go/types reports the same errors one by one
		}
		bad = true
		g.errs.Add(g.rel(parsePos(e.Pos, pkg.PkgPath)), e.Msg)
	}
	return bad
}

// isGeneratedModule says whether a type error is a reference to a Module that ejgen generates
// (the package's own, or jobs.Module from main): it is absent while packages load without
// their generated files, and is no mistake of the user's.
func isGeneratedModule(msg string) bool {
	name, ok := strings.CutPrefix(msg, "undefined: ")
	if !ok {
		return false
	}
	if _, sel, found := strings.Cut(name, "."); found {
		name = sel
	}
	return name == "Module"
}

// parsePos reads the file:line:col of a packages.Error; an error without one is reported
// under the package's name.
func parsePos(s, pkgPath string) token.Position {
	if s == "" || s == "-" {
		return token.Position{Filename: pkgPath}
	}
	pos := token.Position{Filename: s}
	nums := []*int{&pos.Column, &pos.Line}
	for i := 0; i < len(nums); i++ {
		before, after, ok := cutLast(pos.Filename, ":")
		n, err := strconv.Atoi(after)
		if !ok || err != nil {
			break
		}
		pos.Filename, *nums[i] = before, n
	}
	if pos.Line == 0 { // file:line only: what was read as the column is the line
		pos.Line, pos.Column = pos.Column, 0
	}
	return pos
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
