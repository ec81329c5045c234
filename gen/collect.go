package gen

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/elasticjob-go/elasticjob/gen/directive"
)

// pkgDirectives is what one package declares.
type pkgDirectives struct {
	pkg       *packages.Package
	types     []*typeTarget // types that carry a job or listener, in source order
	jobs      []*jobDecl
	listeners []*listenerDecl
	failed    bool // a problem was found: nothing is generated for the package
}

// typeTarget is a type with directives: fx builds one value of it, shared by its jobs and
// listeners.
type typeTarget struct {
	name *types.TypeName
	ctor *types.Func // New<Type>, or nil: the zero value
	// value is what the jobs and listeners get: the constructor's result, else *T.
	value types.Type
	bad   bool // the constructor is wrong: reported once
}

// jobDecl is a job directive on a type or a func.
type jobDecl struct {
	d    *directive.Job
	typ  *typeTarget // nil for a func
	fn   *types.Func
	elem types.Type // element type of a dataflow job; nil for a simple job
}

// listenerDecl is a listener or distributeonce directive.
type listenerDecl struct {
	d   directive.Directive // *directive.Listener or *directive.DistributeOnce
	typ *typeTarget
}

// declTarget is the declaration a comment group documents.
type declTarget struct {
	fn   *ast.FuncDecl
	gen  *ast.GenDecl
	spec *ast.TypeSpec // the type, when the group documents exactly one
}

// found is a parsed directive and the declaration it documents (nil: none).
type found struct {
	d      directive.Directive
	target *declTarget
}

// collect reads the directives of every file of pkg and checks them against their
// declarations. It returns nil for a package without any directive.
func (g *generator) collect(pkg *packages.Package) *pkgDirectives {
	errsBefore := len(g.errs)
	var all []found
	seen := false
	for _, f := range pkg.Syntax {
		docs := documented(f)
		for _, group := range f.Comments {
			for _, c := range group.List {
				if !strings.Contains(c.Text, "elasticjob:") {
					continue
				}
				d, errs := directive.Parse(pkg.Fset.Position(c.Pos()), c.Text)
				if d == nil && errs == nil {
					continue
				}
				seen = true
				g.addAll(errs)
				if d != nil {
					all = append(all, found{d, docs[group]})
				}
			}
		}
	}
	if !seen {
		return nil
	}
	pd := &pkgDirectives{pkg: pkg}
	for _, fd := range all {
		g.attach(pd, fd)
	}
	if obj := pkg.Types.Scope().Lookup("Module"); obj != nil {
		g.errorf(pkg.Fset.Position(obj.Pos()), "package %s declares Module, the name of the module ejgen generates: rename it", pkg.Name)
	}
	pd.failed = len(g.errs) > errsBefore
	return pd
}

// documented maps each doc comment of a type or func declaration to the declaration.
func documented(f *ast.File) map[*ast.CommentGroup]*declTarget {
	docs := map[*ast.CommentGroup]*declTarget{}
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Doc != nil {
				docs[decl.Doc] = &declTarget{fn: decl}
			}
		case *ast.GenDecl:
			if decl.Doc != nil {
				t := &declTarget{gen: decl}
				if decl.Tok == token.TYPE && len(decl.Specs) == 1 {
					t.spec = decl.Specs[0].(*ast.TypeSpec)
				}
				docs[decl.Doc] = t
			}
			for _, spec := range decl.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok && ts.Doc != nil {
					docs[ts.Doc] = &declTarget{gen: decl, spec: ts}
				}
			}
		}
	}
	return docs
}

// attach checks that a directive sits on a declaration it can describe, then hands it to
// the check of its kind.
func (g *generator) attach(pd *pkgDirectives, fd found) {
	d, t := fd.d, fd.target
	pos := d.Position()
	name := "//elasticjob:" + d.Kind()
	info := pd.pkg.TypesInfo
	switch {
	case t == nil:
		g.errorf(pos, "%s must be in the doc comment directly above a type or func declaration", name)
	case t.fn != nil && t.fn.Recv != nil:
		g.errorf(pos, "%s is on method %s: put it above the type or a func", name, t.fn.Name.Name)
	case t.fn != nil:
		fn, _ := info.Defs[t.fn.Name].(*types.Func)
		if fn == nil {
			return // not type-checked: the loader reported why
		}
		if job, ok := d.(*directive.Job); ok {
			g.funcJob(pd, job, fn)
			return
		}
		g.errorf(pos, "%s is on func %s: a listener is a type with the methods of starter.Listener", name, fn.Name())
	case t.gen.Tok != token.TYPE:
		g.errorf(pos, "%s is on a %s declaration: want a type or func declaration", name, t.gen.Tok)
	case t.spec == nil:
		g.errorf(pos, "%s is on a group of types: put it above one of them", name)
	default:
		tn, _ := info.Defs[t.spec.Name].(*types.TypeName)
		if tn == nil {
			return
		}
		g.typeDirective(pd, d, tn)
	}
}

