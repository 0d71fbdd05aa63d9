package vmtest_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
	"github.com/gonm/gonm/internal/vmtest"
)

// bootable skips unless guests can be booted from here (not from inside a
// guest: there is no QEMU there) and returns the image.
func bootable(t *testing.T) *vmtest.Image {
	t.Helper()
	if testbed.InGuest() {
		t.Skip("runs on the host: it boots guests itself")
	}
	if ok, why := vmtest.Available(); !ok {
		t.Skipf("the kernel VM cannot run here: %s", why)
	}
	img, err := vmtest.EnsureImage(t.Context(), vmtest.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestRunReportsOutputAndExitStatus(t *testing.T) {
	img := bootable(t)
	var out bytes.Buffer
	res, err := vmtest.Run(t.Context(), vmtest.RunOptions{
		Image:   img,
		Argv:    []string{"/bin/sh", "-c", `echo "to stdout $(uname -r)"; echo "to stderr $GREETING" >&2; exit 3`},
		Env:     []string{"PATH=/usr/sbin:/usr/bin", "GREETING=hello"},
		Timeout: 3 * time.Minute,
		Output:  &out,
	})
	if err != nil {
		t.Fatalf("run: %v\noutput:\n%s", err, out.String())
	}
	if res.ExitCode != 3 {
		t.Errorf("exit status %d, want 3", res.ExitCode)
	}
	for _, want := range []string{"to stdout " + img.KernelRelease + "\n", "to stderr hello\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !res.Status.Booted || res.Status.ModuleErrors != 0 || res.Status.ModulesLoaded == 0 {
		t.Errorf("guest status %+v: want a boot with every module loaded", res.Status)
	}
	if res.Boot <= 0 || res.Total < res.Boot {
		t.Errorf("boot %v, total %v", res.Boot, res.Total)
	}
	t.Logf("boot %v (guest uptime %.2fs, %d modules in %.2fs), total %v",
		res.Boot, res.Status.StartUptime, res.Status.ModulesLoaded, res.Status.ModuleSeconds, res.Total)
}

func TestRunStopsAJobThatHangsInTheGuest(t *testing.T) {
	img := bootable(t)
	var out bytes.Buffer
	res, err := vmtest.Run(t.Context(), vmtest.RunOptions{
		Image:      img,
		Argv:       []string{"/bin/sh", "-c", "echo started; exec sleep 600"},
		Env:        []string{"PATH=/usr/sbin:/usr/bin"},
		Timeout:    3 * time.Minute,
		JobTimeout: 3 * time.Second,
		Output:     &out,
	})
	if err == nil || !strings.Contains(err.Error(), "did not finish within 3s") {
		t.Fatalf("err = %v, want the job's timeout", err)
	}
	if res == nil || !res.Status.TimedOut || res.ExitCode != 128+int(syscall.SIGQUIT) {
		t.Errorf("result %+v: want a timeout ended by SIGQUIT", res)
	}
	if !strings.Contains(out.String(), "started\n") {
		t.Errorf("output before the timeout was lost: %q", out.String())
	}
}

func TestRunKillsAGuestThatHangs(t *testing.T) {
	img := bootable(t)
	// A guest cannot boot in a second under emulation: the runner has to
	// kill QEMU, and say so.
	// Slots of its own: guests that other test packages run at the same
	// time must not make the check below fail.
	t.Setenv("GONM_VM_SLOTS_DIR", t.TempDir())
	res, err := vmtest.Run(t.Context(), vmtest.RunOptions{
		Image: img, Argv: []string{"/bin/true"}, Timeout: time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "did not finish within 1s; QEMU (pid ") {
		t.Fatalf("err = %v, want the guest timeout", err)
	}
	pid := 0
	if _, perr := qemuPID(err.Error(), &pid); perr != nil || pid <= 0 {
		t.Fatalf("no QEMU pid in %q", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("QEMU pid %d still exists after Run returned (kill 0: %v)", pid, err)
	}
	if res == nil || res.Status.Started {
		t.Errorf("result %+v: the job cannot have started", res)
	}
	// The slot it held is free again: two guests can still start.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for i := 0; i < vmtest.MaxGuests; i++ {
		release, err := vmtest.AcquireSlotForTest(ctx)
		if err != nil {
			t.Fatalf("slot %d: %v", i, err)
		}
		defer release()
	}
}

// qemuPID finds "pid N" in an error message.
func qemuPID(msg string, pid *int) (int, error) {
	_, rest, ok := strings.Cut(msg, "QEMU (pid ")
	if !ok {
		return 0, errors.New("no pid")
	}
	n := 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	*pid = n
	return 1, nil
}
