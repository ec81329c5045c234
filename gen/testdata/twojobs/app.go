package twojobs

import "go.uber.org/fx"

// App refers to the generated Module: ejgen loads the package without it.
func App() *fx.App { return fx.New(Module) }
