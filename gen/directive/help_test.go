package directive

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "run go test -update to accept the new output")
}

func TestHelpGolden(t *testing.T) { golden(t, "help.golden", Help()) }

func TestMarkdownReferenceGolden(t *testing.T) {
	golden(t, "reference.md.golden", MarkdownReference())
}

// TestDocsListEveryKey guards the single source of truth: every key a kind parses
// appears in both help and the README table, with its type.
func TestDocsListEveryKey(t *testing.T) {
	help, md := Help(), MarkdownReference()
	for _, k := range kinds {
		assert.Contains(t, help, prefix+k.name+"\n")
		assert.Contains(t, md, "### `"+prefix+k.name+"`")
		for _, f := range k.fields {
			assert.Contains(t, help, "  "+f.display()+" ")
			assert.Contains(t, md, "| `"+f.display()+"` | "+strings.ReplaceAll(f.describe(), "|", `\|`)+" |")
		}
	}
}
