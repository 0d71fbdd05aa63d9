package testbed

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/vmtest"
)

// The kernel VM tier. A test that needs link kinds (or Wi-Fi radios) this
// machine's kernel lacks calls RequireKernel; its package's TestMain calls
// KernelMain. Where the kernel has everything, the test simply runs. Where
// it does not, the test is skipped on the host with a note, and after the
// package's other tests KernelMain boots one guest with Debian's stock
// kernel (internal/vmtest), runs the same test binary there for exactly
// those tests, prints their output into this process's output and fails
// the package if they fail. Inside the guest, RequireKernel finds every
// kind present and the test runs for real, with the same test bed.

// InGuestEnv is set to 1 in the guest's environment.
const InGuestEnv = "GONM_IN_VM"

// KernelWifi is the pseudo-kind for simulated Wi-Fi radios
// (mac80211_hwsim).
const KernelWifi = "mac80211_hwsim"

// KernelEnv is what RequireKernel needs: a test (or benchmark) with a name.
type KernelEnv interface {
	Env
	Name() string
}

var kernelTier struct {
	mu       sync.Mutex
	active   bool      // KernelMain runs this process
	start    time.Time // when KernelMain started, for the timeout left
	deferred map[string][]string
}

// InGuest reports whether this process runs inside the kernel VM guest.
func InGuest() bool { return os.Getenv(InGuestEnv) == "1" }

// RequireKernel makes the test run on a kernel that can create links of
// every kind given (names as for RequireKind, or KernelWifi): natively when
// this kernel can, else in the kernel VM, else skipped with the reason.
func RequireKernel(t KernelEnv, kinds ...string) {
	t.Helper()
	RequireRoot(t)
	var missing []string
	var why []string
	for _, k := range kinds {
		if ok, reason := kernelHas(k); !ok {
			missing = append(missing, k)
			why = append(why, k+": "+reason)
		}
	}
	if len(missing) == 0 {
		return
	}
	if _, bench := t.(*testing.B); bench {
		t.Skipf("testbed: needs %s, which this kernel lacks; benchmarks do not run in the kernel VM (emulated timings measure the emulator)",
			strings.Join(missing, ", "))
	}
	if InGuest() {
		t.Fatalf("testbed: the kernel VM guest lacks %s (%s); the image recipe (internal/vmtest/recipe.go) must load it",
			strings.Join(missing, ", "), strings.Join(why, "; "))
	}
	kernelTier.mu.Lock()
	active := kernelTier.active
	kernelTier.mu.Unlock()
	if !active {
		t.Fatalf("testbed: %s needs %s, which this kernel lacks; its package's TestMain must call testbed.KernelMain(m) so it can run in the kernel VM",
			t.Name(), strings.Join(missing, ", "))
	}
	if ok, reason := vmtest.Available(); !ok {
		t.Skipf("testbed: needs %s, which this kernel lacks (%s), and the kernel VM cannot run here: %s",
			strings.Join(missing, ", "), strings.Join(why, "; "), reason)
	}
	top, _, _ := strings.Cut(t.Name(), "/")
	kernelTier.mu.Lock()
	if kernelTier.deferred == nil {
		kernelTier.deferred = map[string][]string{}
	}
	kernelTier.deferred[top] = append(kernelTier.deferred[top], missing...)
	kernelTier.mu.Unlock()
	t.Skipf("testbed: needs %s, which this kernel lacks; runs in the kernel VM after the package's other tests (see the \"kernel VM\" lines)",
		strings.Join(missing, ", "))
}

// kernelHas answers for link kinds with the usual probe, and for Wi-Fi by
// looking for the simulator's module.
func kernelHas(kind string) (bool, string) {
	if kind == KernelWifi {
		if _, err := os.Stat("/sys/module/mac80211_hwsim"); err != nil {
			return false, "mac80211_hwsim is not loaded"
		}
		return true, ""
	}
	return KindSupported(kind)
}

// KernelMain is the TestMain of packages with kernel VM tests:
//
//	func TestMain(m *testing.M) { testbed.KernelMain(m) }
//
// It runs the tests, then the deferred ones in one guest, and exits.
func KernelMain(m *testing.M) {
	os.Exit(kernelMain(m, os.Stdout))
}

