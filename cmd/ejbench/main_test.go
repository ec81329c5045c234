package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "-role" { // a child a row started
		os.Exit(runRole(os.Args[2], os.Args[3:]))
	}
	goleak.VerifyTestMain(m)
}

func TestSummarizeGivesMedianMinMax(t *testing.T) {
	s := summarize([]float64{3, 1, 2})
	if s.med != 2 || s.min != 1 || s.max != 3 || s.n != 3 {
		t.Fatalf("summarize(3,1,2) = %+v", s)
	}
	if got := s.format("%.1f"); got != "2.0 [1.0–3.0]" {
		t.Fatalf("format = %q", got)
	}
	if got := summarize([]float64{4, 1, 3, 2}).med; got != 2.5 {
		t.Fatalf("median of 4 values = %v, want 2.5", got)
	}
	if got := summarize([]float64{7}).format("%.0f"); got != "7" {
		t.Fatalf("one run formats as %q, want 7", got)
	}
	if got := summarize(nil).format("%.0f"); got != "n/a" {
		t.Fatalf("no run formats as %q, want n/a", got)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var d []time.Duration
	for k := 1; k <= 200; k++ {
		d = append(d, time.Duration(k)*time.Millisecond)
	}
	if got := percentile(d, 50); got != 100*time.Millisecond {
		t.Fatalf("p50 = %v", got)
	}
	if got := percentile(d, 99); got != 198*time.Millisecond {
		t.Fatalf("p99 = %v", got)
	}
}

func TestFloorCronDropsQuartzQuestionMark(t *testing.T) {
	if got := floorCron("0 0 3 * * ?"); got != "0 0 3 * * *" {
		t.Fatalf("floorCron = %q", got)
	}
	if got := floorCron("0/10 * * * * *"); got != "0/10 * * * * *" {
		t.Fatalf("floorCron = %q", got)
	}
}

func TestCPUTimeAndRSSOfThisProcess(t *testing.T) {
	if _, err := cpuTime(0); err != nil {
		t.Fatal(err)
	}
	rss, err := rssBytes(0)
	if err != nil || rss <= 0 {
		t.Fatalf("rss = %d, %v", rss, err)
	}
}

func TestWriteReportKeepsTheTextAroundTheMarkers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	m := machine{cores: 2, memory: 4 << 30, goVersion: "go1.x", zookeeper: "3.8.x", cpu: "cpu", load: "0.1 0.2 0.3"}
	if err := writeReport(path, m, "make bench", "| old |\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	text := strings.Replace(string(b), "# Benchmarks\n", "# Benchmarks\n\nintro\n", 1) + "\n## Notes\nkept\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeReport(path, m, "make bench", "| new |\n"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	got := string(b)
	for _, want := range []string{"intro\n", "| new |\n", "## Notes\nkept\n", "2 cores", "ZooKeeper 3.8.x"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "| old |") {
		t.Errorf("report still holds the old table:\n%s", got)
	}
}

func TestWriteReportRefusesAFileWithoutMarkers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path, []byte("# hand written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writeReport(path, machine{}, "make bench", "| t |\n")
	if err == nil || !strings.Contains(err.Error(), path+": no") {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
}
