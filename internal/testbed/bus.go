package testbed

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// Bus is a private dbus-daemon with a system-bus-like policy. Its socket
// lives in a temporary directory; processes in any network namespace reach
// it through the file system.
type Bus struct {
	// Address is the D-Bus address, as for DBUS_SYSTEM_BUS_ADDRESS.
	Address string
	PID     int
	Dir     string
	cmd     *exec.Cmd
	env     Env
	stopped bool
}

// BusOptions chooses which service policy files the bus reads.
type BusOptions struct {
	// Policies are extra policy files; gonm's own policy
	// (data/org.freedesktop.NetworkManager.conf) is always included.
	Policies []string
}

// NetworkManagerPolicy is Debian's policy file for the reference daemon.
const NetworkManagerPolicy = "/usr/share/dbus-1/system.d/org.freedesktop.NetworkManager.conf"

// StartBus starts a private bus, stopped (by PID) at cleanup.
func StartBus(env Env, opts BusOptions) *Bus {
	env.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		env.Skipf("testbed: dbus-daemon not installed")
	}
	root, err := repoRoot()
	if err != nil {
		env.Fatalf("testbed: %v", err)
	}
	tmpl, err := os.ReadFile(filepath.Join(root, "testdata/dbus/system-bus.conf.in"))
	if err != nil {
		env.Fatalf("testbed: bus config template: %v", err)
	}
	dir := TempDir(env)
	sock := filepath.Join(dir, "system_bus_socket")
	includes := []string{filepath.Join(root, "data/org.freedesktop.NetworkManager.conf")}
	includes = append(includes, opts.Policies...)
	var inc strings.Builder
	for _, p := range includes {
		fmt.Fprintf(&inc, "<include>%s</include>\n  ", p)
	}
	conf := strings.NewReplacer("@LISTEN@", "unix:path="+escapeAddress(sock), "@INCLUDES@", inc.String()).Replace(string(tmpl))
	confPath := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		env.Fatalf("testbed: %v", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		env.Fatalf("testbed: %v", err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+confPath, "--nofork", "--nopidfile", "--print-address=3")
	cmd.ExtraFiles = []*os.File{w}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		env.Fatalf("testbed: start dbus-daemon: %v", err)
	}
	w.Close()
	b := &Bus{PID: cmd.Process.Pid, Dir: dir, cmd: cmd, env: env}
	env.Cleanup(b.Stop)

	addrCh := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		addrCh <- strings.TrimSpace(line)
	}()
	select {
	case addr := <-addrCh:
		if addr == "" {
			env.Fatalf("testbed: dbus-daemon did not start: %s", stderr.String())
		}
		// Use the plain path form: it is what clients in other namespaces
		// and mount namespaces can resolve.
		b.Address = "unix:path=" + escapeAddress(sock)
	case <-time.After(20 * time.Second):
		env.Fatalf("testbed: dbus-daemon gave no address within 20s: %s", stderr.String())
	}
	return b
}

// escapeAddress escapes a value for a D-Bus address: bytes outside
// [-0-9A-Za-z_/.\\*] become %XX (test names, and so temporary paths, may
// contain '=' or ',').
func escapeAddress(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("-_/.\\*", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}

// Stop ends the dbus-daemon by PID. It is safe to call twice.
func (b *Bus) Stop() {
	if b.stopped {
		return
	}
	b.stopped = true
	exited := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(exited) }()
	terminate(b.cmd.Process, exited, 5*time.Second)
}

// Conn opens a private client connection to the bus, closed at cleanup.
func (b *Bus) Conn(env Env) *dbus.Conn {
	env.Helper()
	conn, err := dbus.Connect(b.Address)
	if err != nil {
		env.Fatalf("testbed: connect to private bus: %v", err)
	}
	env.Cleanup(func() { conn.Close() })
	return conn
}

// WaitName waits until name has an owner on the bus, or until ctx ends or
// exited is closed (the would-be owner died).
func (b *Bus) WaitName(ctx context.Context, name string, exited <-chan struct{}) error {
	conn, err := dbus.Connect(b.Address)
	if err != nil {
		return err
	}
	defer conn.Close()
	for {
		var has bool
		if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
			return err
		}
		if has {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not owned on the bus: %w", name, ctx.Err())
		case <-exited:
			return fmt.Errorf("process exited before owning %s", name)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
