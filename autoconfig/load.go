package autoconfig

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/errorhandler"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
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
	props := &Properties{RegCenter: defaultRegCenter(), Dump: defaultDump(), Jobs: map[string]JobProperties{}}
	bind(&props.RegCenter, regCenterSection, m.sections["regCenter"])
	bind(&props.Tracing, tracingSection, m.sections["tracing"])
	bind(&props.Dump, dumpSection, m.sections["dump"])
	bind(&props.HTTP, httpSection, m.sections["http"])
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
		if checkJob(name, &job, settings, m.jobAt[name], def, inCode, defs, &errs, &props.warnings) {
			props.Jobs[name] = job
		}
	}
	checkRegCenter(props.RegCenter, m.sections["regCenter"], &errs)
	checkTracing(props.Tracing, m.sections["tracing"], &errs)
	checkDump(props.Dump, m.sections["dump"], &errs)
	checkHTTP(props.HTTP, m.sections["http"], &errs)
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
			v.FieldByIndex(f.index).Set(reflect.ValueOf(st.value))
		}
	}
}

// checkJob resolves what runs the job and validates what only the merged configuration can
// tell; it reports whether the job is usable.
func checkJob(name string, job *JobProperties, settings map[string]setting, at setting, def starter.JobDefinition, inCode bool, defs []starter.JobDefinition, errs *problems, warnings *[]string) bool {
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
	case hasType: // its value is checked with the other keys below
	default:
		errs.add(at.source, at.path, "no job %s is declared in code; give it elasticJobClass or elasticJobType", name)
	}
	conf := job.Configuration(name)
	problems := jobconf.Validate(conf)
	for _, key := range []string{"elasticJobType", "jobExecutorThreadPoolSizeProviderType"} {
		if st, ok := settings[key]; ok {
			problems = append(problems, jobconf.Lookup(key).Check(st.value.(string))...)
		}
	}
	for _, p := range problems {
		s, ok := settings[p.Key]
		if !ok { // a default: the job is where to look
			s = at
		}
		if p.Warning {
			*warnings = append(*warnings, fmt.Sprintf("%s: %s: %s", s.source, s.path, p.Msg))
			continue
		}
		errs.add(s.source, s.path, "%s", p.Msg)
	}
	a, b := job.JobExecutorServiceHandlerType, job.JobExecutorThreadPoolSizeProviderType
	if a != "" && b != "" && a != b {
		s := settings["jobExecutorThreadPoolSizeProviderType"]
		errs.add(s.source, s.path, "%q differs from jobExecutorServiceHandlerType %q (the same key in ElasticJob 3.0.4)", b, a)
	}
	checkProps(job, settings, hasType && !hasClass && !inCode, errs)
	return len(*errs) == before
}

// checkProps checks now the props that the bootstrap reads when OnStart registers the job (the
// error handler's, and those of a job declared by elasticJobType), so that these errors come
// with the others, naming their source. A type that is not allowed is Validate's to report.
func checkProps(job *JobProperties, settings map[string]setting, typed bool, errs *problems) {
	if s, ok := settings["jobErrorHandlerType"]; ok && slices.Contains(jobconf.ErrorHandlerTypes, job.JobErrorHandlerType) {
		quiet := slog.New(slog.DiscardHandler)
		if _, err := errorhandler.New(job.JobErrorHandlerType, job.Props, quiet); err != nil {
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

// checkRegCenter checks the bounds of the int keys (their min tags) and the digest's form,
// without showing the digest: it holds a password.
func checkRegCenter(rc RegCenterProperties, settings map[string]setting, errs *problems) {
	v := reflect.ValueOf(rc)
	for _, f := range regCenterSection {
		if s, ok := settings[f.key]; ok && f.min != nil {
			if n := int(v.FieldByIndex(f.index).Int()); n < *f.min {
				bounds := jobconf.Key{Type: jobconf.Int, Min: f.min} // says it as the job keys do
				errs.add(s.source, s.path, "%d is out of range: %s", n, bounds.Want())
			}
		}
	}
	if s, ok := settings["digest"]; ok && rc.Digest != "" {
		if user, password, found := strings.Cut(rc.Digest, ":"); !found || user == "" || password == "" {
			errs.add(s.source, s.path, "the digest (not shown) is not user:password")
		}
	}
}

func checkTracing(t TracingProperties, settings map[string]setting, errs *problems) {
	if s, ok := settings["type"]; ok && t.Type != "RDB" {
		errs.add(s.source, s.path, "%q is not a tracing type: want RDB", t.Type)
	}
	if t.Type == "" {
		for _, key := range []string{"dataSource.url", "dataSource.username", "dataSource.password", "dataSource.driverClassName", "includeJobNames", "excludeJobNames", "retentionDays"} {
			if s, ok := settings[key]; ok {
				errs.add(s.source, s.path, "is set but elasticjob.tracing.type is not: set type RDB to trace")
				break
			}
		}
	}
	if s, ok := settings["retentionDays"]; ok && t.RetentionDays < 0 {
		errs.add(s.source, s.path, "%d is not a number of days (0 keeps every row)", t.RetentionDays)
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
	if s, ok := settings["address"]; ok && d.Address != "" && !isHost(d.Address) {
		errs.add(s.source, s.path, "%q is not a host name or IP address (the port is elasticjob.dump.port)", d.Address)
	}
}

// isHost says whether s is an IP address or a host name, without a port.
func isHost(s string) bool {
	if net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")) != nil {
		return true
	}
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// checkHTTP checks elasticjob.http: a listenable address, accounts given in full, and no
// console reachable from other hosts without an account.
func checkHTTP(h HTTPProperties, settings map[string]setting, errs *problems) {
	if s, ok := settings["address"]; ok {
		if err := checkAddress(h.Address); err != nil {
			errs.add(s.source, s.path, "%q: %v", h.Address, err)
		}
	}
	a := h.Auth
	for _, pair := range [][2]string{{"username", "password"}, {"guestUsername", "guestPassword"}} {
		user, userSet := settings["auth."+pair[0]]
		pass, passSet := settings["auth."+pair[1]]
		switch {
		case userSet && !passSet:
			errs.add(user.source, user.path, "set without elasticjob.http.auth.%s", pair[1])
		case passSet && !userSet:
			errs.add(pass.source, pass.path, "set without elasticjob.http.auth.%s", pair[0])
		}
	}
	if s, ok := settings["auth.guestUsername"]; ok && a.Username == "" {
		errs.add(s.source, s.path, "a guest account needs the full-access one: set elasticjob.http.auth.username and elasticjob.http.auth.password")
	}
	if !h.Console {
		for _, key := range []string{"auth.username", "auth.password", "auth.guestUsername", "auth.guestPassword"} {
			if s, ok := settings[key]; ok {
				errs.add(s.source, s.path, "the accounts are the console's, and elasticjob.http.console is not true")
				break
			}
		}
		return
	}
	if h.Address != "" && checkAddress(h.Address) == nil && !Loopback(h.Address) && (a.Username == "" || a.Password == "") {
		s := settings["address"]
		errs.add(s.source, s.path, "the console on %q is reachable from other hosts: set elasticjob.http.auth.username and elasticjob.http.auth.password, or listen on a loopback address", h.Address)
	}
}

// checkAddress accepts host:port with a port from 0 (a free one) to 65535.
func checkAddress(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want host:port")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q is not a TCP port", port)
	}
	return nil
}

// Loopback says whether addr (host:port) listens on the loopback interface only: localhost or
// a loopback IP (an empty host is every interface; another name may resolve anywhere). A console
// anywhere else needs an account: the service's check, and ejctl console's.
func Loopback(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
