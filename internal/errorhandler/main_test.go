package errorhandler

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// logBuffer captures slog records as JSON lines, without times.
type logBuffer struct{ testkit.Buffer }

// records decodes the captured lines.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

func newTestLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	h := slog.NewJSONHandler(b, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	})
	return slog.New(h), b
}

// wantRecords compares captured records with the expected ones, attribute by attribute.
func wantRecords(t *testing.T, b *logBuffer, want ...map[string]any) {
	t.Helper()
	got := b.records(t)
	if len(got) != len(want) {
		t.Fatalf("log has %d records, want %d:\n%s", len(got), len(want), b)
	}
	for i := range want {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if !bytes.Equal(g, w) {
			t.Errorf("log record %d:\n got %s\nwant %s", i, g, w)
		}
	}
}
