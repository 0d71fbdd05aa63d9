package testbed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// BusName is NetworkManager's well-known name.
const BusName = "org.freedesktop.NetworkManager"

// DefaultConfig is the NetworkManager.conf a test daemon gets unless the
// test gives its own: keyfile only, no polkit, no DNS or hostname changes,
// no connectivity checks, no auto-created default profiles.
const DefaultConfig = `[main]
plugins=keyfile
auth-polkit=false
dns=none
rc-manager=unmanaged
hostname-mode=none
systemd-resolved=false
no-auto-default=*

[connectivity]
enabled=false

[logging]
level=DEBUG
`

// TestHostname is the static host name test daemons start with.
const TestHostname = "gonm-testhost"

// DaemonOptions configures a daemon run.
type DaemonOptions struct {
	// Config is the text of NetworkManager.conf; DefaultConfig if empty.
	Config string
	// ConfD holds extra files for the conf.d directory, by file name.
	ConfD map[string]string
	// Args are extra command-line arguments.
	Args []string
	// Env adds environment variables ("K=V").
	Env []string
	// Dir reuses an existing state directory (for restart tests); a fresh
	// temporary one is made when empty.
	Dir string
	// NoWait returns right after starting, without waiting for the bus name.
	NoWait bool
	// Quiet keeps the daemon's log out of the test log (it is still
	// collected and shown if the daemon fails).
	Quiet bool
}

// Daemon is a running daemon process inside a namespace: gonm, or the
// reference NetworkManager.
type Daemon struct {
	NS *Netns
	// Dir holds all of the daemon's files; the paths below are inside it.
	Dir            string
	ConfigFile     string
	ConfigDir      string
	StateDir       string
	RunDir         string
	StateFile      string
	ConnectionsDir string
	// LibDir stands in for /usr/lib/NetworkManager, so the host's packaged
	// conf.d snippets do not leak into tests.
	LibDir string
	// HostnameFile is the daemon's /etc/hostname (the machine's own is
	// never touched); it starts as TestHostname.
	HostnameFile string
	PID          int

	name    string
	cmd     *exec.Cmd
	env     Env
	exited  chan struct{}
	waitErr error
	logMu   sync.Mutex
	log     strings.Builder
	logDone chan struct{}
	stopped bool
	quiet   bool
}