// typeDirective checks a directive on a type and records it.
func (g *generator) typeDirective(pd *pkgDirectives, d directive.Directive, tn *types.TypeName) {
	pos := d.Position()
	switch {
	case tn.IsAlias():
		g.errorf(pos, "type %s is an alias: put the directive on the type it stands for", tn.Name())
		return
	case types.IsInterface(tn.Type()):
		g.errorf(pos, "type %s is an interface: the directive needs a concrete type", tn.Name())
		return
	case tn.Type().(*types.Named).TypeParams().Len() > 0:
		g.errorf(pos, "type %s is generic: ejgen cannot choose its type arguments", tn.Name())
		return
	}
	switch d := d.(type) {
	case *directive.Job:
		kind, elem, problem := jobMethods(types.NewPointer(tn.Type()))
		if problem != "" {
			g.errorf(pos, "type %s %s", tn.Name(), problem)
			return
		}
		tt := g.typeTarget(pd, tn, kind)
		if tt == nil {
			return
		}
		pd.jobs = append(pd.jobs, &jobDecl{d: d, typ: tt, elem: elem})
	default:
		if problem := listenerMethods(types.NewPointer(tn.Type())); problem != "" {
			g.errorf(pos, "type %s %s", tn.Name(), problem)
			return
		}
		tt := g.typeTarget(pd, tn, listenerKind)
		if tt == nil {
			return
		}
		pd.listeners = append(pd.listeners, &listenerDecl{d: d, typ: tt})
	}
}

// funcJob checks and records a job directive on a func.
func (g *generator) funcJob(pd *pkgDirectives, d *directive.Job, fn *types.Func) {
	sig := fn.Signature()
	if sig.TypeParams().Len() > 0 || !isExecute(sig) {
		g.errorf(d.Position(), "func %s is not a simple job: want func %s(ctx context.Context, sc starter.ShardingContext) error", fn.Name(), fn.Name())
		return
	}
	pd.jobs = append(pd.jobs, &jobDecl{d: d, fn: fn})
}

// typeTarget returns the shared record of a type, checking its constructor the first time.
// It returns nil when the constructor is wrong.
func (g *generator) typeTarget(pd *pkgDirectives, tn *types.TypeName, kind methodKind) *typeTarget {
	i := slices.IndexFunc(pd.types, func(t *typeTarget) bool { return t.name == tn })
	if i < 0 {
		tt := &typeTarget{name: tn, value: types.NewPointer(tn.Type())}
		tt.bad = !g.constructor(pd, tt)
		pd.types = append(pd.types, tt)
		i = len(pd.types) - 1
	}
	tt := pd.types[i]
	if tt.bad {
		return nil
	}
	if tt.ctor == nil || types.Identical(tt.value, types.NewPointer(tn.Type())) {
		return tt
	}
	// The constructor returns T: T itself must have the methods.
	if !kind.satisfiedBy(tt.value) {
		g.errorf(pd.pkg.Fset.Position(tt.ctor.Pos()), "constructor %s returns %s, whose method set lacks %s (pointer receivers): return *%s", tt.ctor.Name(), tn.Name(), kind, tn.Name())
		tt.bad = true
		return nil
	}
	return tt
}

// constructor finds New<Type> and checks its results: *T or T, optionally with an error.
func (g *generator) constructor(pd *pkgDirectives, tt *typeTarget) bool {
	name := "New" + tt.name.Name()
	fn, ok := pd.pkg.Types.Scope().Lookup(name).(*types.Func)
	if !ok {
		return true
	}
	sig := fn.Signature()
	res := sig.Results()
	t := tt.name.Type()
	okFirst := res.Len() > 0 && (types.Identical(res.At(0).Type(), t) || types.Identical(res.At(0).Type(), tt.value))
	okRest := res.Len() == 1 || res.Len() == 2 && isError(res.At(1).Type())
	pos := pd.pkg.Fset.Position(fn.Pos())
	switch {
	case sig.TypeParams().Len() > 0:
		g.errorf(pos, "constructor %s is generic: ejgen cannot choose its type arguments", name)
		return false
	case !okFirst || !okRest:
		g.errorf(pos, "constructor %s returns %s: want *%s or (*%s, error)", name, resultString(res, pd.pkg.Types), tt.name.Name(), tt.name.Name())
		return false
	}
	tt.ctor, tt.value = fn, res.At(0).Type()
	return true
}

func resultString(res *types.Tuple, pkg *types.Package) string {
	if res.Len() == 0 {
		return "nothing"
	}
	s := types.TypeString(res, types.RelativeTo(pkg))
	if res.Len() == 1 {
		return strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	}
	return s
}

// checkDuplicateJobs reports every job name declared more than once, at each declaration.
func (g *generator) checkDuplicateJobs(all map[*packages.Package]*pkgDirectives) {
	byName := map[string][]*jobDecl{}
	owner := map[*jobDecl]*pkgDirectives{}
	for _, pd := range all {
		for _, j := range pd.jobs {
			if j.d.Name == "" {
				continue // the name was missing or invalid: reported already
			}
			byName[j.d.Name] = append(byName[j.d.Name], j)
			owner[j] = pd
		}
	}
	for name, jobs := range byName {
		if len(jobs) < 2 {
			continue
		}
		jobs = sortedByPos(jobs, func(j *jobDecl) token.Position { return j.d.KeyPos("name") })
		for _, j := range jobs {
			var others []string
			for _, o := range jobs {
				if o != j {
					others = append(others, g.rel(o.d.KeyPos("name")).String())
				}
			}
			g.errorf(j.d.KeyPos("name"), "duplicate job name %q (also declared at %s)", name, strings.Join(others, ", "))
			owner[j].failed = true
		}
	}
}
