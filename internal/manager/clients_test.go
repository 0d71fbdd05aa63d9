package manager

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// run runs a client inside g's namespace and returns stdout and stderr.
func (g *gonm) run(t *testing.T, asUID int, env []string, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := g.ns.Command(ctx, name, args...)
	cmd.Env = append(cmd.Env, env...)
	if asUID != 0 {
		testbed.AsUser(cmd, asUID, asUID)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// Debian's nmcli works against gonm and says nothing on stderr.
func TestNmcli(t *testing.T) {
	if _, err := exec.LookPath("nmcli"); err != nil {
		t.Skip("nmcli not installed")
	}
	g := startGonm(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	g.waitStartup(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"general"}, []string{"STATE", "CONNECTIVITY", "disconnected", "unknown"}},
		{[]string{"-t", "-f", "all", "general"}, []string{"running:1.42.4:disconnected:started:unknown:enabled:"}},
		{[]string{"-t", "-f", "all", "general", "permissions"}, []string{
			"org.freedesktop.NetworkManager.checkpoint-rollback:yes\n",
			"org.freedesktop.NetworkManager.network-control:yes\n",
			"org.freedesktop.NetworkManager.wifi.share.protected:yes\n"}},
		{[]string{"general", "logging"}, []string{"LEVEL", "DOMAINS", "DEBUG", "PLATFORM,RFKILL,ETHER"}},
		{[]string{"-t", "device"}, []string{"lo:loopback:connected (externally):lo\n"}},
		{[]string{"general", "logging", "level", "INFO", "domains", "CORE"}, nil},
		{[]string{"-t", "general", "logging"}, []string{"INFO:CORE\n"}},
		{[]string{"networking"}, []string{"enabled"}},
		{[]string{"radio"}, []string{"WIFI-HW", "enabled"}},
		{[]string{"general", "reload"}, nil},
	} {
		out, errOut, err := g.run(t, 0, nil, "nmcli", tc.args...)
		if err != nil || errOut != "" {
			t.Errorf("nmcli %s: %v, stderr %q, stdout %q", strings.Join(tc.args, " "), err, errOut, out)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("nmcli %s: output lacks %q:\n%s", strings.Join(tc.args, " "), w, out)
			}
		}
	}
	// Switching networking off and on goes through Enable.
	for _, c := range [][]string{{"networking", "off"}, {"networking"}, {"networking", "on"}} {
		out, errOut, err := g.run(t, 0, nil, "nmcli", c...)
		if err != nil || errOut != "" {
			t.Errorf("nmcli %v: %v %q", c, err, errOut)
		}
		if len(c) == 1 && strings.TrimSpace(out) != "disabled" {
			t.Errorf("nmcli networking after off: %q", out)
		}
	}
}

// libnm (through PyGObject) bootstraps from gonm, lists devices and active
// connections and reads every property of its client object, which mirror
// the root object, with GLib warnings made fatal.
func TestLibnm(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("needs /usr/bin/python3 with gir1.2-nm-1.0")
	}
	g := startGonm(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	g.waitStartup(t)
	prog := `
import gi
gi.require_version("NM", "1.0")
from gi.repository import NM
c = NM.Client.new(None)
assert c.get_nm_running(), "NetworkManager not running"
print("version", c.get_version())
print("devices", len(c.get_devices()), len(c.get_all_devices()))
print("active", len(c.get_active_connections()))
print("connections", len(c.get_connections()))
print("dns", c.get_dns_mode(), c.get_dns_rc_manager(), len(c.get_dns_configuration()))
n = 0
for p in c.list_properties():
    c.get_property(p.name)
    n += 1
print("properties", n)
print("state", int(c.get_state()), "startup", c.get_startup(), "networking", c.networking_get_enabled())
# libnm asks GetPermissions in the background; wait for the answer.
from gi.repository import GLib
ctx = GLib.MainContext.default()
deadline = GLib.get_monotonic_time() + 20 * 1000000
GLib.timeout_add(50, lambda: True)
while c.get_permissions_state() != NM.Ternary.TRUE and GLib.get_monotonic_time() < deadline:
    ctx.iteration(True)
print("permissions", c.get_permission_result(NM.ClientPermission.NETWORK_CONTROL).value_nick,
      c.get_permission_result(NM.ClientPermission.WIFI_SCAN).value_nick)
print("hostname", c.props.hostname, "can-modify", c.props.can_modify)
`
	out, errOut, err := g.run(t, 0, []string{"G_DEBUG=fatal-warnings"}, "/usr/bin/python3", "-c", prog)
	if err != nil || errOut != "" {
		t.Fatalf("libnm: %v\nstderr:\n%s\nstdout:\n%s", err, errOut, out)
	}
	for _, w := range []string{"version 1.42.4", "devices 1 1", "active 1", "connections 1", "dns none unmanaged 0",
		"state 20 startup False networking True", "permissions yes yes", "hostname " + testbed.TestHostname + " can-modify True"} {
		if !strings.Contains(out, w) {
			t.Errorf("libnm output lacks %q:\n%s", w, out)
		}
	}
}
