//go:build !unix

package jobtype

import "os/exec"

// ownProcessGroup keeps exec's default on systems without process groups: cancellation
// kills the program itself.
func ownProcessGroup(cmd *exec.Cmd) {}
