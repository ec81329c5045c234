package tracing

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// record is one row to write: a status row, or an execution row's start or completion, made by
// the writer from an event (runs.rows). One flat struct of values the event holds: ids, messages
// and item lists are formatted as the batch is written.
type record struct {
	status bool   // a JOB_STATUS_TRACE_LOG row; else a JOB_EXECUTION_LOG row
	seq    uint64 // the row's id (see ids)
	job    string
	taskID string
	time   time.Time // creation_time of a status row, start_time of an execution row

	// status rows
	state    string
	message  message
	items    []int         // sharding_item, and the misfire message's items
	itemErrs map[int]error // a TASK_ERROR row's message

	// execution rows
	source   string
	item     int
	complete bool // a completion: complete_time, is_success and failure_cause are set
	err      error
	end      time.Time
}

// message is which of ElasticJob's messages a status row carries.
type message uint8

const (
	noMessage      message = iota // ""
	beginMessage                  // "Job '%s' execute begin."
	emptyMessage                  // "Sharding item for job '%s' is empty."
	misfireMessage                // "Previous job '%s' - shardingItems '%s' is still running, …"
	errorsMessage                 // the item errors, as Java's Map.toString
)

// text is the message of a status row.
func (r *record) text() string {
	switch r.message {
	case beginMessage:
		return "Job '" + r.job + "' execute begin."
	case emptyMessage:
		return "Sharding item for job '" + r.job + "' is empty."
	case misfireMessage:
		return "Previous job '" + r.job + "' - shardingItems '" + javaList(r.items) + "' is still running, misfired job will start after previous job completed."
	case errorsMessage:
		return javaMap(r.itemErrs)
	}
	return ""
}

// ids make the rows' ids: UUID-shaped (version 4, as ElasticJob's random UUIDs), a random
// prefix per writer and a sequence number the writer gives each row (record.seq).
type ids struct {
	prefix [8]byte
}

func newIDs() ids {
	var g ids
	_, _ = rand.Read(g.prefix[:])
	return g
}

// format is the id of sequence number seq.
func (g *ids) format(seq uint64) string {
	var b [16]byte
	copy(b[:8], g.prefix[:])
	binary.BigEndian.PutUint64(b[8:], seq)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant: costs the counter's top two bits, never reached
	return uuid.UUID(b).String()
}

// The fixed values of ElasticJob-Lite's status rows.
const (
	stateStaging  = "TASK_STAGING"
	stateRunning  = "TASK_RUNNING"
	stateFinished = "TASK_FINISHED"
	stateError    = "TASK_ERROR"
	liteExecutor  = "LITE_EXECUTOR"
	executionType = "READY"
)

// javaList is Java's List.toString of items in order: "[0, 1, 2]".
func javaList(items []int) string {
	if !slices.IsSorted(items) {
		items = slices.Sorted(slices.Values(items))
	}
	b := make([]byte, 0, 2+4*len(items))
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(it), 10)
	}
	return string(append(b, ']'))
}

// fit cuts s to width characters, ending it with "..." when cut: a value longer than its
// column is shortened, not refused by the database.
func fit(s string, width int) string {
	if width <= 0 || utf8.RuneCountInString(s) <= width {
		return s
	}
	if width <= 3 {
		return string([]rune(s)[:width])
	}
	return string([]rune(s)[:width-3]) + "..."
}

// fitList fits "[0, 1, …, 99]" by cutting whole items and keeping the closing bracket:
// "[0, 1, 2, ...]".
func fitList(s string, width int) string {
	if width <= 0 || len(s) <= width {
		return s
	}
	if width < 6 {
		return fit(s, width)
	}
	cut := s[:width-5] // room for ", ...]"
	if i := strings.LastIndex(cut, ", "); i > 0 {
		return cut[:i] + ", ...]"
	}
	return fit(s, width)
}

// fitTaskID fits job@-@items@-@READY@-@ip@-@pid by shortening its item list ("0,1,2,..."), so
// that the job, the type and the instance stay whole.
func fitTaskID(id string, width int) string {
	if width <= 0 || utf8.RuneCountInString(id) <= width {
		return id
	}
	parts := strings.Split(id, "@-@")
	if len(parts) != 5 {
		return fit(id, width)
	}
	items := parts[1]
	keep := len(items) - (utf8.RuneCountInString(id) - width) - 3
	if keep <= 0 {
		return fit(id, width)
	}
	cut := items[:keep]
	if i := strings.LastIndexByte(cut, ','); i > 0 {
		cut = cut[:i+1]
	}
	parts[1] = cut + "..."
	return strings.Join(parts, "@-@")
}

// instanceIP is the ip field of a task id (job@-@items@-@READY@-@ip@-@pid).
func instanceIP(taskID string) string {
	i := strings.LastIndex(taskID, "@-@")
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(taskID[:i], "@-@")
	if j < 0 {
		return ""
	}
	return taskID[j+3 : i]
}

// javaMap is Java's Map.toString of the item errors, in item order: "{0=boom, 2=bang}".
func javaMap(errs map[int]error) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, item := range slices.Sorted(maps.Keys(errs)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(item))
		b.WriteByte('=')
		b.WriteString(fmt.Sprint(errs[item]))
	}
	b.WriteByte('}')
	return b.String()
}
