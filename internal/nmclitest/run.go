package nmclitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// ReferenceNmcli is Debian's nmcli, the output to match.
const ReferenceNmcli = "/usr/bin/nmcli"

// ReferenceOnline is Debian's nm-online.
const ReferenceOnline = "/usr/bin/nm-online"

// Result is what one nmcli run produced.
type Result struct {
	Stdout, Stderr []byte
	Code           int
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// RunOptions shape one run.
type RunOptions struct {
	// Env adds or replaces environment variables ("K=V").
	Env []string
	// Stdin is fed to the program.
	Stdin string
	// Interrupt sends SIGINT after this long (for monitors and agents).
	Interrupt time.Duration
	// During runs while the program runs (after it started), before the
	// interrupt; for monitor tests that need a change to report.
	During func()
	// Timeout bounds the run; 60 seconds when zero.
	Timeout time.Duration
}

// baseEnv is the environment every run gets: a fixed locale, no pager
// surprises and no user configuration.
func baseEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE", "PAGER", "TERM", "NO_COLOR",
			"HOME", "XDG_CONFIG_HOME", "COLUMNS", "LINES", "DBUS_SYSTEM_BUS_ADDRESS", "NM_ONLINE_TIMEOUT":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LANG=C.UTF-8", "PAGER=cat", "TERM=xterm", "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
}

func mergeEnv(env, extra []string) []string {
	out := append([]string(nil), env...)
	for _, kv := range extra {
		k, _, _ := strings.Cut(kv, "=")
		out = slicesDeleteKey(out, k)
		if strings.Contains(kv, "=") {
			out = append(out, kv)
		}
	}
	return out
}

func slicesDeleteKey(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return out
}

// Run runs program inside the namespace on the world's bus.
func (w *World) Run(program string, args []string, opts RunOptions) Result {
	return RunIn(w.env, w.NS, w.home(), program, args, opts)
}

func (w *World) home() string {
	if w.homeDir == "" {
		w.homeDir = testbed.TempDir(w.env)
		os.MkdirAll(filepath.Join(w.homeDir, "config"), 0o755)
	}
	return w.homeDir
}

// RunIn runs program in ns (whose bus, if any, is the system bus).
func RunIn(env testbed.Env, ns *testbed.Netns, home, program string, args []string, opts RunOptions) Result {
	env.Helper()
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := ns.Command(ctx, program, args...)
	e := baseEnv(home)
	if ns.Bus != nil {
		e = append(e, "DBUS_SYSTEM_BUS_ADDRESS="+ns.Bus.Address)
	}
	cmd.Env = mergeEnv(e, opts.Env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Stdin = strings.NewReader(opts.Stdin)
	if err := cmd.Start(); err != nil {
		env.Fatalf("nmclitest: start %s: %v", program, err)
	}
	if opts.During != nil || opts.Interrupt > 0 {
		if opts.Interrupt > 0 && opts.During != nil {
			time.Sleep(opts.Interrupt / 2)
		}
		if opts.During != nil {
			opts.During()
		}
		if opts.Interrupt > 0 {
			time.Sleep(opts.Interrupt / 2)
			// ip netns exec runs the program in place (it execs), so the
			// PID is the program's.
			_ = cmd.Process.Signal(syscall.SIGINT)
		}
	}
	err := cmd.Wait()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			env.Fatalf("nmclitest: run %s: %v", program, err)
		}
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	}
	if ctx.Err() != nil {
		env.Errorf("nmclitest: %s %s did not finish within %v", program, strings.Join(args, " "), timeout)
	}
	return Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), Code: code}
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	// Epoch seconds of this century (profile timestamps, DHCP expiry).
	epochRE = regexp.MustCompile(`\b1[5-9][0-9]{8}\b`)
	// strftime("%c") in the C locale.
	dateRE = regexp.MustCompile(`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\b`)
)

// fixedUUIDs are the suite's own profile UUIDs, which stay as they are so
// that a wrong profile cannot hide behind normalization.
var fixedUUIDs = map[string]bool{
	UUIDStatic: true, UUIDMany: true, UUIDUnicode: true, UUIDSpace: true, UUIDBridge: true,
	UUIDPort1: true, UUIDPort2: true, UUIDDHCP: true, UUIDVPN: true, UUIDSpare: true, UUIDDuplicate: true,
}

// Normalize replaces what legitimately differs between two runs: UUIDs
// the daemon generated, timestamps and dates.
func Normalize(b []byte) []byte {
	b = uuidRE.ReplaceAllFunc(b, func(m []byte) []byte {
		if fixedUUIDs[string(m)] {
			return m
		}
		return []byte("<UUID>")
	})
	b = epochRE.ReplaceAll(b, []byte("<TIMESTAMP>"))
	b = dateRE.ReplaceAll(b, []byte("<DATE>"))
	return b
}

// SortLines sorts the lines of b, for output whose order nmcli itself
// leaves to a hash table (completion of -f values).
func SortLines(b []byte) []byte {
	lines := strings.SplitAfter(string(b), "\n")
	sort.Strings(lines)
	return []byte(strings.Join(lines, ""))
}

// Diff describes how two results differ, or returns "".
func Diff(want, got Result) string {
	var b strings.Builder
	if want.Code != got.Code {
		fmt.Fprintf(&b, "exit code: want %d, got %d\n", want.Code, got.Code)
	}
	if !bytes.Equal(want.Stdout, got.Stdout) {
		fmt.Fprintf(&b, "stdout differs:\n%s", lineDiff(string(want.Stdout), string(got.Stdout)))
	}
	if !bytes.Equal(want.Stderr, got.Stderr) {
		fmt.Fprintf(&b, "stderr differs:\n%s", lineDiff(string(want.Stderr), string(got.Stderr)))
	}
	return b.String()
}

// lineDiff shows the first differing lines with some context.
func lineDiff(want, got string) string {
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w == g {
			continue
		}
		fmt.Fprintf(&b, "  line %d\n    want %q\n    got  %q\n", i+1, w, g)
		if shown++; shown >= 8 {
			b.WriteString("  ...\n")
			break
		}
	}
	return b.String()
}
