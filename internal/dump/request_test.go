package dump

import (
	"bufio"
	"strings"
	"testing"
)

func TestParseRequestFollowsElasticJob(t *testing.T) {
	for _, tc := range []struct {
		line, job string
		ok        bool
	}{
		{"dump@orderSync", "orderSync", true},
		{"dump@orderSync@", "orderSync", true}, // Java's split drops trailing empty parts
		{"dump@orderSync@@", "orderSync", true},
		{"dump@ job", " job", true},
		{"dump@工作", "工作", true},
		{"dump@", "", false},
		{"dump@@", "", false},
		{"dump@a@b", "", false},
		{"dump@@job", "", false},
		{"dump", "", false},
		{"Dump@job", "", false},
		{" dump@job", "", false},
		{"dump job", "", false},
		{"", "", false},
		// Beyond ElasticJob: only a single node name is a job.
		{"dump@a/b", "", false},
		{"dump@.", "", false},
		{"dump@..", "", false},
		{"dump@a\tb", "", false},
		{"dump@\xff", "", false},
	} {
		job, ok := parseRequest(tc.line)
		if job != tc.job || ok != tc.ok {
			t.Errorf("parseRequest(%q) = %q, %v; want %q, %v", tc.line, job, ok, tc.job, tc.ok)
		}
	}
}

func TestReadRequestEndsLinesAsJavaReadLine(t *testing.T) {
	for _, tc := range []struct {
		in, line string
		ok       bool
	}{
		{"dump@a\n", "dump@a", true},
		{"dump@a\r\n", "dump@a", true},
		{"dump@a\rmore", "dump@a", true},
		{"dump@a", "dump@a", true}, // the end of the input ends the line
		{"\n", "", true},
		{"", "", false},
		{strings.Repeat("x", maxRequest) + "\n", strings.Repeat("x", maxRequest), true},
		{strings.Repeat("x", maxRequest+1) + "\n", "", false},
	} {
		line, err := readRequest(bufio.NewReader(strings.NewReader(tc.in)))
		if line != tc.line || (err == nil) != tc.ok {
			t.Errorf("readRequest(%.20q) = %.20q, %v; want %.20q, ok %v", tc.in, line, err, tc.line, tc.ok)
		}
	}
}
