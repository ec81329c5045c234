package jobconf

import (
	"fmt"
	"strings"
)

// MarkdownReference is the table of job keys in the README's configuration reference: every
// key a file may set under elasticjob.jobs.<name>, its type and allowed values, its default,
// whether a directive may set it too, and its doc.
func MarkdownReference() string {
	var b strings.Builder
	b.WriteString("| key | type | default | directive | meaning |\n|---|---|---|---|---|\n")
	for _, k := range KeysIn(File) {
		name, def, directive := k.Name, k.Default, ""
		if k.Type == Props {
			name += ".<key>"
		}
		if def == "" {
			def = "(empty)"
		}
		if k.In&Directive != 0 {
			directive = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", name, cell(k.Describe()), cell(def), directive, cell(k.Doc))
	}
	return b.String()
}

// cell escapes text for a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
