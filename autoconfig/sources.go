package autoconfig

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/elasticjob-go/elasticjob/starter"
)

// ConfigEnv names the configuration files to read instead of application.yaml,
// comma-separated, later files winning.
const ConfigEnv = "ELASTICJOB_CONFIG"

// envPrefix starts every environment variable that configures elasticjob (any case).
const envPrefix = "ELASTICJOB_"

// setting is one value from one source, converted to its field's Go type.
type setting struct {
	value  any    // string, int, bool or []string
	source string // the file name, "environment", or `directive of job "x"`
	path   string // the key as the source wrote it, for errors
}

// layer is what one source sets. Each source is read into its own layer (a file into its
// own koanf instance) so that every error names the file it comes from.
type layer struct {
	sections map[string]map[string]setting // "regCenter", "tracing", "dump" -> field key -> value
	jobs     map[string]map[string]setting // job -> field key, or "props.<prop>" -> value
	jobAt    map[string]setting            // job -> where the source mentions it (value unused)
}

func newLayer() *layer {
	return &layer{
		sections: map[string]map[string]setting{},
		jobs:     map[string]map[string]setting{},
		jobAt:    map[string]setting{},
	}
}

func (l *layer) job(name, source, path string) map[string]setting {
	if l.jobs[name] == nil {
		l.jobs[name] = map[string]setting{}
		l.jobAt[name] = setting{source: source, path: path}
	}
	return l.jobs[name]
}

func (l *layer) section(name string) map[string]setting {
	if l.sections[name] == nil {
		l.sections[name] = map[string]setting{}
	}
	return l.sections[name]
}

// problems collects start-up errors, each naming its source and key path.
type problems []error

func (p *problems) add(source, path, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s: %s", source, path, fmt.Sprintf(format, args...)))
}

func (p *problems) unknown(source, path, written string, known []string) {
	if s := suggest(written, known); s != "" {
		*p = append(*p, fmt.Errorf("%s: unknown key %s (did you mean %s?)", source, path, s))
		return
	}
	*p = append(*p, fmt.Errorf("%s: unknown key %s (known: %s)", source, path, strings.Join(known, ", ")))
}

func (p problems) err() error { return errors.Join(p...) }

// directiveLayer holds the settings of the jobs declared in code.
func directiveLayer(defs []starter.JobDefinition, errs *problems) *layer {
	l := newLayer()
	for _, def := range defs {
		source := fmt.Sprintf("directive of job %q", def.Name)
		job := l.job(def.Name, source, "name")
		for _, key := range slices.Sorted(maps.Keys(def.Settings)) {
			raw := def.Settings[key]
			if prop, ok := strings.CutPrefix(key, "props."); ok && prop != "" {
				job[key] = setting{value: raw, source: source, path: key}
				continue
			}
			f, ok := jobSection.lookup(key)
			if !ok || f.kind == reflect.Map {
				errs.unknown(source, key, key, jobSection.keys())
				continue
			}
			setText(job, f, raw, source, key, errs)
		}
	}
	return l
}

// configFiles are the files named by ELASTICJOB_CONFIG, else application.yaml (or .yml) in
// the working directory when there is one.
func configFiles() []string {
	if v := strings.TrimSpace(os.Getenv(ConfigEnv)); v != "" {
		var files []string
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				files = append(files, f)
			}
		}
		return files
	}
	for _, f := range []string{"application.yaml", "application.yml"} {
		if _, err := os.Stat(f); err == nil {
			return []string{f}
		}
	}
	return nil
}

// fileLayer reads the elasticjob: tree of one YAML file; other top-level keys belong to the
// application and are left alone.
func fileLayer(path string, errs *problems) *layer {
	l := newLayer()
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", path, err))
		return l
	}
	root, ok := k.Raw()["elasticjob"]
	if !ok || root == nil {
		return l
	}
	top, ok := root.(map[string]any)
	if !ok {
		errs.add(path, "elasticjob", "%s is not a map", describe(root))
		return l
	}
	for _, key := range slices.Sorted(maps.Keys(top)) {
		p := "elasticjob." + key
		switch {
		case spelledAs("regCenter", key):
			l.fileSection(path, p, top[key], regCenterSection, l.section("regCenter"), errs)
		case spelledAs("tracing", key):
			l.fileSection(path, p, top[key], tracingSection, l.section("tracing"), errs)
		case spelledAs("dump", key):
			l.fileSection(path, p, top[key], dumpSection, l.section("dump"), errs)
		case spelledAs("http", key):
			l.fileSection(path, p, top[key], httpSection, l.section("http"), errs)
		case spelledAs("jobs", key):
			jobs, _ := asMap(path, p, top[key], errs)
			for _, name := range slices.Sorted(maps.Keys(jobs)) {
				jp := p + "." + name
				l.fileSection(path, jp, jobs[name], jobSection, l.job(name, path, jp), errs)
			}
		default:
			if f, ok := refusedTopKeys.lookup(key); ok {
				errs.refuse(f, path, p)
				continue
			}
			errs.unknown(path, p, key, topKeys)
		}
	}
	return l
}

func asMap(source, path string, raw any, errs *problems) (map[string]any, bool) {
	if raw == nil {
		return nil, false
	}
	m, ok := raw.(map[string]any)
	if !ok {
		errs.add(source, path, "%s is not a map", describe(raw))
	}
	return m, ok
}

