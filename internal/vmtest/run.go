package vmtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gonm/gonm/internal/vmtest/guestjob"
)

// QEMU is the emulator the tier needs (Debian package qemu-system-x86).
const QEMU = "qemu-system-x86_64"

// MaxGuests is how many guests run at once on this machine, across all
// processes: each keeps one core busy under TCG.
const MaxGuests = 2

// Available reports whether guests can be booted here, with the reason
// when they cannot. It checks what can be checked without building the
// image.
func Available() (bool, string) {
	switch strings.ToLower(os.Getenv("GONM_VM")) {
	case "off", "0", "no", "false":
		return false, "GONM_VM=off"
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return false, "the kernel VM tier runs on linux/amd64 only"
	}
	if _, err := exec.LookPath(QEMU); err != nil {
		return false, QEMU + " not found (apt-get install qemu-system-x86)"
	}
	for _, tool := range []string{"apt-get", "apt-cache", "dpkg-deb", "xz", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return false, tool + " not found; the image is built from Debian packages"
		}
	}
	return true, ""
}

// Share is a host directory the guest sees at GuestPath over 9p.
type Share struct {
	HostPath  string
	GuestPath string
	ReadOnly  bool
}

// RunOptions describe one guest run.
type RunOptions struct {
	Image *Image
	// Argv, Env and Dir are the job, as paths in the guest.
	Argv []string
	Env  []string
	Dir  string
	// Shares are mounted before the job starts.
	Shares []Share
	// Timeout bounds the whole run, boot included (10 minutes if zero).
	// The job gets SIGQUIT inside the guest somewhat earlier, so that a
	// hung Go test prints its goroutines before QEMU is killed.
	Timeout time.Duration
	// JobTimeout, if set, bounds the job from its start in the guest
	// instead (it must leave the guest time to report before Timeout).
	JobTimeout time.Duration
	// Output receives the job's output as it is written.
	Output io.Writer
	// Console, when set, receives the guest's console (kernel messages
	// and the init's lines); the last lines are kept for errors anyway.
	Console io.Writer
	// MemoryMB is the guest's memory (1024 if zero).
	MemoryMB int
}

// Result is how a run ended.
type Result struct {
	ExitCode int
	// Boot is the time from starting QEMU until the job started.
	Boot time.Duration
	// Total is the time from starting QEMU until it exited.
	Total time.Duration
	// Status is what the guest reported.
	Status guestjob.Status
}

