package nodedata

import (
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// ShardingContextJSON returns the JSON of ElasticJob's ShardingContext as Gson 2.10.1 writes
// it with its defaults (the argument of script jobs, the shardingContext header of HTTP
// jobs): fields in declaration order, nulls omitted, HTML-safe escaping.
//
// Java's shardingParameter is null for an item without an entry in shardingItemParameters,
// and an entry always has a non-empty value ("0=" is rejected), so an empty
// ShardingParameter is written as Java writes null: not at all.
func ShardingContextJSON(sc jobapi.ShardingContext) string {
	var b strings.Builder
	b.WriteString(`{"jobName":`)
	writeGsonString(&b, sc.JobName)
	b.WriteString(`,"taskId":`)
	writeGsonString(&b, sc.TaskID)
	b.WriteString(`,"shardingTotalCount":`)
	b.WriteString(strconv.Itoa(sc.ShardingTotalCount))
	b.WriteString(`,"jobParameter":`)
	writeGsonString(&b, sc.JobParameter)
	b.WriteString(`,"shardingItem":`)
	b.WriteString(strconv.Itoa(sc.ShardingItem))
	if sc.ShardingParameter != "" {
		b.WriteString(`,"shardingParameter":`)
		writeGsonString(&b, sc.ShardingParameter)
	}
	b.WriteString("}")
	return b.String()
}

// writeGsonString is Gson's JsonWriter.string with htmlSafe on: control characters as
// \u00xx (lowercase hex) except the short escapes \t \b \n \r \f, \" and \\, the HTML
// characters < > & = ' as \u003c \u003e \u0026 \u003d \u0027, and U+2028, U+2029 escaped.
// Everything else, DEL and non-ASCII included, is written as is.
func writeGsonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '<', '>', '&', '=', '\'', '\u2028', '\u2029':
			writeUnicodeEscape(b, r)
		default:
			if r < 0x20 {
				writeUnicodeEscape(b, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

func writeUnicodeEscape(b *strings.Builder, r rune) {
	hex := strconv.FormatInt(int64(r), 16)
	b.WriteString(`\u`)
	b.WriteString(strings.Repeat("0", 4-len(hex)))
	b.WriteString(hex)
}