func kernelMain(m *testing.M, out io.Writer) int {
	if InGuest() {
		return m.Run()
	}
	kernelTier.mu.Lock()
	kernelTier.active = true
	kernelTier.start = time.Now()
	kernelTier.mu.Unlock()
	code := m.Run()
	kernelTier.mu.Lock()
	deferred := kernelTier.deferred
	kernelTier.mu.Unlock()
	if len(deferred) == 0 {
		return code
	}
	if gcode := runInGuest(deferred, out); code == 0 {
		code = gcode
	}
	return code
}

// runInGuest runs the named top-level tests of this test binary in one
// guest and returns 0 if they passed.
func runInGuest(deferred map[string][]string, out io.Writer) int {
	names := make([]string, 0, len(deferred))
	for n := range deferred {
		names = append(names, n)
	}
	sort.Strings(names)
	fail := func(format string, args ...any) int {
		fmt.Fprintf(out, "--- FAIL: kernel VM: "+format+"\n", args...)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), guestTimeout())
	defer cancel()

	root, err := repoRoot()
	if err != nil {
		return fail("%v", err)
	}
	img, err := vmtest.EnsureImage(ctx, vmtest.BuildOptions{RepoRoot: root, Log: prefixWriter{out}})
	if err != nil {
		return fail("%v", err)
	}
	share, err := os.MkdirTemp("", "gonm-vm-share-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(share)
	if err := os.Chmod(share, 0o755); err != nil {
		return fail("%v", err)
	}
	// The daemon and the other gonm programs, built static: the guest has
	// no Go toolchain and only the C libraries its tools need.
	binDir := filepath.Join(share, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", binDir+"/", "./cmd/...")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := build.CombinedOutput(); err != nil {
		return fail("build gonm's programs for the guest: %v\n%s", err, msg)
	}
	self, err := os.Executable()
	if err != nil {
		return fail("%v", err)
	}
	testBin := filepath.Join(share, filepath.Base(self))
	if err := copyFile(self, testBin); err != nil {
		return fail("copy the test binary: %v", err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fail("%v", err)
	}

	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	deadline, _ := ctx.Deadline()
	argv := []string{testBin, "-test.run=^(" + strings.Join(quoted, "|") + ")$", "-test.v",
		"-test.count=1", "-test.timeout=" + time.Until(deadline).Round(time.Second).String()}
	for _, f := range []string{"test.short", "test.failfast"} {
		if fl := flag.Lookup(f); fl != nil && fl.Value.String() == "true" {
			argv = append(argv, "-"+f)
		}
	}
	env := []string{
		"PATH=/usr/sbin:/usr/bin", "HOME=/root", "TMPDIR=/tmp", "TERM=dumb",
		InGuestEnv + "=1", "GONM_BIN_DIR=" + binDir,
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GORACE=") || strings.HasPrefix(kv, "GOTRACEBACK=") {
			env = append(env, kv)
		}
	}
	fmt.Fprintf(out, "=== kernel VM: running %s in a guest (Linux %s)\n", strings.Join(names, ", "), img.KernelRelease)
	res, err := vmtest.Run(ctx, vmtest.RunOptions{
		Image: img, Argv: argv, Env: env, Dir: cwd,
		Shares: []vmtest.Share{
			{HostPath: root, GuestPath: root, ReadOnly: true},
			{HostPath: share, GuestPath: share, ReadOnly: true},
		},
		Timeout: time.Until(deadline),
		Output:  out,
	})
	if res != nil {
		fmt.Fprintf(out, "=== kernel VM: boot %.1fs, total %.1fs\n", res.Boot.Seconds(), res.Total.Seconds())
	}
	if err != nil {
		return fail("%v", err)
	}
	if res.ExitCode != 0 {
		return fail("the tests failed in the guest (exit status %d)", res.ExitCode)
	}
	return 0
}

// guestTimeout is what is left of the test binary's -test.timeout, less a
// margin so the guest's report arrives before go test's own alarm.
func guestTimeout() time.Duration {
	total := 10 * time.Minute
	if fl := flag.Lookup("test.timeout"); fl != nil {
		if d, err := time.ParseDuration(fl.Value.String()); err == nil && d > 0 {
			total = d
		}
	}
	kernelTier.mu.Lock()
	left := total - time.Since(kernelTier.start) - 30*time.Second
	kernelTier.mu.Unlock()
	return max(left, time.Minute)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// prefixWriter marks image build progress as the kernel VM's.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line != "" {
			fmt.Fprint(p.w, "=== kernel VM: "+strings.TrimPrefix(line, "vmtest: "))
		}
	}
	return len(b), nil
}
