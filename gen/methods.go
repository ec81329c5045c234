package gen

import (
	"go/types"
	"strings"
)

// Where the job contracts live: starter re-exports internal/jobapi's types as aliases;
// both spellings are accepted so that the check survives either becoming the real one.
var contractPackages = []string{
	"github.com/elasticjob-go/elasticjob/starter",
	"github.com/elasticjob-go/elasticjob/internal/jobapi",
}

// The methods of the contracts, as error messages spell them.
const (
	wantExecute = "Execute(ctx context.Context, sc starter.ShardingContext) error"
	wantFetch   = "FetchData(ctx context.Context, sc starter.ShardingContext) ([]T, error)"
	wantProcess = "ProcessData(ctx context.Context, sc starter.ShardingContext, data []T) error"
	wantBefore  = "BeforeJobExecuted(ctx context.Context, scs starter.ShardingContexts) error"
	wantAfter   = "AfterJobExecuted(ctx context.Context, scs starter.ShardingContexts) error"
)

// methodKind is which contract a type fulfils.
type methodKind int

const (
	simpleKind methodKind = iota
	dataflowKind
	listenerKind
)

func (k methodKind) String() string {
	return [...]string{"Execute", "FetchData/ProcessData", "BeforeJobExecuted/AfterJobExecuted"}[k]
}

// satisfiedBy reports whether t's method set fulfils the contract.
func (k methodKind) satisfiedBy(t types.Type) bool {
	if k == listenerKind {
		return listenerMethods(t) == ""
	}
	kind, _, problem := jobMethods(t)
	return problem == "" && kind == k
}

// jobMethods tells whether t (usually *T, whose method set includes T's) is a simple or a
// dataflow job; for a dataflow job it returns the element type. problem completes
// "type T ..." when it is neither.
func jobMethods(t types.Type) (kind methodKind, elem types.Type, problem string) {
	ms := types.NewMethodSet(t)
	exec, fetch, process := method(ms, "Execute"), method(ms, "FetchData"), method(ms, "ProcessData")
	simple := exec != nil && isExecute(exec)
	switch {
	case fetch == nil && process == nil && exec == nil:
		return 0, nil, "has no method " + wantExecute + " nor FetchData/ProcessData"
	case fetch == nil && process == nil && !simple:
		return 0, nil, wrongSignature(exec, wantExecute)
	case fetch == nil && process == nil:
		return simpleKind, nil, ""
	case simple:
		return 0, nil, "has both Execute and FetchData/ProcessData: a job is either a simple or a dataflow job"
	case fetch == nil:
		return 0, nil, "has ProcessData but no method " + wantFetch
	case process == nil:
		return 0, nil, "has FetchData but no method " + wantProcess
	}
	fetched, ok := fetchedType(fetch)
	if !ok {
		return 0, nil, wrongSignature(fetch, wantFetch)
	}
	processed, ok := processedType(process)
	if !ok {
		return 0, nil, wrongSignature(process, wantProcess)
	}
	if !types.Identical(fetched, processed) {
		return 0, nil, "has FetchData returning " + typeString(types.NewSlice(fetched)) +
			" but ProcessData taking " + typeString(types.NewSlice(processed)) + ": both must use the same []T"
	}
	return dataflowKind, fetched, ""
}

// listenerMethods returns what t lacks to be a starter.Listener, completing "type T ...",
// or "".
func listenerMethods(t types.Type) string {
	ms := types.NewMethodSet(t)
	var missing, wrong []string
	for _, want := range []string{wantBefore, wantAfter} {
		name, _, _ := strings.Cut(want, "(")
		switch m := method(ms, name); {
		case m == nil:
			missing = append(missing, want)
		case !isListenerMethod(m):
			wrong = append(wrong, wrongSignature(m, want))
		}
	}
	switch {
	case len(missing) == 2:
		return "is not a starter.Listener: it has no methods " + missing[0] + " and " + missing[1]
	case len(missing) == 1:
		wrong = append(wrong, "has no method "+missing[0])
	}
	return strings.Join(wrong, "; it ")
}

func method(ms *types.MethodSet, name string) *types.Signature {
	sel := ms.Lookup(nil, name)
	if sel == nil {
		return nil
	}
	return sel.Type().(*types.Signature)
}

func wrongSignature(sig *types.Signature, want string) string {
	name, _, _ := strings.Cut(want, "(")
	return "has method " + name + " with signature " + typeString(sig) + ", want " + want
}

// typeString spells a type with package names, as users write it.
func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// isExecute reports whether sig is func(context.Context, starter.ShardingContext) error.
func isExecute(sig *types.Signature) bool {
	return sig.Params().Len() == 2 && !sig.Variadic() && startsWithContext(sig, "ShardingContext") && returnsError(sig)
}

func isListenerMethod(sig *types.Signature) bool {
	return sig.Params().Len() == 2 && startsWithContext(sig, "ShardingContexts") && returnsError(sig)
}

// fetchedType is T of FetchData(ctx, sc) ([]T, error).
func fetchedType(sig *types.Signature) (types.Type, bool) {
	if sig.Params().Len() != 2 || !startsWithContext(sig, "ShardingContext") || sig.Results().Len() != 2 || !isError(sig.Results().At(1).Type()) {
		return nil, false
	}
	s, ok := types.Unalias(sig.Results().At(0).Type()).(*types.Slice)
	if !ok {
		return nil, false
	}
	return s.Elem(), true
}

// processedType is T of ProcessData(ctx, sc, []T) error.
func processedType(sig *types.Signature) (types.Type, bool) {
	if sig.Params().Len() != 3 || sig.Variadic() || !startsWithContext(sig, "ShardingContext") || !returnsError(sig) {
		return nil, false
	}
	s, ok := types.Unalias(sig.Params().At(2).Type()).(*types.Slice)
	if !ok {
		return nil, false
	}
	return s.Elem(), true
}

// startsWithContext reports whether sig's first parameters are a context.Context and the
// starter type named contextType.
func startsWithContext(sig *types.Signature, contextType string) bool {
	p := sig.Params()
	if p.Len() < 2 || !isNamed(p.At(0).Type(), "context", "Context") {
		return false
	}
	for _, path := range contractPackages {
		if isNamed(p.At(1).Type(), path, contextType) {
			return true
		}
	}
	return false
}

func returnsError(sig *types.Signature) bool {
	return sig.Results().Len() == 1 && isError(sig.Results().At(0).Type())
}

func isError(t types.Type) bool { return types.Identical(t, types.Universe.Lookup("error").Type()) }

// isNamed reports whether t, once aliases are resolved, is the named type path.name.
func isNamed(t types.Type, path, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}