func newDaemonFiles(env Env, opts DaemonOptions) (*Daemon, error) {
	dir := opts.Dir
	if dir == "" {
		dir = TempDir(env)
	}
	d := &Daemon{
		Dir:            dir,
		ConfigFile:     filepath.Join(dir, "NetworkManager.conf"),
		ConfigDir:      filepath.Join(dir, "conf.d"),
		StateDir:       filepath.Join(dir, "lib"),
		RunDir:         filepath.Join(dir, "run"),
		StateFile:      filepath.Join(dir, "lib", "NetworkManager.state"),
		ConnectionsDir: filepath.Join(dir, "system-connections"),
		LibDir:         filepath.Join(dir, "usr-lib"),
		HostnameFile:   filepath.Join(dir, "hostname"),
		env:            env,
		exited:         make(chan struct{}),
		logDone:        make(chan struct{}),
		quiet:          opts.Quiet,
	}
	for _, p := range []string{d.ConfigDir, d.StateDir, d.RunDir, d.ConnectionsDir, filepath.Join(d.LibDir, "conf.d")} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(d.HostnameFile); os.IsNotExist(err) {
		if err := os.WriteFile(d.HostnameFile, []byte(TestHostname+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	conf := opts.Config
	if conf == "" {
		conf = DefaultConfig
	}
	// The keyfile directory is part of the configuration in NetworkManager.
	conf += "\n[keyfile]\npath=" + d.ConnectionsDir + "\n"
	if err := os.WriteFile(d.ConfigFile, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	for name, text := range opts.ConfD {
		if err := os.WriteFile(filepath.Join(d.ConfigDir, name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// StartDaemon starts gonm's daemon in ns, which must have a Bus, and waits
// until it owns its bus name. At cleanup it is stopped with SIGTERM; an
// unclean exit or a data race report fails the test.
func StartDaemon(env Env, ns *Netns, opts DaemonOptions) *Daemon {
	env.Helper()
	bin := Binary(env, "NetworkManager")
	d, err := newDaemonFiles(env, opts)
	if err != nil {
		env.Fatalf("testbed: daemon files: %v", err)
	}
	args := append([]string{bin, "--no-daemon", "--debug",
		"--config=" + d.ConfigFile,
		"--config-dir=" + d.ConfigDir,
		"--state-file=" + d.StateFile,
		"--state-dir=" + d.StateDir,
		"--run-dir=" + d.RunDir,
		"--lib-dir=" + d.LibDir,
		"--hostname-file=" + d.HostnameFile,
	}, opts.Args...)
	d.start(env, ns, "gonm", args, opts)
	return d
}

func (d *Daemon) start(env Env, ns *Netns, name string, argv []string, opts DaemonOptions) {
	env.Helper()
	if ns == nil {
		env.Fatalf("testbed: %v", ErrInitialNetns)
	}
	if err := checkNotInitial(ns.Path()); err != nil {
		env.Fatalf("testbed: %v", err)
	}
	if ns.Bus == nil {
		env.Fatalf("testbed: namespace %s has no bus; set ns.Bus = testbed.StartBus(...)", ns.Name)
	}
	d.NS, d.name = ns, name
	cmd := ns.Command(context.Background(), argv[0], argv[1:]...)
	cmd.Env = append(cmd.Env, opts.Env...)
	cmd.Env = append(cmd.Env, "GORACE=halt_on_error=0 exitcode=66")
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	// Own process group, so a terminal's ^C reaches only the test runner,
	// which then stops the daemon in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		env.Fatalf("testbed: start %s: %v", name, err)
	}
	d.cmd, d.PID = cmd, cmd.Process.Pid
	go d.collectLog(pr)
	go func() {
		d.waitErr = cmd.Wait()
		pw.Close()
		close(d.exited)
	}()
	env.Cleanup(func() { d.stopAndCheck() })
	if opts.NoWait {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ns.Bus.WaitName(ctx, BusName, d.exited); err != nil {
		<-d.logDoneOrTimeout()
		env.Fatalf("testbed: %s (pid %d) did not come up: %v\n%s", name, d.PID, err, d.Log())
	}
}

func (d *Daemon) logDoneOrTimeout() <-chan struct{} {
	select {
	case <-d.exited:
		return d.logDone
	default:
		ch := make(chan struct{})
		close(ch)
		return ch
	}
}

func (d *Daemon) collectLog(r io.Reader) {
	defer close(d.logDone)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		d.logMu.Lock()
		d.log.WriteString(line)
		d.log.WriteByte('\n')
		d.logMu.Unlock()
		if !d.quiet {
			d.env.Logf("[%s] %s", d.name, line)
		}
	}
}

// Log returns everything the daemon printed so far.
func (d *Daemon) Log() string {
	d.logMu.Lock()
	defer d.logMu.Unlock()
	return d.log.String()
}

// WaitLog waits until the daemon's log contains substr.
func (d *Daemon) WaitLog(substr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(d.Log(), substr) {
			return nil
		}
		select {
		case <-d.exited:
			if strings.Contains(d.Log(), substr) {
				return nil
			}
			return fmt.Errorf("%s exited before logging %q", d.name, substr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not log %q within %v", d.name, substr, timeout)
}

// Exited is closed when the process has exited.
func (d *Daemon) Exited() <-chan struct{} { return d.exited }

// Stop sends SIGTERM and waits for the exit. It returns an error for an
// exit status other than 0, a kill after the timeout, or a data race report.
func (d *Daemon) Stop() error {
	if d.stopped {
		return nil
	}
	d.stopped = true
	select {
	case <-d.exited:
		<-d.logDone
		return d.exitError("exited by itself")
	default:
	}
	killed := terminate(d.cmd.Process, d.exited, 20*time.Second)
	<-d.logDone
	if killed {
		return fmt.Errorf("%s (pid %d) did not exit within 20s of SIGTERM; killed", d.name, d.PID)
	}
	return d.exitError("after SIGTERM")
}

// Kill ends the daemon with SIGKILL, as a crash would, without checks.
func (d *Daemon) Kill() {
	if d.stopped {
		return
	}
	d.stopped = true
	_ = d.cmd.Process.Kill()
	<-d.exited
	<-d.logDone
}

func (d *Daemon) exitError(when string) error {
	if strings.Contains(d.Log(), "WARNING: DATA RACE") {
		return fmt.Errorf("%s reported a data race", d.name)
	}
	if d.waitErr != nil {
		var ee *exec.ExitError
		if errors.As(d.waitErr, &ee) {
			return fmt.Errorf("%s %s with %v", d.name, when, ee.ProcessState)
		}
		return fmt.Errorf("%s: %v", d.name, d.waitErr)
	}
	return nil
}

func (d *Daemon) stopAndCheck() {
	if err := d.Stop(); err != nil {
		d.env.Errorf("testbed: %v", err)
		if d.quiet {
			d.env.Logf("testbed: %s log:\n%s", d.name, d.Log())
		}
	}
}

// WaitExit waits for a daemon expected to exit by itself and returns its
// exit status (-1 if it was killed by a signal). The cleanup check is off
// for a daemon waited on this way.
func (d *Daemon) WaitExit(timeout time.Duration) (int, error) {
	d.stopped = true
	select {
	case <-d.exited:
	case <-time.After(timeout):
		_ = d.cmd.Process.Kill()
		<-d.exited
		<-d.logDone
		return -1, fmt.Errorf("%s did not exit within %v; killed", d.name, timeout)
	}
	<-d.logDone
	return d.cmd.ProcessState.ExitCode(), nil
}
