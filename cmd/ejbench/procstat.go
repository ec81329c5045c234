package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ, 100 on every Linux
// architecture Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU (user + system) the process pid has used, from /proc/pid/stat; pid 0 is
// this process.
func cpuTime(pid int) (time.Duration, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	return ticks(f[11:13]) // utime, stime
}

// treeCPU is the CPU the process pid, its live children and its children that ended (which
// the process waited for) have used: a PostgreSQL server's, whose backends and autovacuum
// workers are children of the postmaster that come and go.
func treeCPU(pid int) (time.Duration, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	total, err := ticks(f[11:15]) // utime, stime, cutime, cstime
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cf, err := statFields(child)
		if err != nil || cf[1] != strconv.Itoa(pid) { // gone meanwhile, or another's
			continue
		}
		if t, err := ticks(cf[11:13]); err == nil {
			total += t
		}
	}
	return total, nil
}

// statFields are the fields of /proc/pid/stat after the command name: f[0] is field 3 (state),
// f[1] the parent's pid, f[11] to f[14] utime, stime, cutime, cstime.
func statFields(pid int) ([]string, error) {
	path := procPath(pid, "stat")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// The command name (field 2) may hold spaces: fields are counted after its closing ')'.
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return nil, fmt.Errorf("%s: no ')' in %q", path, s)
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return nil, fmt.Errorf("%s: %d fields after the command name, want at least 15", path, len(f))
	}
	return f, nil
}

// ticks sums clock-tick fields.
func ticks(fields []string) (time.Duration, error) {
	var n int64
	for _, v := range fields {
		t, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat: CPU time %q: %w", v, err)
		}
		n += t
	}
	return time.Duration(n) * clockTick, nil
}

// postmasterPID is the pid of the PostgreSQL server of a data directory (postmaster.pid's
// first line).
func postmasterPID(dataDir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, fmt.Errorf("%s/postmaster.pid: first line %q is not a pid", dataDir, first)
	}
	return pid, nil
}

// procStatus returns the value of a "Key:" line of /proc/pid/status (VmRSS in kB, Threads).
func procStatus(pid int, key string) (int64, error) {
	path := procPath(pid, "status")
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, fmt.Errorf("%s: %s has no value", path, key)
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("%s: no %s line", path, key)
}

// rssBytes is the resident set size of process pid (0: this one).
func rssBytes(pid int) (int64, error) {
	kb, err := procStatus(pid, "VmRSS")
	return kb * 1024, err
}

func procPath(pid int, name string) string {
	if pid == 0 {
		return "/proc/self/" + name
	}
	return fmt.Sprintf("/proc/%d/%s", pid, name)
}

// totalMemory is the machine's memory from /proc/meminfo.
func totalMemory() (int64, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("/proc/meminfo: no MemTotal line")
}

// resetPeakRSS restarts the kernel's record of process pid's peak RSS (VmHWM) from its current
// RSS, so that peakRSS tells the peak since.
func resetPeakRSS(pid int) error {
	path := procPath(pid, "clear_refs")
	if err := os.WriteFile(path, []byte("5"), 0); err != nil {
		return fmt.Errorf("resetting the peak RSS: %w", err)
	}
	return nil
}

// peakRSS is process pid's peak resident set size (VmHWM).
func peakRSS(pid int) (int64, error) {
	kb, err := procStatus(pid, "VmHWM")
	return kb * 1024, err
}