// fileSection binds the keys of one map of a file into target.
func (l *layer) fileSection(source, path string, raw any, s section, target map[string]setting, errs *problems) {
	m, _ := asMap(source, path, raw, errs)
	for _, key := range slices.Sorted(maps.Keys(m)) {
		kp := path + "." + key
		if prefix, ok := s.nested(key); ok {
			sub := newLayer().section(prefix)
			l.fileSection(source, kp, m[key], s.under(prefix), sub, errs)
			for k, v := range sub {
				target[prefix+"."+k] = v
			}
			continue
		}
		f, ok := s.lookup(key)
		if !ok {
			errs.unknown(source, kp, key, s.keys())
			continue
		}
		if errs.refuse(f, source, kp) {
			continue
		}
		if m[key] == nil { // "key:" with no value leaves the key unset
			continue
		}
		if f.kind == reflect.Map {
			props, ok := asMap(source, kp, m[key], errs)
			if !ok {
				continue
			}
			flat := map[string]any{}
			flattenProps("", props, flat)
			for _, prop := range slices.Sorted(maps.Keys(flat)) {
				pp := kp + "." + prop
				text := ""
				if flat[prop] != nil {
					var err error
					if text, err = scalar(flat[prop]); err != nil {
						errs.add(source, pp, "%v", err)
						continue
					}
				}
				target["props."+prop] = setting{value: text, source: source, path: pp}
			}
			continue
		}
		v, err := convert(f.kind, m[key])
		if err != nil {
			errs.add(source, kp, "%v", err)
			continue
		}
		target[f.key] = setting{value: v, source: source, path: kp}
	}
}

// envLayer reads ELASTICJOB_* variables (the prefix in any case). Keys match ignoring case,
// '-' and '_': ELASTICJOB_REGCENTER_SERVERLISTS and ELASTICJOB_REG_CENTER_SERVER_LISTS both
// set regCenter.serverLists. A job is matched the same way against the declared jobs, so
// ELASTICJOB_JOBS_ORDERSYNC_CRON and ELASTICJOB_JOBS_ORDER_SYNC_CRON both set the cron of
// orderSync; ELASTICJOB_JOBS_ORDERSYNC_PROPS_STREAMING_PROCESS sets its prop
// streaming.process (the prop key is lower-cased, '_' read as '.').
func envLayer(declared []string, errs *problems) *layer {
	l := newLayer()
	k := koanf.New(".")
	keep := func(name string) string {
		if len(name) > len(envPrefix) && strings.EqualFold(name[:len(envPrefix)], envPrefix) && !strings.EqualFold(name, ConfigEnv) {
			return name
		}
		return ""
	}
	if err := k.Load(env.Provider("", "", keep), nil); err != nil {
		*errs = append(*errs, fmt.Errorf("environment: %w", err))
		return l
	}
	vars := k.All()
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		value, _ := vars[name].(string)
		l.envVar(name, value, declared, errs)
	}
	return l
}

const envSource = "environment"

func (l *layer) envVar(name, value string, declared []string, errs *problems) {
	rest := name[len(envPrefix):]
	segs := strings.Split(rest, "_")
	if strings.EqualFold(segs[0], "JOBS") {
		l.envJobVar(name, value, segs[1:], declared, errs)
		return
	}
	for _, sec := range []struct {
		name string
		s    section
	}{{"regCenter", regCenterSection}, {"tracing", tracingSection}, {"dump", dumpSection}, {"http", httpSection}} {
		key, ok := strings.CutPrefix(loose(rest), loose(sec.name))
		if !ok {
			continue
		}
		if f, ok := sec.s.lookupLoose(key); ok {
			setText(l.section(sec.name), f, value, envSource, name, errs)
			return
		}
	}
	if f, ok := refusedTopKeys.lookupLoose(rest); ok {
		errs.refuse(f, envSource, name)
		return
	}
	*errs = append(*errs, fmt.Errorf("%s: unknown key %s", envSource, name))
}

// envJobVar splits JOB_KEY segments into a declared job and one of its keys; every split is
// tried so that a job name may itself contain underscores.
func (l *layer) envJobVar(name, value string, segs, declared []string, errs *problems) {
	type match struct {
		job  string
		f    field
		prop string // set for a props entry
	}
	var found []match
	for i := 1; i < len(segs); i++ {
		jobPart, keySegs := loose(strings.Join(segs[:i], "")), segs[i:]
		for _, job := range declared {
			if loose(strings.ReplaceAll(job, ".", "")) != jobPart {
				continue
			}
			if strings.EqualFold(keySegs[0], "props") && len(keySegs) > 1 {
				found = append(found, match{job: job, prop: strings.ToLower(strings.Join(keySegs[1:], "."))})
			} else if f, ok := jobSection.lookupLoose(strings.Join(keySegs, "")); ok && f.kind != reflect.Map {
				found = append(found, match{job: job, f: f})
			}
		}
	}
	switch len(found) {
	case 0:
		*errs = append(*errs, fmt.Errorf("%s: %s names no key of a declared job (declared jobs: %s)", envSource, name, strings.Join(declared, ", ")))
		return
	case 1:
	default:
		*errs = append(*errs, fmt.Errorf("%s: %s is ambiguous: it names keys of jobs %s and %s", envSource, name, found[0].job, found[1].job))
		return
	}
	m := found[0]
	job := l.job(m.job, envSource, name)
	if m.prop != "" {
		job["props."+m.prop] = setting{value: value, source: envSource, path: name}
		return
	}
	setText(job, m.f, value, envSource, name, errs)
}

// setText sets the key f from its text form (a directive's value or an environment variable),
// or reports why it cannot.
func setText(target map[string]setting, f field, text, source, path string, errs *problems) {
	if errs.refuse(f, source, path) {
		return
	}
	v, err := convert(f.kind, text)
	if err != nil {
		errs.add(source, path, "%v", err)
		return
	}
	target[f.key] = setting{value: v, source: source, path: path}
}
