// Package testbed is the sandbox every test, benchmark and `make demo` runs
// in: throwaway network namespaces, a private system-like dbus-daemon, veth
// pairs and other links inside those namespaces, the gonm daemon (and the
// reference NetworkManager 1.42) started inside a namespace with all its
// files in a temporary folder, and probes for what the kernel can do.
//
// Safety rules it enforces: it never changes links, addresses or routes of
// the initial network namespace (where the machine's uplink lives) and
// refuses to start a daemon there; it deletes only namespaces it created
// (named with a per-process prefix), and ends only processes it started.
//
// Everything a test creates is removed by t.Cleanup, also when the test
// fails. Code that is not a test (the demo) uses the same types through the
// Env interface with its own cleanup list.
package testbed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Env is what the test bed needs from its caller: a place for temporary
// files, cleanup registration, logging and failing. *testing.T and
// *testing.B satisfy it; the demo uses Standalone.
type Env interface {
	Helper()
	Cleanup(func())
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	TempDir() string
	Failed() bool
}

// namePrefix starts every namespace name this package creates. The PID of
// the creating process follows, so stale namespaces of crashed runs can be
// told apart from those of runs still going (go test runs packages as
// parallel processes).
const namePrefix = "gonmt-"

var (
	nsSeq        atomic.Int64
	staleCleaned sync.Once
)

// Netns is a named network namespace created by this package.
type Netns struct {
	Name string
	// Bus, when set, is exported to commands run in the namespace as
	// DBUS_SYSTEM_BUS_ADDRESS.
	Bus *Bus
	env Env
}

// Path is the namespace's bind mount, usable with setns(2).
func (n *Netns) Path() string { return "/run/netns/" + n.Name }

// NewNetns creates a fresh namespace with loopback up, deleted at cleanup.
func NewNetns(env Env) *Netns {
	env.Helper()
	RequireRoot(env)
	staleCleaned.Do(func() { removeStaleNetns(env) })
	name := fmt.Sprintf("%s%d-%d", namePrefix, os.Getpid(), nsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		env.Fatalf("testbed: create namespace %s: %v: %s", name, err, out)
	}
	n := &Netns{Name: name, env: env}
	env.Cleanup(func() { n.remove() })
	if err := checkNotInitial(n.Path()); err != nil {
		env.Fatalf("testbed: %v", err)
	}
	n.MustRun("ip", "link", "set", "lo", "up")
	return n
}

