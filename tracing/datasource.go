package tracing

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// DataSource is elasticjob.tracing.dataSource: a JDBC URL as Spring applications write it, with
// the credentials beside it. Supported URLs:
//
//	jdbc:postgresql://host[:port]/database[?currentSchema=s&sslmode=m&ApplicationName=a&connectTimeout=secs]
//	jdbc:mysql://host[:port]/database[?useSSL=b&sslMode=m&characterEncoding=c&useUnicode=b&connectTimeout=ms]
//	jdbc:mariadb://… (the same as jdbc:mysql)
//	jdbc:sqlite:PATH (a file, created when missing)
//
// user and password may also be URL parameters, as JDBC allows; the fields win.
type DataSource struct {
	URL             string
	Username        string
	Password        string
	DriverClassName string // optional; when set, it must be a driver for the URL's database
}

// driverClasses are the JDBC driver classes each kind of URL is served by.
var driverClasses = map[string][]string{
	"postgresql": {"org.postgresql.Driver"},
	"mysql":      {"com.mysql.cj.jdbc.Driver", "com.mysql.jdbc.Driver", "org.mariadb.jdbc.Driver"},
	"mariadb":    {"org.mariadb.jdbc.Driver"},
	"sqlite":     {"org.sqlite.JDBC"},
}

// connSpec is a parsed DataSource: the Go driver to use and its DSN.
type connSpec struct {
	dialect *dialect
	driver  string // database/sql driver name
	dsn     string // holds the password: never printed
	shown   string // the URL without its password, for messages
}

// parse turns a DataSource into the Go driver's DSN; errors name the URL without its password.
func (ds DataSource) parse() (connSpec, error) {
	shown := redactURL(ds.URL)
	fail := func(format string, args ...any) (connSpec, error) {
		return connSpec{}, fmt.Errorf("tracing: dataSource.url %s: %s", shown, fmt.Sprintf(format, args...))
	}
	rest, ok := strings.CutPrefix(ds.URL, "jdbc:")
	if !ok {
		return fail("not a JDBC URL: want jdbc:postgresql://…, jdbc:mysql://…, jdbc:mariadb://… or jdbc:sqlite:PATH")
	}
	kind, _, _ := strings.Cut(rest, ":")
	classes, known := driverClasses[kind]
	if !known {
		return fail("unsupported database %q: want postgresql, mysql, mariadb or sqlite", kind)
	}
	if ds.DriverClassName != "" && !slices.Contains(classes, ds.DriverClassName) {
		return fail("driverClassName %s does not serve jdbc:%s URLs (use %s)", ds.DriverClassName, kind, strings.Join(classes, " or "))
	}
	var spec connSpec
	var err error
	switch kind {
	case "postgresql":
		spec, err = ds.postgres(rest)
	case "mysql", "mariadb":
		spec, err = ds.mysql(rest)
	case "sqlite":
		spec, err = ds.sqlite(rest)
	}
	if err != nil {
		return fail("%v", err)
	}
	spec.shown = shown
	return spec, nil
}

// hierarchical parses "kind://host[:port]/database?params" and takes user and password out of
// the parameters (the fields win over them).
func (ds DataSource) hierarchical(rest string, defaultPort string) (host, db string, params url.Values, user, password string, err error) {
	u, err := url.Parse(rest)
	if err != nil || u.Host == "" {
		return "", "", nil, "", "", fmt.Errorf("want jdbc:%s://host[:port]/database", u.Scheme)
	}
	if u.User != nil {
		return "", "", nil, "", "", fmt.Errorf("put the credentials in username and password, not in the URL's authority")
	}
	if strings.Contains(u.Host, ",") {
		return "", "", nil, "", "", fmt.Errorf("several hosts are not supported")
	}
	host = u.Host
	if _, _, splitErr := net.SplitHostPort(host); splitErr != nil {
		host = net.JoinHostPort(strings.Trim(host, "[]"), defaultPort)
	}
	db = strings.TrimPrefix(u.Path, "/")
	if db == "" {
		return "", "", nil, "", "", fmt.Errorf("no database: want jdbc:%s://host[:port]/database", u.Scheme)
	}
	params = u.Query()
	user, password = params.Get("user"), params.Get("password")
	params.Del("user")
	params.Del("password")
	if ds.Username != "" {
		user = ds.Username
	}
	if ds.Password != "" {
		password = ds.Password
	}
	return host, db, params, user, password, nil
}

