package directive

import (
	"os"
	"strings"
	"testing"
)

// The README's directive reference is MarkdownReference's output pasted in; this keeps the two
// from drifting apart when a key or its doc changes.
func TestReadmeCarriesTheDirectiveReference(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if ref := MarkdownReference(); !strings.Contains(string(readme), ref) {
		t.Fatalf("README.md does not contain MarkdownReference() verbatim; paste this in its directive reference:\n%s", ref)
	}
}
