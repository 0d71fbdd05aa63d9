package testbed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Debian's polkit daemon and its bus policy (which lets the polkitd user
// own org.freedesktop.PolicyKit1). A bus meant for polkitd must be started
// with PolkitPolicy among its Policies.
const (
	PolkitDaemon = "/usr/lib/polkit-1/polkitd"
	PolkitPolicy = "/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf"
	PolkitName   = "org.freedesktop.PolicyKit1"
)

// PolkitOptions configure a polkitd run.
type PolkitOptions struct {
	// Rules is JavaScript for polkitd's rules directory; the host's rules
	// are hidden, so these are the only ones.
	Rules string
	// Actions, when set, are the only action files polkitd sees (for
	// example gonm's data/org.freedesktop.NetworkManager.policy); by
	// default it reads the host's.
	Actions []string
}

// Polkit is a polkitd serving a private bus.
type Polkit struct {
	PID     int
	cmd     *exec.Cmd
	mu      sync.Mutex
	out     strings.Builder
	stopped bool
}

// StartPolkit runs Debian's polkitd on bus in a private mount namespace,
// with its rules (and optionally actions) replaced, and waits until it owns
// its name. It is stopped by PID at cleanup.
func StartPolkit(env Env, bus *Bus, opts PolkitOptions) *Polkit {
	env.Helper()
	RequireRoot(env)
	if _, err := os.Stat(PolkitDaemon); err != nil {
		env.Skipf("testbed: polkitd not installed (apt-get install polkitd): %v", err)
	}
	dir := TempDir(env)
	if err := os.WriteFile(filepath.Join(dir, "50-test.rules"), []byte(opts.Rules), 0o644); err != nil {
		env.Fatalf("testbed: %v", err)
	}
	script := "set -e; mount --make-rprivate /; " +
		"mount -t tmpfs tmpfs /etc/polkit-1/rules.d; mount -t tmpfs tmpfs /usr/share/polkit-1/rules.d; " +
		"cp " + shellQuote([]string{filepath.Join(dir, "50-test.rules")}) + " /etc/polkit-1/rules.d/; "
	if len(opts.Actions) > 0 {
		script += "mount -t tmpfs tmpfs /usr/share/polkit-1/actions; cp " + shellQuote(opts.Actions) + " /usr/share/polkit-1/actions/; "
	}
	script += "exec " + PolkitDaemon
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+bus.Address)
	p := &Polkit{cmd: cmd}
	cmd.Stdout = (*polkitLog)(p)
	cmd.Stderr = (*polkitLog)(p)
	if err := cmd.Start(); err != nil {
		env.Fatalf("testbed: start polkitd: %v", err)
	}
	p.PID = cmd.Process.Pid
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	env.Cleanup(func() { p.stop(exited) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bus.WaitName(ctx, PolkitName, exited); err != nil {
		env.Fatalf("testbed: polkitd did not come up: %v\n%s", err, p.Log())
	}
	return p
}

type polkitLog Polkit

func (l *polkitLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.out.Write(b)
}

// Log returns what polkitd printed (its rules may polkit.log()).
func (p *Polkit) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *Polkit) stop(exited chan struct{}) {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	p.mu.Unlock()
	terminate(p.cmd.Process, exited, 10*time.Second)
}

// AsUser returns cmd changed to run as uid/gid (with no supplementary
// groups) inside its namespace: `ip netns exec` needs root, so the switch
// happens after it, through setpriv.
func AsUser(cmd *exec.Cmd, uid, gid int) *exec.Cmd {
	args := cmd.Args
	// ip netns exec NS prog args... -> ip netns exec NS setpriv ... prog args...
	if len(args) >= 4 && filepath.Base(args[0]) == "ip" && args[1] == "netns" && args[2] == "exec" {
		na := append([]string{}, args[:4]...)
		na = append(na, "setpriv", fmt.Sprintf("--reuid=%d", uid), fmt.Sprintf("--regid=%d", gid), "--clear-groups")
		cmd.Args = append(na, args[4:]...)
		return cmd
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: false}
	return cmd
}

// Nobody is the unprivileged user tests call the daemon as.
const Nobody = 65534