func (ds DataSource) postgres(rest string) (connSpec, error) {
	host, db, params, user, password, err := ds.hierarchical(rest, "5432")
	if err != nil {
		return connSpec{}, err
	}
	u := url.URL{Scheme: "postgres", Host: host, Path: "/" + db}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	q := url.Values{}
	for key, vals := range params {
		v := vals[len(vals)-1]
		switch key {
		case "currentSchema":
			q.Set("search_path", v)
		case "ApplicationName":
			q.Set("application_name", v)
		case "sslmode":
			q.Set("sslmode", v)
		case "connectTimeout":
			q.Set("connect_timeout", v)
		default:
			return connSpec{}, fmt.Errorf("parameter %s is not supported (supported: currentSchema, sslmode, ApplicationName, connectTimeout, user, password)", key)
		}
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "10")
	}
	u.RawQuery = q.Encode()
	return connSpec{dialect: postgresDialect, driver: "pgx", dsn: u.String()}, nil
}

func (ds DataSource) mysql(rest string) (connSpec, error) {
	host, db, params, user, password, err := ds.hierarchical(rest, "3306")
	if err != nil {
		return connSpec{}, err
	}
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", host, db
	cfg.User, cfg.Passwd = user, password
	cfg.ParseTime = true
	cfg.Loc = time.UTC // timestamps travel as wall-clock values (see wall)
	cfg.Timeout = 10 * time.Second
	cfg.ReadTimeout, cfg.WriteTimeout = time.Minute, time.Minute // a server that stops answering frees the writer
	for key, vals := range params {
		v := vals[len(vals)-1]
		switch key {
		case "useSSL":
			if b, _ := strconv.ParseBool(v); b {
				cfg.TLSConfig = "true"
			} else {
				cfg.TLSConfig = "false"
			}
		case "sslMode":
			switch strings.ToUpper(v) {
			case "DISABLED":
				cfg.TLSConfig = "false"
			case "PREFERRED":
				cfg.TLSConfig = "preferred"
			case "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY":
				cfg.TLSConfig = "true"
			default:
				return connSpec{}, fmt.Errorf("sslMode %q: want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY", v)
			}
		case "characterEncoding":
			switch strings.ToLower(strings.ReplaceAll(v, "-", "")) {
			case "utf8", "utf8mb4":
				cfg.Params = map[string]string{"charset": "utf8mb4"}
			default:
				return connSpec{}, fmt.Errorf("characterEncoding %q: only UTF-8 is supported", v)
			}
		case "useUnicode": // Go strings are Unicode whatever it says
		case "connectTimeout":
			ms, err := strconv.Atoi(v)
			if err != nil || ms < 0 {
				return connSpec{}, fmt.Errorf("connectTimeout %q is not a number of milliseconds", v)
			}
			cfg.Timeout = time.Duration(ms) * time.Millisecond
		default:
			return connSpec{}, fmt.Errorf("parameter %s is not supported (supported: useSSL, sslMode, characterEncoding, useUnicode, connectTimeout, user, password)", key)
		}
	}
	return connSpec{dialect: mysqlDialect, driver: "mysql", dsn: cfg.FormatDSN()}, nil
}

func (ds DataSource) sqlite(rest string) (connSpec, error) {
	path := strings.TrimPrefix(rest, "sqlite:")
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" {
		return connSpec{}, fmt.Errorf("want jdbc:sqlite:PATH, PATH a file")
	}
	// WAL lets the console read while the writer writes; the busy timeout waits for the other.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_time_format=sqlite"
	return connSpec{dialect: sqliteDialect, driver: "sqlite", dsn: dsn}, nil
}

// redactURL is the URL with the value of a password parameter replaced.
func redactURL(raw string) string {
	i := strings.IndexByte(raw, '?')
	if i < 0 {
		return raw
	}
	parts := strings.Split(raw[i+1:], "&")
	for j, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "password") {
			parts[j] = k + "=xxxxx"
		}
	}
	return raw[:i+1] + strings.Join(parts, "&")
}

// scrub removes a password from a driver's message, in case the driver quoted it.
func scrub(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return scrubbed{msg: strings.ReplaceAll(err.Error(), password, "xxxxx")}
}

type scrubbed struct{ msg string }

func (s scrubbed) Error() string { return s.msg }
