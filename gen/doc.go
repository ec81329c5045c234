// Package gen is ejgen as a library: it loads Go packages, reads their //elasticjob:
// directives (syntax in gen/directive), checks them against the declarations they sit on
// with go/types, and renders one go.uber.org/fx module per package.
//
// Generation is pure: Generate returns the files' contents (and the stale files to
// delete) without touching the disk; Write applies them and Check compares them with the
// disk for ejgen -check.
//
// What a package's Module holds:
//   - one private provider per type carrying directives: New<Type> when the package has
//     it (its parameters become fx dependencies, its error result fails the app), else the
//     zero value; the type's jobs and listeners share that one value;
//   - one provider per directive returning a starter.JobDefinition (group
//     starter.JobsGroup) or a starter.ListenerDefinition (group starter.ListenersGroup).
//
// Packages are loaded with the build tag ejgen, which the generated file excludes
// (//go:build !ejgen), so that a stale generated file never hides or breaks anything.
// A package holding directives may refer to its own Module (fx.New(Module) in its main,
// say): "undefined: Module" is tolerated while loading.
//
// A listener may name any job, including one declared in YAML alone: job names are only
// checked against each other (two job directives with one name are an error, in one
// package or across the packages loaded together).
package gen
