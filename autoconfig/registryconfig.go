package autoconfig

import (
	"slices"
	"strings"

	"github.com/elasticjob-go/elasticjob/starter"
)

// LoadRegistryConfig reads elasticjob.regCenter from the sources a service reads, the same way:
// application.yaml (or .yml) in the working directory or the files of ELASTICJOB_CONFIG, then
// the ELASTICJOB_* environment. It is for tools that operate a service's registry from its
// directory (ejctl). The files are checked as a service checks them (unknown keys, wrong
// types); what only the service's code can tell (the jobs it declares) is not, and
// ELASTICJOB_JOBS_* variables, which may name jobs declared in code alone, are not read.
func LoadRegistryConfig() (starter.RegistryCenterConfig, error) {
	c, err := LoadToolConfig()
	return c.Registry, err
}

// ToolConfig is what the operations tools read from a service's configuration: the registry
// (elasticjob.regCenter), the HTTP side with the console's accounts (elasticjob.http) and
// elasticjob.dump.
type ToolConfig struct {
	Registry starter.RegistryCenterConfig
	HTTP     HTTPProperties
	Dump     DumpProperties
}

// LoadToolConfig reads and checks what LoadRegistryConfig does, and elasticjob.http and
// elasticjob.dump: `ejctl console` serves with the service's accounts.
func LoadToolConfig() (ToolConfig, error) {
	var errs problems
	var layers []*layer
	for _, f := range configFiles() {
		layers = append(layers, fileLayer(f, &errs))
	}
	layers = append(layers, envLayer(nil, &errs))
	errs = slices.DeleteFunc(errs, func(err error) bool {
		return strings.HasPrefix(strings.ToUpper(err.Error()), strings.ToUpper(envSource+": "+envPrefix+"JOBS_"))
	})
	m := merge(layers)
	rc := defaultRegCenter()
	bind(&rc, regCenterSection, m.sections["regCenter"])
	var tracing TracingProperties
	var c ToolConfig
	bind(&tracing, tracingSection, m.sections["tracing"])
	bind(&c.Dump, dumpSection, m.sections["dump"])
	bind(&c.HTTP, httpSection, m.sections["http"])
	checkTracing(tracing, m.sections["tracing"], &errs)
	checkDump(c.Dump, m.sections["dump"], &errs)
	checkHTTP(c.HTTP, m.sections["http"], &errs)
	if err := errs.err(); err != nil {
		return ToolConfig{}, err
	}
	c.Registry = rc.registryConfig()
	return c, nil
}
