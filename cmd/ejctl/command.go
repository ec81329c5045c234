package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/elasticjob-go/elasticjob/autoconfig"
	"github.com/elasticjob-go/elasticjob/lifecycle"
	"github.com/elasticjob-go/elasticjob/starter"
)

// command is one ejctl command, registered by its own file's init.
type command struct {
	name    string
	args    []string // the positional arguments' names, e.g. {"JOB", "ITEM"}
	flags   string   // the command's own flags, for the usage line, e.g. "[--server IP]"
	summary string
	// setup defines the command's own flags on fs and returns what runs the command, bound to
	// them (fresh for each invocation).
	setup func(fs *flag.FlagSet) runFunc
}

type runFunc func(ctx context.Context, e *env, args []string) error

// noFlags is the setup of a command without flags of its own.
func noFlags(run runFunc) func(*flag.FlagSet) runFunc {
	return func(*flag.FlagSet) runFunc { return run }
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// env is what a command runs with: the output, the format, and the operator, opened on first
// use.
type env struct {
	out    io.Writer
	json   bool
	loc    *time.Location // fire times are shown in it
	global globalFlags
	op     *lifecycle.Operator
	audit  *slog.Logger
}

type globalFlags struct {
	output, serverLists, namespace, digest string
}

// usageError is bad usage: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run is ejctl: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIn(ctx, args, stdout, stderr, time.Local)
}

func runIn(ctx context.Context, args []string, stdout, stderr io.Writer, loc *time.Location) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		writeUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name := args[0]
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "ejctl: unknown command %q (ejctl help lists them)\n", name)
		return 2
	}
	e := &env{out: stdout, loc: loc, audit: slog.New(slog.NewTextHandler(stderr, nil))}
	fs := flag.NewFlagSet("ejctl "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.global.output, "o", "table", "output format: table or json")
	fs.StringVar(&e.global.serverLists, "server-lists", "", "ZooKeeper servers, host:port,... (overrides regCenter.serverLists)")
	fs.StringVar(&e.global.namespace, "namespace", "", "registry namespace (overrides regCenter.namespace)")
	fs.StringVar(&e.global.digest, "digest", "", "user:password (overrides regCenter.digest)")
	runCmd := c.setup(fs)
	positional, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usageLine(c))
		return 0
	}
	if err == nil {
		err = checkArgs(c, positional)
	}
	if err == nil && e.global.output != "table" && e.global.output != "json" {
		err = usagef("-o %s: want table or json", e.global.output)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ejctl %s: %v\nusage: %s\n", name, err, usageLine(c))
		return 2
	}
	e.json = e.global.output == "json"
	defer e.close()
	if err := runCmd(ctx, e, positional); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(stderr, "ejctl %s: %v\nusage: %s\n", name, err, usageLine(c))
			return 2
		}
		fmt.Fprintf(stderr, "ejctl %s: %s\n", name, oneLine(err))
		return 1
	}
	return 0
}

// parseInterleaved parses flags wherever they are among the positional arguments
// (ejctl trigger JOB --param x): flag.Parse stops at the first positional one.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// checkArgs checks the number of positional arguments; a name in brackets ("[JOB]") is
// optional.
func checkArgs(c *command, args []string) error {
	required := 0
	for _, a := range c.args {
		if !strings.HasPrefix(a, "[") {
			required++
		}
	}
	if len(args) < required || len(args) > len(c.args) {
		if len(c.args) == 0 {
			return usagef("takes no arguments, got %q", args)
		}
		return usagef("wants %s, got %d argument(s)", strings.Join(c.args, " "), len(args))
	}
	return nil
}

// oneLine joins a multi-line error (several problems of a configuration file) into one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

func usageLine(c *command) string {
	parts := append([]string{"ejctl", c.name}, c.args...)
	if c.flags != "" {
		parts = append(parts, c.flags)
	}
	return strings.Join(parts, " ")
}

func writeUsage(w io.Writer) {
	fmt.Fprintln(w, "ejctl operates an elasticjob cluster through its registry.")
	fmt.Fprintln(w, "\nusage: ejctl COMMAND [ARGS] [-o table|json] [--server-lists HOSTS] [--namespace NS] [--digest USER:PASSWORD]")
	fmt.Fprintln(w, "\nThe registry settings are read as a service reads them (application.yaml or ELASTICJOB_CONFIG,")
	fmt.Fprintln(w, "then ELASTICJOB_* variables); the flags override them.")
	fmt.Fprintln(w, "\ncommands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		c := commands[name]
		fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimPrefix(usageLine(c), "ejctl "), c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nexit status: 0 success, 1 error, 2 bad usage")
}

// operator opens the registry on first use: the service's settings, overridden by the flags.
func (e *env) operator(ctx context.Context) (*lifecycle.Operator, error) {
	if e.op != nil {
		return e.op, nil
	}
	cfg, err := autoconfig.LoadRegistryConfig()
	if err != nil {
		return nil, err
	}
	return e.open(ctx, e.registry(cfg))
}

// registry is cfg overridden by the flags.
func (e *env) registry(cfg starter.RegistryCenterConfig) starter.RegistryCenterConfig {
	if e.global.serverLists != "" {
		cfg.ServerLists = e.global.serverLists
	}
	if e.global.namespace != "" {
		cfg.Namespace = e.global.namespace
	}
	if e.global.digest != "" {
		cfg.Digest = e.global.digest
	}
	return cfg
}

// open opens the registry of cfg (already overridden by the flags) as the command's operator.
func (e *env) open(ctx context.Context, cfg starter.RegistryCenterConfig) (*lifecycle.Operator, error) {
	if cfg.ServerLists == "" {
		return nil, errors.New("no registry: regCenter.serverLists is not set (in application.yaml, ELASTICJOB_CONFIG or ELASTICJOB_REGCENTER_SERVERLISTS) and --server-lists is not given")
	}
	// The registry client's complaints (a server refusing connections) end in the error Open
	// returns, which says it in one line.
	var err error
	e.op, err = lifecycle.Open(ctx, cfg, lifecycle.WithLogger(e.audit), lifecycle.WithRegistryLogger(slog.New(slog.DiscardHandler)))
	return e.op, err
}

func (e *env) close() {
	if e.op != nil {
		_ = e.op.Close()
	}
}

// show prints v as JSON with -o json, else the table of header and rows (which render v for
// people).
func (e *env) show(v any, header []string, rows [][]string) error {
	if e.json {
		return e.writeJSON(v)
	}
	return e.table(header, rows)
}

// writeJSON prints v as indented JSON.
func (e *env) writeJSON(v any) error {
	enc := json.NewEncoder(e.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints aligned columns: a header, then one row per line.
func (e *env) table(header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// say prints a confirmation for people; scripts (-o json) rely on the exit status.
func (e *env) say(format string, args ...any) {
	if !e.json {
		fmt.Fprintf(e.out, format+"\n", args...)
	}
}

// when shows a time for people, in e.loc; "-" for none.
func (e *env) when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.In(e.loc).Format("2006-01-02 15:04:05 MST")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
