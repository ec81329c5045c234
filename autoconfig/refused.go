package autoconfig

// Keys of ElasticJob's Spring Boot starter that have no meaning in Go. Users paste their Spring
// configuration, so a file or variable setting one is refused with what to do instead rather
// than "unknown key"; the suggestions for typos leave them out.
var (
	// refusedTopKeys are the refused keys directly under elasticjob:.
	refusedTopKeys = section{
		refused("enabled", "there is no switch: to run no jobs, leave autoconfig.Module out of fx.New"),
	}
	// refusedJobKeys are the refused keys of elasticjob.jobs.<name>.
	refusedJobKeys = section{
		refused("jobBootstrapBeanName", "fx has no beans: a one-off job (a job without cron) is run by its name, "+
			`with (*autoconfig.OneOffJobs).Execute("<job>") (autoconfig.Module provides *autoconfig.OneOffJobs) `+
			"or from the console; delete the key"),
	}
)

func refused(key, advice string) field { return field{key: key, refused: advice} }

// refuse reports f when it is a refused key, and says whether it was.
func (p *problems) refuse(f field, source, path string) bool {
	if f.refused == "" {
		return false
	}
	p.add(source, path, "not supported: %s", f.refused)
	return true
}
