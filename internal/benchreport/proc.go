package benchreport

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Process observation shared by the benchmarks that measure a daemon from
// outside: CPU time and memory figures from /proc, and the daemon's own
// process behind the wrappers the test bed starts it through.

// clockTick is USER_HZ, the unit of /proc/<pid>/stat's CPU times.
const clockTick = time.Second / 100

// ProcCPU returns a process's CPU time (user and system); 0 once it is gone.
func ProcCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	// After the command's closing parenthesis: state(0) ... utime(11) stime(12).
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * clockTick
}

// ProcStatusKB returns a kB field of /proc/<pid>/status (VmRSS, VmHWM ...);
// 0 when the process or the field is missing.
func ProcStatusKB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			if fs := strings.Fields(v); len(fs) > 0 {
				n, _ := strconv.ParseInt(fs[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// ResetPeak restarts a process's VmHWM counting.
func ResetPeak(pid int) {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// ProcessNamed follows wrapper processes (ip netns exec, unshare) from pid
// down their first children to the process whose comm is comm; it returns
// the last process reached when none is.
func ProcessNamed(pid int, comm string) int {
	for range 4 {
		if c, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(c)) == comm {
			return pid
		}
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		f := strings.Fields(string(kids))
		if len(f) == 0 {
			return pid
		}
		pid, _ = strconv.Atoi(f[0])
	}
	return pid
}
