// Command testsummary reads `go test -json` on stdin and prints what a person needs: the output
// of failed tests (whole), skipped tests (with their reason), package results and build errors,
// then one line of counts. It exits 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string // build-output, build-fail
	FailedBuild string // a package's fail caused by a build error
}

type summary struct {
	out                   io.Writer
	buffered              map[string][]string // package + test -> output lines so far
	passed, failed, skips int
	pkgOK, pkgFail, pkgNo int
	failedNames           []string
	brokenBuild           bool
}

func main() {
	if run(os.Stdin, os.Stdout) {
		os.Exit(1)
	}
}

// run summarizes the events read from in onto out and reports whether anything failed.
func run(in io.Reader, out io.Writer) (failed bool) {
	s := &summary{out: out, buffered: make(map[string][]string)}
	r := bufio.NewReader(in)
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			s.line(line)
		}
		if err != nil {
			return s.finish()
		}
	}
}

func (s *summary) line(line string) {
	var e event
	if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil {
		fmt.Fprint(s.out, line) // not an event (a tool's own message): pass it through
		return
	}
	key := e.Package + " " + e.Test
	switch {
	case e.Action == "build-output":
		fmt.Fprint(s.out, e.Output)
	case e.Action == "build-fail":
		s.brokenBuild = true
	case e.Test == "" && e.Action == "output":
		if e.Output != "PASS\n" { // keep "ok  pkg 1.2s", "FAIL", panics and TestMain's messages
			fmt.Fprint(s.out, e.Output)
		}
	case e.Test == "":
		s.pkgResult(e)
	case e.Action == "output":
		s.buffered[key] = append(s.buffered[key], e.Output)
	case e.Action == "pass":
		s.passed++
		delete(s.buffered, key)
	case e.Action == "skip":
		s.skips++
		s.printSkip(s.buffered[key])
		delete(s.buffered, key)
	case e.Action == "fail":
		s.failed++
		s.failedNames = append(s.failedNames, e.Package+"."+e.Test)
		fmt.Fprint(s.out, strings.Join(s.buffered[key], ""))
		delete(s.buffered, key)
	}
}

// printSkip prints a skipped test's "--- SKIP" line, then its reason: its other lines but the
// "=== RUN" ones.
func (s *summary) printSkip(lines []string) {
	var reason []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "--- SKIP"):
			fmt.Fprint(s.out, l)
		case !strings.HasPrefix(l, "=== "):
			reason = append(reason, l)
		}
	}
	fmt.Fprint(s.out, strings.Join(reason, ""))
}

func (s *summary) pkgResult(e event) {
	switch e.Action {
	case "pass":
		s.pkgOK++
	case "fail":
		s.pkgFail++
		if e.FailedBuild != "" {
			s.brokenBuild = true
		}
	case "skip":
		s.pkgNo++
	}
}

// finish prints tests that never ended (the binary crashed or timed out: their output holds
// why) and the counts; it reports whether anything failed.
func (s *summary) finish() bool {
	keys := make([]string, 0, len(s.buffered))
	for k := range s.buffered {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(s.out, "--- UNFINISHED: %s\n%s", k, strings.Join(s.buffered[k], ""))
		s.failed++
		s.failedNames = append(s.failedNames, strings.Replace(k, " ", ".", 1)+" (unfinished)")
	}
	fmt.Fprintf(s.out, "tests: %d passed, %d failed, %d skipped (subtests included); packages: %d ok, %d failed, %d without tests\n",
		s.passed, s.failed, s.skips, s.pkgOK, s.pkgFail, s.pkgNo)
	for _, n := range s.failedNames {
		fmt.Fprintf(s.out, "FAILED %s\n", n)
	}
	return s.failed > 0 || s.pkgFail > 0 || s.brokenBuild
}
