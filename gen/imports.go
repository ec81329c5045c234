package gen

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// importSet names the packages a generated file imports and the identifiers it declares,
// so that none of them collides with a name of the package it is generated into.
type importSet struct {
	pkg   *types.Package
	names map[string]string // import path -> name used in the file
	real  map[string]string // import path -> the package's own name
	taken map[string]bool
}

func newImportSet(pkg *types.Package) *importSet {
	return &importSet{pkg: pkg, names: map[string]string{}, real: map[string]string{}, taken: map[string]bool{}}
}

// name returns the identifier the file uses for the package path, importing it.
func (s *importSet) name(path, pkgName string) string {
	if n, ok := s.names[path]; ok {
		return n
	}
	n := s.fresh(pkgName)
	s.names[path], s.real[path] = n, pkgName
	return n
}

// fresh returns an identifier based on want that nothing in the package or the file uses.
func (s *importSet) fresh(want string) string {
	n := want
	for i := 2; s.taken[n] || s.pkg.Scope().Lookup(n) != nil; i++ {
		n = fmt.Sprintf("%s%d", want, i)
	}
	s.taken[n] = true
	return n
}

// qualifier spells types of other packages through the file's imports.
func (s *importSet) qualifier(p *types.Package) string {
	if p == s.pkg {
		return ""
	}
	return s.name(p.Path(), p.Name())
}

// decl is the import declaration: standard library first, then the others, each sorted.
func (s *importSet) decl() string {
	var std, other []string
	for path, n := range s.names {
		spec := fmt.Sprintf("%q", path)
		if n != s.real[path] {
			spec = n + " " + spec
		}
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			other = append(other, spec)
		} else {
			std = append(std, spec)
		}
	}
	slices.Sort(std)
	slices.Sort(other)
	groups := []string{}
	for _, g := range [][]string{std, other} {
		if len(g) > 0 {
			groups = append(groups, "\t"+strings.Join(g, "\n\t"))
		}
	}
	return "import (\n" + strings.Join(groups, "\n\n") + "\n)\n"
}
