// Command guestinit is PID 1 of the kernel VM guest. It mounts the kernel's
// file systems, loads the modules the image lists (with finit_module, one
// process for all of them: starting processes is what costs most under
// emulation), mounts the host's 9p shares, runs the one job the host
// described, reports its exit status and powers the machine off. It talks
// to the host only through the files of internal/vmtest/guestjob and the
// serial console, and imports nothing else of gonm.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonm/gonm/internal/vmtest/guestjob"
	"golang.org/x/sys/unix"
)

const moduleList = "/etc/gonm-vm/modules"

func main() {
	console()
	status := func(string) {}
	defer powerOff()
	if err := mountBase(); err != nil {
		logf("mount: %v", err)
		return
	}
	_ = unix.Sethostname([]byte("gonm-vm"))
	// Tunnel modules (ip_gre) would otherwise add their fallback devices
	// (gre0, gretap0, erspan0) to every new namespace, which tests that
	// list a namespace's links do not expect.
	_ = os.WriteFile("/proc/sys/net/core/fb_tunnels_only_for_init_net", []byte("2"), 0o644)
	t0 := time.Now()
	loaded, failed := loadModules()
	modSecs := time.Since(t0).Seconds()

	if err := mount9p(guestjob.RunTag, guestjob.RunDir, false); err != nil {
		logf("no run directory shared by the host (%v); nothing to do", err)
		return
	}
	sf, err := os.OpenFile(filepath.Join(guestjob.RunDir, guestjob.StatusFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		logf("open status file: %v", err)
		return
	}
	defer sf.Close()
	status = func(s string) { _, _ = sf.WriteString(s) }
	status(guestjob.FormatBoot(uptime(), modSecs, loaded, failed))

	job, err := readJob()
	if err != nil {
		status(guestjob.FormatError(err.Error()))
		return
	}
	for _, s := range job.Shares {
		if err := mount9p(s.Tag, s.Path, s.ReadOnly); err != nil {
			status(guestjob.FormatError(fmt.Sprintf("mount share %s at %s: %v", s.Tag, s.Path, err)))
			return
		}
	}
	runJob(job, status)
	unix.Sync()
}

// console makes /dev/console init's standard streams even if the kernel
// could not open it (it is in the image, but be safe).
func console() {
	if _, err := unix.FcntlInt(1, unix.F_GETFD, 0); err == nil {
		return
	}
	_ = os.MkdirAll("/dev", 0o755)
	_ = unix.Mount("devtmpfs", "/dev", "devtmpfs", 0, "")
	if fd, err := unix.Open("/dev/console", unix.O_RDWR, 0); err == nil {
		for i := 0; i < 3; i++ {
			_ = unix.Dup2(fd, i)
		}
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stdout, "gonm-vm: "+format+"\n", args...)
}

func mountBase() error {
	mounts := []struct {
		src, dst, fstype string
		flags            uintptr
		data             string
	}{
		{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
		{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
		{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755"},
		{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "gid=5,mode=620,ptmxmode=666"},
		{"tmpfs", "/dev/shm", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777"},
		{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755"},
	}
	for _, m := range mounts {
		if err := os.MkdirAll(m.dst, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.dst, m.fstype, m.flags, m.data); err != nil && err != unix.EBUSY {
			return fmt.Errorf("%s on %s: %w", m.fstype, m.dst, err)
		}
	}
	return nil
}

// loadModules loads every module of the image's list in order. A module
// that fails is reported on the console and counted; the tests that need
// it then fail with the kernel's own answer.
func loadModules() (loaded, failed int) {
	f, err := os.Open(moduleList)
	if err != nil {
		logf("module list: %v", err)
		return 0, 1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		path, params, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if path == "" {
			continue
		}
		if err := loadModule(path, strings.TrimSpace(params)); err != nil {
			logf("load %s: %v", filepath.Base(path), err)
			failed++
			continue
		}
		loaded++
	}
	return loaded, failed
}

func loadModule(path, params string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.FinitModule(fd, params, 0); err != nil && err != unix.EEXIST {
		return err
	}
	return nil
}

func mount9p(tag, dir string, readOnly bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Read-only shares hold programs and sources that do not change while
	// the guest runs: caching them saves a 9p round trip per page.
	opts := "trans=virtio,version=9p2000.L,msize=262144"
	var flags uintptr
	if readOnly {
		flags |= unix.MS_RDONLY
		opts += ",cache=loose"
	}
	return unix.Mount(tag, dir, "9p", flags, opts)
}

func readJob() (*guestjob.Job, error) {
	b, err := os.ReadFile(filepath.Join(guestjob.RunDir, guestjob.JobFile))
	if err != nil {
		return nil, fmt.Errorf("read job: %w", err)
	}
	var j guestjob.Job
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("parse job: %w", err)
	}
	if len(j.Argv) == 0 {
		return nil, fmt.Errorf("job has no command")
	}
	return &j, nil
}

// runJob starts the job in its own session and reaps every child that
// ends (PID 1 inherits all orphans) until the job itself has ended.
func runJob(job *guestjob.Job, status func(string)) {
	out, err := os.OpenFile(filepath.Join(guestjob.RunDir, guestjob.OutputFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		status(guestjob.FormatError("open output: " + err.Error()))
		return
	}
	defer out.Close()
	devnull, err := os.Open("/dev/null")
	if err != nil {
		status(guestjob.FormatError(err.Error()))
		return
	}
	defer devnull.Close()
	dir := job.Dir
	if dir == "" {
		dir = "/"
	}
	status(guestjob.FormatStart(uptime()))
	pid, err := syscall.ForkExec(job.Argv[0], job.Argv, &syscall.ProcAttr{
		Dir:   dir,
		Env:   job.Env,
		Files: []uintptr{devnull.Fd(), out.Fd(), out.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		status(guestjob.FormatError(fmt.Sprintf("start %s: %v", job.Argv[0], err)))
		return
	}
	exited := make(chan int, 1)
	go reap(pid, exited)
	var timeout <-chan time.Time
	if job.TimeoutMillis > 0 {
		timeout = time.After(time.Duration(job.TimeoutMillis) * time.Millisecond)
	}
	select {
	case code := <-exited:
		status(guestjob.FormatExit(code, uptime()))
	case <-timeout:
		status(guestjob.TimeoutLine)
		logf("job timed out; sending SIGQUIT to its processes")
		_ = unix.Kill(-pid, unix.SIGQUIT)
		select {
		case code := <-exited:
			status(guestjob.FormatExit(code, uptime()))
		case <-time.After(10 * time.Second):
			_ = unix.Kill(-pid, unix.SIGKILL)
		}
	}
}

func reap(job int, exited chan<- int) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return
		}
		if pid == job {
			code := ws.ExitStatus()
			if ws.Signaled() {
				code = 128 + int(ws.Signal())
			}
			exited <- code
		}
	}
}

func uptime() float64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// powerOff ends every remaining process and switches the machine off;
// QEMU then exits.
func powerOff() {
	_ = unix.Kill(-1, unix.SIGKILL)
	unix.Sync()
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	// Should power-off fail, a panic of PID 1 reboots, which QEMU's
	// -no-reboot turns into an exit.
	os.Exit(1)
}
