package testbed

import (
	"bytes"
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

// Peer is a server process (dnsmasq, radvd) running in a peer namespace,
// stopped by PID at cleanup.
type Peer struct {
	Name string
	Dir  string // its files (config, leases, pid)
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

// Output is everything the process printed so far.
func (p *Peer) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

type lockedWriter struct{ p *Peer }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.out.Write(b)
}

// Stop ends the process (SIGTERM, then SIGKILL after 5 s) and waits.
func (p *Peer) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	terminate(p.cmd.Process, p.done, 5*time.Second)
}

// Exited is closed when the process ended.
func (p *Peer) Exited() <-chan struct{} { return p.done }

func startPeer(env Env, ns *Netns, name string, dir string, argv []string) *Peer {
	env.Helper()
	p := &Peer{Name: name, Dir: dir, done: make(chan struct{})}
	p.cmd = ns.Command(context.Background(), argv[0], argv[1:]...)
	p.cmd.Stdout = lockedWriter{p}
	p.cmd.Stderr = lockedWriter{p}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		env.Fatalf("testbed: start %s: %v", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	env.Cleanup(func() {
		p.Stop()
		if env.Failed() {
			env.Logf("testbed: %s output:\n%s", name, p.Output())
		}
	})
	return p
}

// DnsmasqBinary is Debian's dnsmasq (package dnsmasq-base).
const DnsmasqBinary = "/usr/sbin/dnsmasq"

// RequireDnsmasq skips the test when dnsmasq is missing.
func RequireDnsmasq(env Env) {
	env.Helper()
	if _, err := os.Stat(DnsmasqBinary); err != nil {
		env.Skipf("testbed: dnsmasq not installed (apt-get install dnsmasq-base): %v", err)
	}
}

// StartDnsmasq runs dnsmasq as a DHCP server only (no DNS) on iface in ns,
// in the foreground, with its lease file in a temporary folder
// (p.Dir/leases). args are extra dnsmasq options ("--dhcp-range=...").
// It waits until dnsmasq listens.
func StartDnsmasq(env Env, ns *Netns, iface string, args ...string) *Peer {
	env.Helper()
	RequireDnsmasq(env)
	dir := TempDir(env)
	argv := []string{DnsmasqBinary, "--keep-in-foreground", "--conf-file=/dev/null",
		"--no-resolv", "--no-hosts", "--port=0", "--user=root", "--group=root",
		"--interface=" + iface, "--bind-interfaces", "--except-interface=lo",
		"--dhcp-leasefile=" + filepath.Join(dir, "leases"),
		"--pid-file=" + filepath.Join(dir, "dnsmasq.pid"),
		"--log-dhcp", "--log-facility=-", "--dhcp-authoritative"}
	argv = append(argv, args...)
	p := startPeer(env, ns, "dnsmasq", dir, argv)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(p.Output(), "DHCP, ") || strings.Contains(p.Output(), "started") {
			return p
		}
		select {
		case <-p.done:
			env.Fatalf("testbed: dnsmasq exited: %s", p.Output())
		case <-time.After(20 * time.Millisecond):
		}
	}
	env.Fatalf("testbed: dnsmasq did not start: %s", p.Output())
	return nil
}

// RadvdBinary is Debian's radvd.
const RadvdBinary = "/usr/sbin/radvd"

// RequireRadvd skips the test when radvd is missing.
func RequireRadvd(env Env) {
	env.Helper()
	if _, err := os.Stat(RadvdBinary); err != nil {
		env.Skipf("testbed: radvd not installed (apt-get install radvd): %v", err)
	}
}

// StartRadvd runs radvd in ns with the given configuration text, in the
// foreground. radvd refuses to run unless IPv6 forwarding is on, so it is
// switched on inside ns (never in the initial namespace).
func StartRadvd(env Env, ns *Netns, config string) *Peer {
	env.Helper()
	RequireRadvd(env)
	dir := TempDir(env)
	conf := filepath.Join(dir, "radvd.conf")
	if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
		env.Fatalf("testbed: %v", err)
	}
	ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1")
	argv := []string{RadvdBinary, "--nodaemon", "--config=" + conf,
		"--pidfile=" + filepath.Join(dir, "radvd.pid"), "--logmethod=stderr", "--debug=1"}
	p := startPeer(env, ns, "radvd", dir, argv)
	time.Sleep(100 * time.Millisecond)
	select {
	case <-p.done:
		env.Fatalf("testbed: radvd exited: %s", p.Output())
	default:
	}
	return p
}

// WaitFile waits until path exists and contains substr.
func WaitFile(path, substr string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		b, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(b), substr) {
			return string(b), nil
		}
		if time.Now().After(deadline) {
			return string(b), fmt.Errorf("%s does not contain %q after %v", path, substr, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
