package jobtype

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobprops"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
)

// ScriptCommandLineKey is the job prop holding a script job's command line.
const ScriptCommandLineKey = "script.command.line"

// ScriptJob runs a program once per item, without a shell, with the item's ShardingContext
// JSON appended as one extra argument, as ElasticJob's SCRIPT job.
type ScriptJob struct {
	program string
	args    []string
	// Stdout and Stderr receive the program's output; Script sets them to the process's own.
	Stdout, Stderr io.Writer
}

// Script builds a script job from the job props.
func Script(props map[string]string) (*ScriptJob, error) {
	line, err := jobprops.Required(props, ScriptCommandLineKey)
	if err != nil {
		return nil, err
	}
	words, err := splitCommandLine(line)
	if err != nil {
		// The command line is not echoed: it may carry secrets.
		return nil, fmt.Errorf("%s: %w", ScriptCommandLineKey, err)
	}
	if len(words) == 0 || words[0] == "" {
		return nil, fmt.Errorf("%s: empty program name", ScriptCommandLineKey)
	}
	return &ScriptJob{program: words[0], args: words[1:], Stdout: os.Stdout, Stderr: os.Stderr}, nil
}

// RunItem runs the program and waits for it. Cancelling ctx kills the program and every
// process it started in its process group. Errors name the program, never its arguments.
func (j *ScriptJob) RunItem(ctx context.Context, sc jobapi.ShardingContext) error {
	args := append(append([]string(nil), j.args...), nodedata.ShardingContextJSON(sc))
	cmd := exec.CommandContext(ctx, j.program, args...)
	cmd.Stdout, cmd.Stderr = j.Stdout, j.Stderr
	ownProcessGroup(cmd)
	// A grandchild outside the group may hold the output pipes open; do not wait for it forever.
	cmd.WaitDelay = time.Second

	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("script job: %s stopped: %w", j.program, context.Cause(ctx))
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if code := exitErr.ExitCode(); code >= 0 {
			return fmt.Errorf("script job: %s exited with code %d", j.program, code)
		}
		return fmt.Errorf("script job: %s ended: %s", j.program, exitErr.ProcessState)
	}
	// Start errors (not found, not executable) and I/O errors; exec.Error names only the program.
	return fmt.Errorf("script job: %s", strings.TrimPrefix(err.Error(), "exec: "))
}
