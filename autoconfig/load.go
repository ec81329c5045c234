package autoconfig

import (
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/errorhandler"
	"github.com/elasticjob-go/elasticjob/internal/jobtype"
	"github.com/elasticjob-go/elasticjob/starter"
)

// load binds the configuration from its sources, later winning: built-in defaults, the
// settings of the jobs declared in code, the YAML files, the environment. Every problem is
// reported, each naming its source and key path.
func load(defs []starter.JobDefinition) (*Properties, error) {
	var errs problems
	byName := map[string]starter.JobDefinition{}
	for _, def := range defs {
		if prev, dup := byName[def.Name]; dup {
			errs = append(errs, fmt.Errorf("job %q is declared twice in code: by %s and by %s", def.Name, prev.Class, def.Class))
			continue
		}
		byName[def.Name] = def
	}
	layers := []*layer{directiveLayer(defs, &errs)}
	for _, f := range configFiles() {
		layers = append(layers, fileLayer(f, &errs))
	}
	declared := map[string]bool{}
	for _, l := range layers {
		for name := range l.jobs {
			declared[name] = true
		}
	}
	layers = append(layers, envLayer(slices.Sorted(maps.Keys(declared)), &errs))

	m := merge(layers)
	props := &Properties{RegCenter: defaultRegCenter(), Jobs: map[string]JobProperties{}}
	bind(&props.RegCenter, regCenterSection, m.sections["regCenter"])
	bind(&props.Tracing, tracingSection, m.sections["tracing"])
	bind(&props.Dump, dumpSection, m.sections["dump"])
	for _, name := range slices.Sorted(maps.Keys(m.jobs)) {
		settings := m.jobs[name]
		job := defaultJob(name)
		bind(&job, jobSection, settings)
		for key, s := range settings {
			if prop, ok := strings.CutPrefix(key, "props."); ok {
				job.Props[prop] = s.value.(string)
			}
		}
		def, inCode := byName[name]
		if checkJob(name, &job, settings, m.jobAt[name], def, inCode, defs, &errs) {
			props.Jobs[name] = job
		}
	}
	checkTracing(props.Tracing, m.sections["tracing"], &errs)
	checkDump(props.Dump, m.sections["dump"], &errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return props, nil
}

// merged is every layer applied in order, key by key (props entry by props entry).
type merged struct {
	sections map[string]map[string]setting
	jobs     map[string]map[string]setting
	jobAt    map[string]setting // the first source that mentions the job
}

func merge(layers []*layer) merged {
	m := merged{sections: map[string]map[string]setting{}, jobs: map[string]map[string]setting{}, jobAt: map[string]setting{}}
	for _, l := range layers {
		for name, s := range l.sections {
			if m.sections[name] == nil {
				m.sections[name] = map[string]setting{}
			}
			maps.Copy(m.sections[name], s)
		}
		for name, s := range l.jobs {
			if m.jobs[name] == nil {
				m.jobs[name] = map[string]setting{}
				m.jobAt[name] = l.jobAt[name]
			}
			maps.Copy(m.jobs[name], s)
		}
	}
	return m
}

// bind sets the fields of *ptr from settings (props entries are the caller's).
func bind(ptr any, s section, settings map[string]setting) {
	v := reflect.ValueOf(ptr).Elem()
	for _, f := range s {
		if st, ok := settings[f.key]; ok {
			v.Field(f.index).Set(reflect.ValueOf(st.value))
		}
	}
}

// checkJob resolves what runs the job and validates what only the merged configuration can
// tell; it reports whether the job is usable.
func checkJob(name string, job *JobProperties, settings map[string]setting, at setting, def starter.JobDefinition, inCode bool, defs []starter.JobDefinition, errs *problems) bool {
	before := len(*errs)
	class, hasClass := settings["elasticJobClass"]
	typ, hasType := settings["elasticJobType"]
	switch {
	case hasClass && hasType:
		errs.add(typ.source, typ.path, "elasticJobClass and elasticJobType are both set (elasticJobClass %q in %s); set one", job.ElasticJobClass, class.source)
	case inCode && hasType:
		errs.add(typ.source, typ.path, "job %s is implemented in Go by %s; elasticJobType is for jobs declared in YAML alone", name, def.Class)
	case inCode && hasClass && job.ElasticJobClass != def.Class:
		errs.add(class.source, class.path, "job %s is implemented by %s, not %q", name, def.Class, job.ElasticJobClass)
	case inCode:
		job.ElasticJobClass = def.Class
	case hasClass:
		if _, ok := implementation(defs, job.ElasticJobClass); !ok {
			errs.add(class.source, class.path, "%q names no known job implementation (known: %s)", job.ElasticJobClass, knownClasses(defs))
		}
	case hasType:
		if t := starter.JobType(job.ElasticJobType); t != starter.Script && t != starter.HTTP {
			errs.add(typ.source, typ.path, "%q is not a job type: want %s or %s", job.ElasticJobType, starter.Script, starter.HTTP)
		}
	default:
		errs.add(at.source, at.path, "no job %s is declared in code; give it elasticJobClass or elasticJobType", name)
	}
	if job.ShardingTotalCount <= 0 {
		s := settings["shardingTotalCount"]
		errs.add(s.source, s.path, "%d is not a positive int", job.ShardingTotalCount)
	}
	if job.Cron != "" {
		if _, err := starter.ParseCron(job.Cron, job.TimeZone); err != nil {
			s := settings["cron"]
			if tz, ok := settings["timeZone"]; ok {
				if _, cronOK := starter.ParseCron(job.Cron, ""); cronOK == nil {
					s = tz // the cron parses alone: the zone is the culprit
				}
			}
			errs.add(s.source, s.path, "%v", err)
		}
	}
	a, b := job.JobExecutorServiceHandlerType, job.JobExecutorThreadPoolSizeProviderType
	if a != "" && b != "" && a != b {
		s := settings["jobExecutorThreadPoolSizeProviderType"]
		errs.add(s.source, s.path, "%q differs from jobExecutorServiceHandlerType %q (the same key in ElasticJob 3.0.4)", b, a)
	}
	checkExecutor(job, settings, hasType && !hasClass && !inCode, errs)
	return len(*errs) == before
}

// checkExecutor checks now what the bootstrap checks when OnStart registers the job (the item
// pool type, the error handler and its props, the props of a job declared by elasticJobType), so that these errors come
// with the others, naming their source.
func checkExecutor(job *JobProperties, settings map[string]setting, typed bool, errs *problems) {
	pool, poolKey := job.JobExecutorServiceHandlerType, "jobExecutorServiceHandlerType"
	if pool == "" {
		pool, poolKey = job.JobExecutorThreadPoolSizeProviderType, "jobExecutorThreadPoolSizeProviderType"
	}
	if _, err := jobtype.PoolSize(pool); err != nil {
		s := settings[poolKey]
		errs.add(s.source, s.path, "%q: want CPU or SINGLE_THREAD", pool)
	}
	if s, ok := settings["jobErrorHandlerType"]; ok {
		quiet := slog.New(slog.DiscardHandler)
		_, err := errorhandler.New(job.JobErrorHandlerType, job.Props, quiet)
		if msg, unknown := strings.CutPrefix(fmt.Sprint(err), "jobErrorHandlerType "); unknown {
			errs.add(s.source, s.path, "%s", msg) // an unknown type: New's message names the key already
		} else if err != nil {
			errs.add(s.source, s.path, "%s: %v", job.JobErrorHandlerType, err)
		}
	}
	if s := settings["elasticJobType"]; typed {
		var err error
		switch starter.JobType(job.ElasticJobType) {
		case starter.Script:
			_, err = jobtype.Script(job.Props)
		case starter.HTTP:
			_, err = jobtype.HTTP(job.Props)
		}
		if err != nil {
			errs.add(s.source, s.path, "%s: %v", job.ElasticJobType, err)
		}
	}
}

// implementation finds the job declared in code with the given class.
func implementation(defs []starter.JobDefinition, class string) (starter.JobDefinition, bool) {
	for _, d := range defs {
		if d.Class == class {
			return d, true
		}
	}
	return starter.JobDefinition{}, false
}

func knownClasses(defs []starter.JobDefinition) string {
	var classes []string
	for _, d := range defs {
		if !slices.Contains(classes, d.Class) {
			classes = append(classes, d.Class)
		}
	}
	if len(classes) == 0 {
		return "none"
	}
	slices.Sort(classes)
	return strings.Join(classes, ", ")
}

func checkTracing(t TracingProperties, settings map[string]setting, errs *problems) {
	if s, ok := settings["type"]; ok && t.Type != "RDB" {
		errs.add(s.source, s.path, "%q is not a tracing type: want RDB", t.Type)
	}
	if len(t.IncludeJobNames) > 0 && len(t.ExcludeJobNames) > 0 {
		s := settings["excludeJobNames"]
		errs.add(s.source, s.path, "includeJobNames and excludeJobNames are both set; set one")
	}
}

func checkDump(d DumpProperties, settings map[string]setting, errs *problems) {
	if s, ok := settings["port"]; ok && (d.Port < 1 || d.Port > 65535) {
		errs.add(s.source, s.path, "%d is not a TCP port", d.Port)
	}
}
