package manager

import (
	"encoding/xml"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/testbed"
)

var gdbusError = regexp.MustCompile(`GDBus\.Error:([A-Za-z0-9_.]+):`)

// gdbusAs calls a method with gdbus as the given user and returns the
// D-Bus error name ("" on success) and the output.
func (g *gonm) gdbusAs(t *testing.T, uid int, path, method string, args ...string) (string, string) {
	t.Helper()
	argv := append([]string{"call", "--system", "--dest", testbed.BusName, "--object-path", path, "--method", method}, args...)
	out, errOut, err := g.run(t, uid, nil, "gdbus", argv...)
	if err == nil {
		return "", out
	}
	if m := gdbusError.FindStringSubmatch(errOut); m != nil {
		return m[1], errOut
	}
	t.Fatalf("gdbus %s: %v: %s", method, err, errOut)
	return "", ""
}

// privileged lists every method and property write of the objects gonm
// exports that needs more than reading, with the error a caller without
// the permission gets: the daemon's PermissionDenied, or the bus's
// AccessDenied where the bus policy keeps non-root callers away (as
// NetworkManager's policy does).
var privileged = []struct {
	path, method string
	args         []string
	want         string
}{
	{"/org/freedesktop/NetworkManager", IfaceManager + ".Reload", []string{"0"}, bus.ManagerPermissionDenied},
	// As in NetworkManager, the arguments are checked before the caller:
	// these name lo's device, which has a profile available.
	{"/org/freedesktop/NetworkManager", IfaceManager + ".ActivateConnection", []string{"/", "/org/freedesktop/NetworkManager/Devices/1", "/"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".AddAndActivateConnection", []string{"{}", "/org/freedesktop/NetworkManager/Devices/1", "/"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".AddAndActivateConnection2", []string{"{}", "/org/freedesktop/NetworkManager/Devices/1", "/", "{}"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".DeactivateConnection", []string{"/org/freedesktop/NetworkManager/ActiveConnection/1"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager/Devices/1", "org.freedesktop.NetworkManager.Device.Disconnect", nil, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager/Devices/1", "org.freedesktop.NetworkManager.Device.Delete", nil, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager/Devices/1", "org.freedesktop.DBus.Properties.Set", []string{"org.freedesktop.NetworkManager.Device", "Managed", "<false>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager/Devices/1", "org.freedesktop.DBus.Properties.Set", []string{"org.freedesktop.NetworkManager.Device", "Autoconnect", "<false>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".Sleep", []string{"true"}, "org.freedesktop.DBus.Error.AccessDenied"},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".Enable", []string{"false"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".SetLogging", []string{"TRACE", "ALL"}, "org.freedesktop.DBus.Error.AccessDenied"},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".CheckConnectivity", nil, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".CheckpointCreate", []string{"@ao []", "0", "0"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".CheckpointDestroy", []string{"/"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".CheckpointRollback", []string{"/"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", IfaceManager + ".CheckpointAdjustRollbackTimeout", []string{"/", "1"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties.Set", []string{IfaceManager, "WirelessEnabled", "<false>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties.Set", []string{IfaceManager, "WwanEnabled", "<false>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties.Set", []string{IfaceManager, "WimaxEnabled", "<true>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties.Set", []string{IfaceManager, "ConnectivityCheckEnabled", "<true>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties.Set", []string{IfaceManager, "GlobalDnsConfiguration", "<@a{sv} {}>"}, bus.ManagerPermissionDenied},
	{"/org/freedesktop/NetworkManager/Settings", IfaceSettings + ".AddConnection", []string{"{'connection': {'id': <'authz'>, 'uuid': <'4e1f7c2a-9d3b-4a5e-8f60-1b2c3d4e5f60'>, 'type': <'802-3-ethernet'>}}"}, bus.SettingsPermissionDenied},
	{"/org/freedesktop/NetworkManager/Settings", IfaceSettings + ".AddConnectionUnsaved", []string{"{'connection': {'id': <'authz'>, 'uuid': <'4e1f7c2a-9d3b-4a5e-8f60-1b2c3d4e5f60'>, 'type': <'802-3-ethernet'>}}"}, bus.SettingsPermissionDenied},
	{"/org/freedesktop/NetworkManager/Settings", IfaceSettings + ".AddConnection2", []string{"{'connection': {'id': <'authz'>, 'uuid': <'4e1f7c2a-9d3b-4a5e-8f60-1b2c3d4e5f60'>, 'type': <'802-3-ethernet'>}}", "1", "{}"}, bus.SettingsPermissionDenied},
	{"/org/freedesktop/NetworkManager/Settings", IfaceSettings + ".SaveHostname", []string{"gonm-test"}, bus.SettingsPermissionDenied},
	{"/org/freedesktop/NetworkManager/Settings", IfaceSettings + ".LoadConnections", []string{"['/nonexistent']"}, "org.freedesktop.DBus.Error.AccessDenied"},
	{"/org/freedesktop/NetworkManager/Settings", IfaceSettings + ".ReloadConnections", nil, "org.freedesktop.DBus.Error.AccessDenied"},
}

// snapshot is what a refused caller must not change.
func (g *gonm) snapshot(t *testing.T) string {
	t.Helper()
	var all map[string]dbus.Variant
	if err := g.root.Call("org.freedesktop.DBus.Properties.GetAll", 0, IfaceManager).Store(&all); err != nil {
		t.Fatal(err)
	}
	var level, domains string
	if err := g.root.Call(IfaceManager+".GetLogging", 0).Store(&level, &domains); err != nil {
		t.Fatal(err)
	}
	var dev map[string]dbus.Variant
	if err := g.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/Devices/1").Call("org.freedesktop.DBus.Properties.GetAll", 0, "org.freedesktop.NetworkManager.Device").Store(&dev); err != nil {
		t.Fatal(err)
	}
	st, _ := os.ReadFile(g.d.StateFile)
	return dbus.MakeVariant(all).String() + "|" + dbus.MakeVariant(dev).String() + "|" + level + "|" + domains + "|" + string(st)
}

// A real non-root caller (uid nobody) can read everything and is refused
// every privileged method and property write; nothing changes.
func TestNonRootCallerIsRefused(t *testing.T) {
	for _, mode := range []string{"root-only", "true"} {
		t.Run("auth-polkit="+mode, func(t *testing.T) {
			// With auth-polkit=true and no polkit on the bus the questions
			// cannot be asked, which refuses as well.
			g := startGonm(t, testbed.DaemonOptions{Quiet: true, ConfD: map[string]string{"auth.conf": "[main]\nauth-polkit=" + mode + "\n"}}, testbed.BusOptions{})
			g.waitStartup(t)
			before := g.snapshot(t)
			for _, p := range privileged {
				name, out := g.gdbusAs(t, testbed.Nobody, p.path, p.method, p.args...)
				if name != p.want {
					t.Errorf("%s %v as nobody: %q (%s), want %s", p.method, p.args, name, strings.TrimSpace(out), p.want)
				}
			}
			if after := g.snapshot(t); after != before {
				t.Errorf("refused calls changed the daemon:\nbefore %s\nafter  %s", before, after)
			}
			// Reads work.
			for _, m := range []string{IfaceManager + ".GetDevices", IfaceManager + ".GetAllDevices", IfaceManager + ".GetLogging", IfaceManager + ".state"} {
				if name, out := g.gdbusAs(t, testbed.Nobody, "/org/freedesktop/NetworkManager", m); name != "" {
					t.Errorf("%s as nobody: %s", m, out)
				}
			}
			if name, out := g.gdbusAs(t, testbed.Nobody, "/org/freedesktop", "org.freedesktop.DBus.ObjectManager.GetManagedObjects"); name != "" ||
				!strings.Contains(out, "'Version': <'1.42.4'>") {
				t.Errorf("GetManagedObjects as nobody: %s %s", name, out)
			}
			out, errOut, err := g.run(t, testbed.Nobody, nil, "nmcli", "-t", "-f", "all", "general", "permissions")
			if err != nil || errOut != "" {
				t.Fatalf("nmcli permissions as nobody: %v %q", err, errOut)
			}
			want := "no"
			if mode == "true" {
				want = "unknown"
			}
			for _, p := range auth.Permissions {
				if !strings.Contains(out, p+":"+want+"\n") {
					t.Errorf("nmcli permissions as nobody: %s is not %q:\n%s", p, want, out)
				}
			}
			if out, errOut, err := g.run(t, testbed.Nobody, nil, "nmcli", "general"); err != nil || errOut != "" || !strings.Contains(out, "disconnected") {
				t.Errorf("nmcli general as nobody: %v %q %q", err, errOut, out)
			}
		})
	}
}

// The rules polkitd gets: for nobody, enabling/disabling networking is
// allowed, reloading needs authentication, everything else falls back to
// the defaults of gonm's actions file.
const polkitRules = `polkit.addRule(function(action, subject) {
  if (subject.user != "nobody") return polkit.Result.NOT_HANDLED;
  if (action.id == "org.freedesktop.NetworkManager.enable-disable-network") return polkit.Result.YES;
  if (action.id == "org.freedesktop.NetworkManager.reload") return polkit.Result.AUTH_ADMIN;
  return polkit.Result.NOT_HANDLED;
});`

// policyDefaults reads allow_any of every action of the actions file, as
// GetPermissions answers for a caller outside any session.
func policyDefaults(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pc struct {
		Actions []struct {
			ID       string `xml:"id,attr"`
			AllowAny string `xml:"defaults>allow_any"`
		} `xml:"action"`
	}
	if err := xml.Unmarshal(data, &pc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range pc.Actions {
		switch {
		case a.AllowAny == "yes":
			out[a.ID] = "yes"
		case strings.HasPrefix(a.AllowAny, "auth_"):
			out[a.ID] = "auth"
		default:
			out[a.ID] = "no"
		}
	}
	return out
}

// With auth-polkit=true, Debian's polkitd (on the private bus, with test
// rules and gonm's actions file) decides: "yes" lets the call through,
// "auth" (a challenge no agent answers) and "no" refuse it, and
// GetPermissions shows all three.
func TestPolkitDecides(t *testing.T) {
	g := startGonm(t, testbed.DaemonOptions{Quiet: true, ConfD: map[string]string{"auth.conf": "[main]\nauth-polkit=true\n"}},
		testbed.BusOptions{Policies: []string{testbed.PolkitPolicy}})
	sigs := make(chan *dbus.Signal, 20)
	g.conn.Signal(sigs)
	if err := g.conn.AddMatchSignal(dbus.WithMatchObjectPath(bus.PathManager), dbus.WithMatchMember("CheckPermissions")); err != nil {
		t.Fatal(err)
	}
	const actions = "../../data/org.freedesktop.NetworkManager.policy"
	testbed.StartPolkit(t, g.ns.Bus, testbed.PolkitOptions{Rules: polkitRules, Actions: []string{actions}})
	// The daemon tells clients to ask again once polkit is there.
	waitSignal(t, sigs, IfaceManager+".CheckPermissions", func(*dbus.Signal) bool { return true })

	want := policyDefaults(t, actions)
	want[auth.EnableDisableNetwork] = "yes"
	want[auth.Reload] = "auth"
	out, errOut, err := g.run(t, testbed.Nobody, nil, "nmcli", "-t", "-f", "all", "general", "permissions")
	if err != nil || errOut != "" {
		t.Fatalf("nmcli permissions: %v %q", err, errOut)
	}
	seen := map[string]bool{}
	for _, p := range auth.Permissions {
		if !strings.Contains(out, p+":"+want[p]+"\n") {
			t.Errorf("permission %s: want %q in\n%s", p, want[p], out)
		}
		seen[want[p]] = true
	}
	if !seen["yes"] || !seen["auth"] || !seen["no"] {
		t.Errorf("the test should see all three answers, saw %v", seen)
	}
	// "yes": the call goes through.
	if name, out := g.gdbusAs(t, testbed.Nobody, "/org/freedesktop/NetworkManager", IfaceManager+".Enable", "false"); name != "" {
		t.Fatalf("Enable(false) allowed by polkit failed: %s", out)
	}
	if v := g.prop(t, "NetworkingEnabled"); v != false {
		t.Errorf("NetworkingEnabled = %v after an allowed Enable(false)", v)
	}
	// "auth" and "no": refused.
	if name, _ := g.gdbusAs(t, testbed.Nobody, "/org/freedesktop/NetworkManager", IfaceManager+".Reload", "0"); name != bus.ManagerPermissionDenied {
		t.Errorf("Reload needing authentication: %q", name)
	}
	if name, _ := g.gdbusAs(t, testbed.Nobody, "/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Properties.Set",
		IfaceManager, "WirelessEnabled", "<false>"); name != bus.ManagerPermissionDenied {
		t.Errorf("WirelessEnabled refused by polkit: %q", name)
	}
	if v := g.prop(t, "WirelessEnabled"); v != true {
		t.Errorf("WirelessEnabled changed by a refused write: %v", v)
	}
	// Root is never asked about.
	if err := g.root.Call(IfaceManager+".Enable", 0, true).Err; err != nil {
		t.Errorf("Enable as root: %v", err)
	}
}