// remove deletes the namespace. Processes still running inside it would keep
// it alive after `ip netns delete`; they can only be ours, so they are ended
// (and reported, since a test should have stopped them itself).
func (n *Netns) remove() {
	for _, pid := range netnsPIDs(n.Name) {
		n.env.Errorf("testbed: process %d still running in namespace %s at cleanup; killing it", pid, n.Name)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if out, err := exec.Command("ip", "netns", "delete", n.Name).CombinedOutput(); err != nil {
		n.env.Errorf("testbed: delete namespace %s: %v: %s", n.Name, err, out)
	}
}

func netnsPIDs(name string) []int {
	out, err := exec.Command("ip", "netns", "pids", name).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// removeStaleNetns deletes namespaces left behind by earlier test processes
// that died without cleaning up: those named with our prefix whose creator
// PID no longer exists. Namespaces of other programs, and of test processes
// still running, are left alone.
func removeStaleNetns(env Env) {
	entries, err := os.ReadDir("/run/netns")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := stalePID(e.Name())
		if !ok || processAlive(pid) {
			continue
		}
		for _, p := range netnsPIDs(e.Name()) {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		if out, err := exec.Command("ip", "netns", "delete", e.Name()).CombinedOutput(); err != nil {
			env.Logf("testbed: could not remove stale namespace %s: %v: %s", e.Name(), err, out)
		} else {
			env.Logf("testbed: removed stale namespace %s of dead process %d", e.Name(), pid)
		}
	}
}

// stalePID extracts the creator PID from one of our namespace names.
func stalePID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, namePrefix)
	if !ok {
		return 0, false
	}
	pidStr, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(pidStr)
	return pid, err == nil && pid > 0
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Command returns a command that runs inside the namespace, with the
// namespace's bus (if any) as the system bus. `ip netns exec` also mounts a
// sysfs of the namespace, so /sys/class/net shows its links.
func (n *Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
	cmd.Env = n.environ()
	return cmd
}

func (n *Netns) environ() []string {
	env := os.Environ()
	if n.Bus != nil {
		env = append(env, "DBUS_SYSTEM_BUS_ADDRESS="+n.Bus.Address)
	}
	return env
}

// Run runs a command inside the namespace and returns its combined output.
func (n *Netns) Run(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := n.Command(ctx, name, args...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s in %s: %w: %s", name, strings.Join(args, " "), n.Name, err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// MustRun is Run that fails the test on error.
func (n *Netns) MustRun(name string, args ...string) string {
	n.env.Helper()
	out, err := n.Run(name, args...)
	if err != nil {
		n.env.Fatalf("testbed: %v", err)
	}
	return out
}

// IP runs `ip` inside the namespace (with -n, without entering it).
func (n *Netns) IP(args ...string) (string, error) {
	// Only stdout is the answer: ip warns on stderr and still succeeds,
	// for instance "Error: Peer netns reference is invalid." for a veth
	// whose peer's namespace another test is deleting.
	var stderr strings.Builder
	cmd := exec.Command("ip", append([]string{"-n", n.Name}, args...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		all := string(out) + stderr.String()
		return all, fmt.Errorf("ip -n %s %s: %w: %s", n.Name, strings.Join(args, " "), err, strings.TrimSpace(all))
	}
	return string(out), nil
}

// MustIP is IP that fails the test on error.
func (n *Netns) MustIP(args ...string) string {
	n.env.Helper()
	out, err := n.IP(args...)
	if err != nil {
		n.env.Fatalf("testbed: %v", err)
	}
	return out
}

// Do runs fn on a locked OS thread switched into the namespace, for code
// that opens sockets (netlink, packet) or reads /proc/sys/net there. The
// thread is switched back afterwards; sockets opened inside stay bound to
// the namespace.
func (n *Netns) Do(fn func() error) error {
	return DoIn(n.Path(), fn)
}

// Handle opens the namespace for APIs that take a netns handle. The caller
// closes it.
func (n *Netns) Handle() (netns.NsHandle, error) { return netns.GetFromPath(n.Path()) }

// DoIn runs fn in the network namespace at path; see Netns.Do.
func DoIn(path string, fn func() error) error {
	if err := checkNotInitial(path); err != nil {
		return err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return fmt.Errorf("get current netns: %w", err)
	}
	defer orig.Close()
	target, err := netns.GetFromPath(path)
	if err != nil {
		return fmt.Errorf("open netns %s: %w", path, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		return fmt.Errorf("enter netns %s: %w", path, err)
	}
	ferr := fn()
	if err := netns.Set(orig); err != nil {
		// The thread is in the wrong namespace and stays locked, so the
		// runtime discards it when this goroutine exits.
		runtime.LockOSThread()
		return fmt.Errorf("return from netns %s: %w", path, err)
	}
	return ferr
}

// ErrInitialNetns is returned when an operation would touch the initial
// network namespace.
var ErrInitialNetns = errors.New("refusing to act in the initial network namespace (the machine's uplink lives there); use a namespace made by testbed.NewNetns")

// checkNotInitial fails when path names the initial network namespace (that
// of PID 1) or the one this process runs in, which for tests is the same.
func checkNotInitial(path string) error {
	var target unix.Stat_t
	if err := unix.Stat(path, &target); err != nil {
		return fmt.Errorf("cannot tell whether %s is the initial namespace (%v): %w", path, err, ErrInitialNetns)
	}
	for _, ref := range []string{"/proc/1/ns/net", "/proc/self/ns/net"} {
		var st unix.Stat_t
		if err := unix.Stat(ref, &st); err != nil {
			continue
		}
		if st.Dev == target.Dev && st.Ino == target.Ino {
			return fmt.Errorf("%s: %w", path, ErrInitialNetns)
		}
	}
	return nil
}

// RequireRoot skips the test unless it runs as root, which namespaces need.
func RequireRoot(env Env) {
	env.Helper()
	if os.Geteuid() != 0 {
		env.Skipf("testbed: needs root to create network namespaces")
	}
}

// TempDir returns a fresh directory readable by other users (t.TempDir is
// 0700), for sockets and files that processes of other users must reach.
// The per-test parent directory the testing package makes (also 0700) is
// made traversable, without making its listing readable.
func TempDir(env Env) string {
	d := env.TempDir()
	if err := os.Chmod(d, 0o755); err != nil {
		env.Fatalf("testbed: %v", err)
	}
	// The testing package makes the per-test parent 0700; other users
	// need to pass through it to reach d (a bus socket for a daemon that
	// drops privileges, such as systemd-networkd).
	if parent := filepath.Dir(d); filepath.Base(parent) != os.TempDir() {
		if fi, err := os.Stat(parent); err == nil && fi.Mode().Perm()&0o011 != 0o011 {
			_ = os.Chmod(parent, fi.Mode().Perm()|0o011)
		}
	}
	return d
}

// repoRoot finds the module root from the working directory, which for
// tests is the package directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}
