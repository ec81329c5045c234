// Command ejgen generates the go.uber.org/fx module of the //elasticjob: directives of Go
// packages: one zz_generated.elasticjob.go per package that has directives. Services make it
// a tool of their module (go get -tool github.com/elasticjob-go/elasticjob/cmd/ejgen) and run it
// through go generate:
//
//	//go:generate go tool ejgen
//
// Usage:
//
//	ejgen [-check] [-help] [packages]
//
// The packages default to "." (the package go generate runs in). -check writes nothing and
// exits 1 when a generated file is missing, out of date or stale. -help prints the directive
// reference. Any problem in a directive is reported as file:line:col: message, and then
// nothing is written.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/elasticjob-go/elasticjob/gen"
	"github.com/elasticjob-go/elasticjob/gen/directive"
)

func main() {
	os.Exit(run(context.Background(), ".", os.Args[1:], os.Stdout, os.Stderr))
}

// run is ejgen working in dir; it returns the exit code.
func run(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("ejgen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	check := flags.Bool("check", false, "report files that are missing, out of date or stale, and write nothing")
	help := flags.Bool("help", false, "print the reference of the //elasticjob: directives")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: ejgen [-check] [-help] [packages]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *help {
		fmt.Fprint(stdout, directive.Help())
		return 0
	}
	files, err := gen.Generate(ctx, dir, flags.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		if errors.As(err, new(directive.ErrorList)) {
			fmt.Fprintln(stderr, "ejgen: nothing written; directive reference: ejgen -help")
		}
		return 1
	}
	report := gen.Write
	if *check {
		report = gen.Check
	}
	lines, err := report(files)
	out := stdout
	if *check {
		out = stderr
	}
	for _, line := range lines {
		fmt.Fprintln(out, relative(dir, line))
	}
	if err != nil {
		fmt.Fprintln(stderr, "ejgen:", err)
		return 1
	}
	if *check && len(lines) > 0 {
		fmt.Fprintln(stderr, "ejgen: generated files are not up to date: run ejgen (go generate)")
		return 1
	}
	return 0
}

// relative shortens the absolute paths in a line to paths relative to dir.
func relative(dir, line string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return line
	}
	return strings.ReplaceAll(line, abs+string(filepath.Separator), "")
}