// Run boots a guest, runs the job and returns its exit status. An error
// means the job's status is unknown: the guest could not be started, did
// not finish in time (QEMU is then killed), or ended without reporting.
// Nothing Run started is left running when it returns.
func Run(ctx context.Context, opts RunOptions) (*Result, error) {
	if opts.Image == nil {
		return nil, errors.New("vmtest.Run: no image")
	}
	if len(opts.Argv) == 0 {
		return nil, errors.New("vmtest.Run: no command")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	mem := opts.MemoryMB
	if mem <= 0 {
		mem = 1024
	}
	output := opts.Output
	if output == nil {
		output = io.Discard
	}

	release, err := acquireSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()

	runDir, err := os.MkdirTemp("", "gonm-vm-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(runDir)
	// Leave time for the goroutine dump and the power-off.
	jobTimeout := max(timeout-20*time.Second, timeout*3/4)
	if opts.JobTimeout > 0 {
		jobTimeout = opts.JobTimeout
	}
	job := guestjob.Job{Argv: opts.Argv, Env: opts.Env, Dir: opts.Dir, TimeoutMillis: jobTimeout.Milliseconds()}
	args := qemuArgs(opts.Image, mem)
	args = append(args, virtfs(guestjob.RunTag, runDir, false)...)
	for i, s := range opts.Shares {
		tag := "gonm" + strconv.Itoa(i)
		job.Shares = append(job.Shares, guestjob.Share{Tag: tag, Path: s.GuestPath, ReadOnly: s.ReadOnly})
		args = append(args, virtfs(tag, s.HostPath, s.ReadOnly)...)
	}
	jb, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(runDir, guestjob.JobFile), jb, 0o644); err != nil {
		return nil, err
	}

	con := newConsole(opts.Console)
	start := time.Now()
	q, err := startQEMU(args, con)
	if err != nil {
		con.wait()
		return nil, err
	}
	res := &Result{ExitCode: -1}
	tail := &fileTail{path: filepath.Join(runDir, guestjob.OutputFile), w: output}
	statusPath := filepath.Join(runDir, guestjob.StatusFile)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var runErr error
loop:
	for {
		select {
		case <-q.done:
			break loop
		case <-tick.C:
			tail.poll()
			if res.Boot == 0 {
				if b, err := os.ReadFile(statusPath); err == nil && guestjob.ParseStatus(string(b)).Started {
					res.Boot = time.Since(start)
				}
			}
		case <-deadline.C:
			q.kill()
			runErr = fmt.Errorf("kernel VM: the guest did not finish within %v; QEMU (pid %d) was killed%s", timeout, q.pid, con.tailText())
			break loop
		case <-ctx.Done():
			q.kill()
			runErr = fmt.Errorf("kernel VM: %w; QEMU (pid %d) was killed", ctx.Err(), q.pid)
			break loop
		}
	}
	<-q.done
	con.wait()
	tail.poll()
	res.Total = time.Since(start)
	b, _ := os.ReadFile(statusPath)
	res.Status = guestjob.ParseStatus(string(b))
	if st := res.Status; res.Boot == 0 && st.Started && st.Exited && st.ExitUptime >= st.StartUptime {
		// The job ended between two polls: what the guest spent on it
		// is known, the rest was boot (and the short power-off).
		res.Boot = res.Total - time.Duration((st.ExitUptime-st.StartUptime)*float64(time.Second))
	}
	if runErr != nil {
		return res, runErr
	}
	switch st := res.Status; {
	case st.Error != "":
		return res, fmt.Errorf("kernel VM: the guest could not run the job: %s%s", st.Error, con.tailText())
	case st.TimedOut && !st.Exited:
		return res, fmt.Errorf("kernel VM: the job did not finish within %v and was killed in the guest%s", time.Duration(job.TimeoutMillis)*time.Millisecond, con.tailText())
	case !st.Exited:
		return res, fmt.Errorf("kernel VM: the guest stopped (QEMU %v) without reporting the job's status%s", q.waitErr, con.tailText())
	}
	res.ExitCode = res.Status.ExitCode
	if res.Status.TimedOut {
		return res, fmt.Errorf("kernel VM: the job did not finish within %v (exit status %d after SIGQUIT)", time.Duration(job.TimeoutMillis)*time.Millisecond, res.ExitCode)
	}
	return res, nil
}

// qemuArgs is the machine: TCG (the only accelerator that boots a stock
// kernel here), one vCPU (two were slower under TCG), no network card, the
// serial console on standard output, and a direct kernel boot.
func qemuArgs(img *Image, memMB int) []string {
	return []string{
		"-nodefaults", "-no-user-config", "-nographic",
		"-machine", "pc", "-accel", "tcg", "-cpu", "max",
		"-smp", "1", "-m", strconv.Itoa(memMB),
		"-nic", "none", "-vga", "none", "-monitor", "none",
		"-serial", "stdio", "-no-reboot",
		"-kernel", img.Kernel, "-initrd", img.Initramfs,
		"-append", "console=ttyS0 quiet panic=-1 8250.nr_uarts=1 rdinit=/init",
	}
}

func virtfs(tag, path string, readOnly bool) []string {
	spec := "local,path=" + path + ",mount_tag=" + tag + ",security_model=none"
	if readOnly {
		spec += ",readonly=on"
	}
	return []string{"-virtfs", spec}
}

// qemuProc is a running QEMU.
type qemuProc struct {
	pid     int
	done    chan struct{}
	killCh  chan struct{}
	once    sync.Once
	waitErr error
}

// startQEMU starts QEMU from a goroutine locked to its OS thread for
// QEMU's whole life: the parent-death signal (which ends QEMU if the test
// process dies) is tied to the thread that started it, and Go may end an
// idle thread otherwise.
func startQEMU(args []string, con *consoleBuf) (*qemuProc, error) {
	q := &qemuProc{done: make(chan struct{}), killCh: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		cmd := exec.Command(QEMU, args...)
		cmd.Stdin = nil
		cmd.Stdout = con
		cmd.Stderr = con
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- fmt.Errorf("start %s: %w", QEMU, err)
			close(q.done)
			return
		}
		q.pid = cmd.Process.Pid
		started <- nil
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case q.waitErr = <-waited:
		case <-q.killCh:
			_ = cmd.Process.Kill()
			q.waitErr = <-waited
		}
		close(q.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return q, nil
}

func (q *qemuProc) kill() { q.once.Do(func() { close(q.killCh) }) }

// consoleBuf collects the guest console: it passes it on and keeps the
// last lines for error messages.
type consoleBuf struct {
	mu    sync.Mutex
	out   io.Writer
	pw    *io.PipeWriter
	lines []string
	done  chan struct{}
}

const consoleKeep = 40

func newConsole(out io.Writer) *consoleBuf {
	pr, pw := io.Pipe()
	c := &consoleBuf{out: out, pw: pw, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			c.mu.Lock()
			c.lines = append(c.lines, line)
			if len(c.lines) > consoleKeep {
				c.lines = c.lines[len(c.lines)-consoleKeep:]
			}
			c.mu.Unlock()
			if c.out != nil {
				fmt.Fprintln(c.out, line)
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return c
}

func (c *consoleBuf) Write(p []byte) (int, error) { return c.pw.Write(p) }

// wait ends the console once QEMU has exited.
func (c *consoleBuf) wait() {
	c.pw.Close()
	<-c.done
}

func (c *consoleBuf) tailText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.lines) == 0 {
		return " (the guest console printed nothing)"
	}
	return "; last guest console lines:\n\t" + strings.Join(c.lines, "\n\t")
}

// fileTail copies what is appended to a file to w.
type fileTail struct {
	path string
	off  int64
	w    io.Writer
}

func (t *fileTail) poll() {
	f, err := os.Open(t.path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(t.off, io.SeekStart); err != nil {
		return
	}
	n, _ := io.Copy(t.w, f)
	t.off += n
}
