package main

import (
	"strings"
	"testing"
)

func TestRunShowsFailuresSkipsAndCounts(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"m/a"}`,
		`{"Action":"run","Package":"m/a","Test":"TestOK"}`,
		`{"Action":"output","Package":"m/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}`,
		`{"Action":"output","Package":"m/a","Test":"TestOK","Output":"    a_test.go:3: hidden\n"}`,
		`{"Action":"pass","Package":"m/a","Test":"TestOK"}`,
		`{"Action":"output","Package":"m/a","Test":"TestBad","Output":"=== RUN   TestBad\n"}`,
		`{"Action":"output","Package":"m/a","Test":"TestBad","Output":"    a_test.go:7: boom\n"}`,
		`{"Action":"output","Package":"m/a","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}`,
		`{"Action":"fail","Package":"m/a","Test":"TestBad"}`,
		`{"Action":"output","Package":"m/a","Test":"TestSkip","Output":"=== RUN   TestSkip\n"}`,
		`{"Action":"output","Package":"m/a","Test":"TestSkip","Output":"    a_test.go:9: no ensemble\n"}`,
		`{"Action":"output","Package":"m/a","Test":"TestSkip","Output":"--- SKIP: TestSkip (0.00s)\n"}`,
		`{"Action":"skip","Package":"m/a","Test":"TestSkip"}`,
		`{"Action":"output","Package":"m/a","Output":"FAIL\n"}`,
		`{"Action":"output","Package":"m/a","Output":"FAIL\tm/a\t0.1s\n"}`,
		`{"Action":"fail","Package":"m/a"}`,
		`{"Action":"output","Package":"m/b","Test":"TestHang","Output":"=== RUN   TestHang\n"}`,
		`{"Action":"output","Package":"m/b","Test":"TestHang","Output":"panic: test timed out\n"}`,
		`{"Action":"output","Package":"m/c","Output":"?   \tm/c\t[no test files]\n"}`,
		`{"Action":"skip","Package":"m/c"}`,
		`not json: passed through`,
	}, "\n") + "\n"
	var out strings.Builder
	if !run(strings.NewReader(in), &out) {
		t.Error("run reported success for a failed test")
	}
	want := "=== RUN   TestBad\n    a_test.go:7: boom\n--- FAIL: TestBad (0.00s)\n" +
		"--- SKIP: TestSkip (0.00s)\n    a_test.go:9: no ensemble\n" +
		"FAIL\nFAIL\tm/a\t0.1s\n" +
		"?   \tm/c\t[no test files]\n" +
		"not json: passed through\n" +
		"--- UNFINISHED: m/b TestHang\n=== RUN   TestHang\npanic: test timed out\n" +
		"tests: 1 passed, 2 failed, 1 skipped (subtests included); packages: 0 ok, 1 failed, 1 without tests\n" +
		"FAILED m/a.TestBad\nFAILED m/b.TestHang (unfinished)\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunPassesWhenAllPass(t *testing.T) {
	in := `{"Action":"output","Package":"m/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"m/a","Test":"TestOK"}
{"Action":"output","Package":"m/a","Output":"PASS\n"}
{"Action":"output","Package":"m/a","Output":"ok  \tm/a\t0.1s\n"}
{"Action":"pass","Package":"m/a"}
`
	var out strings.Builder
	if run(strings.NewReader(in), &out) {
		t.Errorf("run reported a failure:\n%s", out.String())
	}
	want := "ok  \tm/a\t0.1s\ntests: 1 passed, 0 failed, 0 skipped (subtests included); packages: 1 ok, 0 failed, 0 without tests\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%q\nwant:\n%q", got, want)
	}
}

func TestRunFailsOnABuildError(t *testing.T) {
	in := `{"ImportPath":"m/a [m/a.test]","Action":"build-output","Output":"a.go:3:1: syntax error\n"}
{"ImportPath":"m/a [m/a.test]","Action":"build-fail"}
{"Action":"output","Package":"m/a","Output":"FAIL\tm/a [build failed]\n"}
{"Action":"fail","Package":"m/a","FailedBuild":"m/a [m/a.test]"}
`
	var out strings.Builder
	if !run(strings.NewReader(in), &out) {
		t.Error("run reported success for a build failure")
	}
	if got := out.String(); !strings.HasPrefix(got, "a.go:3:1: syntax error\nFAIL\tm/a [build failed]\n") {
		t.Errorf("output does not start with the build error:\n%s", got)
	}
}
