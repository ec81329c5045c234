package dump

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// command starts every request ElasticJob answers.
const command = "dump@"

// maxRequest bounds the request line: a longer one is not a dump request.
const maxRequest = 4096

var errBadRequest = errors.New("not a dump request")

// parseRequest returns the job a request line names, by ElasticJob's rule: the line starts with
// "dump@" and splits on '@' into exactly two parts once trailing empty parts are dropped (Java's
// String.split), so "dump@job@" names job and "dump@" or "dump@a@b" nothing. On top of that the
// job must be a job name (jobconf's rules: one ZooKeeper node name): ElasticJob would dump /a/b
// for "dump@a/b" and fail on "dump@..".
func parseRequest(line string) (string, bool) {
	if !strings.HasPrefix(line, command) {
		return "", false
	}
	parts := strings.Split(line, "@")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) != 2 {
		return "", false
	}
	job := parts[1]
	if len(jobconf.JobNameProblems(job)) > 0 {
		return "", false
	}
	return job, true
}

// readRequest reads one line as Java's BufferedReader.readLine does: it ends at "\n", "\r" or
// the end of the input (an empty input is no line).
func readRequest(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		c, err := r.ReadByte()
		switch {
		case errors.Is(err, io.EOF) && b.Len() > 0:
			return b.String(), nil
		case err != nil:
			return "", err
		case c == '\n' || c == '\r':
			return b.String(), nil
		case b.Len() == maxRequest:
			return "", errBadRequest
		}
		b.WriteByte(c)
	}
}
