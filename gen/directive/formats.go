package directive

import "github.com/elasticjob-go/elasticjob/internal/jobconf"

// problem is something wrong with a value. whole problems are reported as key=value: msg
// at the value; the others point at byte offset off inside the value (an entry of a list).
type problem struct {
	off   int
	whole bool
	msg   string
}

func wholeValue(msg string) problem { return problem{whole: true, msg: msg} }

// fromSchema converts the problems of jobconf's checks.
func fromSchema(problems []jobconf.Problem) []problem {
	out := make([]problem, len(problems))
	for i, p := range problems {
		out[i] = problem{off: max(p.Off, 0), whole: p.Off < 0, msg: p.Msg}
	}
	return out
}

// formats are value checks that a type alone cannot express, named by the format tag.
// A job key's checks come from its entry in jobconf.Keys instead.
var formats = map[string]func(string) []problem{
	"jobName": func(name string) []problem { return fromSchema(jobconf.JobNameProblems(name)) },
}
