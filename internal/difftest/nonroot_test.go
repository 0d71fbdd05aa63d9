package difftest

import (
	"os"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// For nobody, polkit grants changing one's own profiles and refuses
// system-wide ones; everything else follows the installed actions file
// (challenges nobody can answer).
const settingsPolkitRules = `polkit.addRule(function(action, subject) {
  if (subject.user != "nobody") return polkit.Result.NOT_HANDLED;
  if (action.id == "org.freedesktop.NetworkManager.settings.modify.own") return polkit.Result.YES;
  if (action.id == "org.freedesktop.NetworkManager.settings.modify.system") return polkit.Result.NO;
  return polkit.Result.NOT_HANDLED;
});`

// A caller who is not root is refused by gonm exactly as by
// NetworkManager 1.42 (same bus policy, polkit with the same rules): by
// polkit for system-wide profiles and the host name, by
// connection.permissions for profiles of other users, by the bus policy
// for reloading; and allowed what polkit and the profile's permissions
// let it do.
func TestNonRootSettingsMatchReference(t *testing.T) {
	keyfile.Owner = os.Getuid()
	ref, gonm := twinSides(t, testbed.DaemonOptions{ConfD: map[string]string{"auth.conf": "[main]\nauth-polkit=true\n"}},
		testbed.BusOptions{Policies: []string{testbed.PolkitPolicy}})
	rootOnly := map[*side]dbus.ObjectPath{}
	for _, s := range []*side{ref, gonm} {
		testbed.StartPolkit(t, s.ns.Bus, testbed.PolkitOptions{Rules: settingsPolkitRules})
		if _, err := addConnection(s.conn, setting.Dict{"connection": sdict{"id": v("system profile"), "uuid": v(u(70)), "type": v("802-3-ethernet"),
			"interface-name": v("eth9"), "autoconnect": v(false)}}); err != nil {
			t.Fatal(err)
		}
		p, err := addConnection(s.conn, setting.Dict{"connection": sdict{"id": v("root only"), "uuid": v(u(71)), "type": v("802-3-ethernet"),
			"interface-name": v("eth8"), "permissions": v([]string{"user:root"}), "autoconnect": v(false)}})
		if err != nil {
			t.Fatal(err)
		}
		rootOnly[s] = p
	}
	norm := map[*side]*normalizer{ref: newNormalizer(ref), gonm: newNormalizer(gonm)}
	steps := [][]string{
		{"-t", "-f", "NAME,TYPE", "connection", "show"},
		{"connection", "show", "system profile"},
		{"connection", "show", "root only"},
		{"connection", "add", "type", "ethernet", "con-name", "nobody's", "ifname", "eth7", "connection.autoconnect", "no"},
		{"connection", "add", "type", "ethernet", "con-name", "mine", "ifname", "eth6", "connection.autoconnect", "no", "connection.permissions", "nobody"},
		{"connection", "add", "type", "ethernet", "con-name", "for root", "ifname", "eth5", "connection.permissions", "root"},
		{"connection", "add", "type", "ethernet", "con-name", "for two", "ifname", "eth4", "connection.permissions", "nobody,root"},
		{"connection", "modify", "mine", "ipv4.method", "manual", "ipv4.addresses", "192.0.2.3/24"},
		{"connection", "modify", "mine", "connection.permissions", "nobody,root"},
		{"connection", "modify", "mine", "connection.permissions", "root"},
		{"connection", "modify", "system profile", "ipv4.method", "disabled"},
		{"connection", "modify", "root only", "ipv4.method", "disabled"},
		{"connection", "delete", "system profile"},
		{"connection", "reload"},
		{"connection", "load", "{DIR}/whatever.nmconnection"},
		{"general", "hostname", "evil-name"},
		{"-t", "-f", "NAME,TYPE", "connection", "show"},
		{"connection", "delete", "mine"},
		{"-t", "-f", "NAME,TYPE", "connection", "show"},
	}
	for _, args := range steps {
		t.Run(joinArgs(args), func(t *testing.T) {
			res := map[*side]string{}
			for _, s := range []*side{ref, gonm} {
				r := s.nmcli(t, testbed.Nobody, args...)
				r.stdout = withoutLo(r.stdout)
				r.stdout, r.stderr = norm[s].text(r.stdout), norm[s].text(r.stderr)
				res[s] = r.String()
			}
			t.Logf("gonm: %s", res[gonm])
			if res[ref] != res[gonm] {
				t.Errorf("differs\n%s\n--- reference:\n%s\n--- gonm:\n%s", lineDiff(res[ref], res[gonm]), res[ref], res[gonm])
			}
		})
	}
	// The same questions straight over D-Bus (gdbus, as nobody).
	for _, c := range []struct {
		conn   bool // on the root-only profile
		method string
		args   []string
	}{
		{false, nmSettingsIface + ".GetConnectionByUuid", []string{u(71)}},
		{true, nmConnIface + ".GetSettings", nil},
		{true, nmConnIface + ".GetSecrets", []string{"connection"}},
		{true, nmConnIface + ".ClearSecrets", nil},
		{true, nmConnIface + ".Save", nil},
		{true, nmConnIface + ".Delete", nil},
		{false, nmSettingsIface + ".SaveHostname", []string{"evil"}},
		{false, nmSettingsIface + ".ReloadConnections", nil},
		{false, nmSettingsIface + ".LoadConnections", []string{"['/x']"}},
	} {
		t.Run("dbus "+c.method, func(t *testing.T) {
			got := map[*side]string{}
			for _, s := range []*side{ref, gonm} {
				path := string(nmSettingsPath)
				if c.conn {
					path = string(rootOnly[s])
				}
				r := s.gdbus(t, testbed.Nobody, path, c.method, c.args...)
				got[s] = norm[s].text(r.String())
			}
			if got[ref] != got[gonm] {
				t.Errorf("as nobody\nreference: %s\ngonm:      %s", got[ref], got[gonm])
			}
		})
	}
}

func joinArgs(args []string) string {
	out := ""
	for i, a := range args {
		if i > 0 {
			out += " "
		}
		out += a
	}
	return out
}
