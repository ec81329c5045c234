package tracing

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// record is one row to write: a status row, or an execution row's start or completion. One flat
// struct (not an interface) so that the queue holds values and posting allocates nothing more.
type record struct {
	status bool // a JOB_STATUS_TRACE_LOG row; else a JOB_EXECUTION_LOG row
	id     string
	job    string
	taskID string
	time   time.Time // creation_time of a status row, start_time of an execution row

	// status rows
	slaveID, items, state, message string

	// execution rows
	host, ip, source string
	item             int
	complete         bool // a completion: complete_time, is_success and failure_cause are set
	success          bool
	cause            string
	end              time.Time
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

// javaList is Java's List.toString of items: "[0, 1, 2]".
func javaList(items []int) string {
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
