package quartz

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestGolden replays testdata/golden.txt, written by the real Quartz 2.3.2 (testdata/golden/gen.sh):
// every expression Quartz rejects is rejected, and every chain of fire times from every start in
// every zone is reproduced to the second, including where Quartz stops (null, exception, hang).
func TestGolden(t *testing.T) {
	f, err := os.Open("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var (
		expr                          string
		exprs, rejected, cases, fires int
		failures                      int
	)
	schedules := map[string]*Schedule{}
	fail := func(format string, args ...any) {
		failures++
		if failures <= 30 {
			t.Errorf(format, args...)
		}
	}
	for sc.Scan() {
		line := sc.Text()
		kind, rest, _ := strings.Cut(line, "\t")
		switch kind {
		case "M": // Quartz's MAX_YEAR when the table was made
			y, err := strconv.Atoi(rest)
			if err != nil {
				t.Fatal(err)
			}
			defer func(old int) { maxYear = old }(maxYear)
			maxYear = y
		case "E":
			expr = rest
			exprs++
			clear(schedules)
		case "X":
			rejected++
			if _, err := Parse(expr, "UTC"); err == nil {
				fail("%q: accepted, Quartz rejects it: %s", expr, rest)
			}
		case "R":
			cases++
			parts := strings.SplitN(rest, "\t", 3)
			zone, startText, want := parts[0], parts[1], parts[2]
			s := schedules[zone]
			if s == nil {
				cs, err := Parse(expr, zone)
				if err != nil {
					fail("%q: %v", expr, err)
					continue
				}
				s = cs.(*Schedule)
				schedules[zone] = s
			}
			start, _ := strconv.ParseInt(startText, 10, 64)
			prev := time.UnixMilli(start)
			fields := strings.Fields(want)
			ended := false
			for i, w := range fields {
				got := s.Next(prev)
				if strings.HasPrefix(w, "!") { // Quartz threw or hung here
					if !got.IsZero() {
						fail("%q %s from %s, fire %d: got %s, Quartz: %s", expr, zone, prev.UTC(), i, got.UTC(), w)
					}
					ended = true
					break
				}
				var wantT time.Time
				if i == 0 {
					ms, _ := strconv.ParseInt(w, 10, 64)
					wantT = time.UnixMilli(ms)
				} else {
					d, _ := strconv.ParseInt(w, 10, 64)
					wantT = prev.Add(time.Duration(d) * time.Second)
				}
				if !got.Equal(wantT) {
					fail("%q %s from %s (%d), fire %d: got %s, want %s", expr, zone, prev.In(s.loc), prev.UnixMilli(), i, got.In(s.loc), wantT.In(s.loc))
					ended = true
					break
				}
				if got.Location() != s.loc {
					fail("%q: result in %v, want %v", expr, got.Location(), s.loc)
				}
				fires++
				prev = wantT
			}
			if !ended && len(fields) < 20 {
				if got := s.Next(prev); !got.IsZero() {
					fail("%q %s after %s: got %s, Quartz: no next fire time", expr, zone, prev.UTC(), got.UTC())
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 1000 {
		t.Fatalf("only %d golden cases", cases)
	}
	t.Logf("%d expressions (%d rejected), %d cases, %d fire times, %d failures", exprs, rejected, cases, fires, failures)
}
