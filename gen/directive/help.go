package directive

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Help is the directive reference that ejgen -help prints: every kind with its keys,
// their types and docs.
func Help() string {
	var b strings.Builder
	b.WriteString(`Directives are comment lines directly above a type or func declaration:

  //elasticjob:<kind> key=value key="quoted value" ...

No space after //. A value is a bare token (no spaces or quotes) or a Go-quoted
string ("..." with Go escapes, or ` + "`...`" + `). Text from a // that starts an argument
to the end of the line is a comment.
`)
	for _, k := range kinds {
		fmt.Fprintf(&b, "\n%s%s\n  %s\n\n", prefix, k.name, k.doc)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, f := range k.fields {
			typ := f.describe()
			if f.required {
				typ += ", required"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.display(), typ, f.doc)
		}
		tw.Flush()
	}
	return b.String()
}

// MarkdownReference is the directive reference of the README: one table per kind.
func MarkdownReference() string {
	var b strings.Builder
	for i, k := range kinds {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "### `%s%s`\n\n%s.\n\n", prefix, k.name, capitalize(k.doc))
		b.WriteString("| Key | Type | Required | Description |\n|---|---|---|---|\n")
		for _, f := range k.fields {
			required := ""
			if f.required {
				required = "yes"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.display(), cell(f.describe()), required, cell(f.doc))
		}
	}
	return b.String()
}

// cell escapes text for a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// capitalize starts a kind's doc (never empty, see mustSpec) with a capital letter.
func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
