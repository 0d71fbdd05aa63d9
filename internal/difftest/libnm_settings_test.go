package difftest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/testbed"
)

// libnmClientScript drives the daemon through libnm's NM.Client, as GNOME
// does: it lists the profiles, adds one (AddConnection2), changes it
// (Update2), reads its secrets, saves it, deletes it and lists again. It
// prints what it sees; any GLib warning aborts it (G_DEBUG=fatal-warnings).
const libnmClientScript = `
import sys, gi
gi.require_version("NM", "1.0")
from gi.repository import NM, GLib

loop = GLib.MainLoop()
result = {}
def done(name):
    def cb(obj, res, *args):
        try:
            result[name] = getattr(obj, name + "_finish")(res)
        except GLib.Error as e:
            result[name] = "ERROR " + e.message
        loop.quit()
    return cb
def run(fn, name, *args):
    fn(*args, None, done(name), None)
    loop.run()
    return result[name]

def show(c):
    s = c.get_setting_connection()
    ip4 = c.get_setting_ip4_config()
    extra = ""
    if ip4:
        extra = " ipv4=%s %s" % (ip4.get_method(), ",".join(a.get_address() + "/" + str(a.get_prefix()) for a in [ip4.get_address(i) for i in range(ip4.get_num_addresses())]))
    return "%s %s unsaved=%s flags=%d%s" % (s.get_id(), s.get_connection_type(), c.get_unsaved(), int(c.get_flags()), extra)

client = NM.Client.new(None)
print("profiles", sorted(show(c) for c in client.get_connections() if c.get_id() != "lo"))

prof = NM.SimpleConnection.new()
s = NM.SettingConnection.new()
s.set_property("id", "libnm profile")
s.set_property("uuid", "3c6e1a2b-4d5f-4a7b-8c9d-0e1f2a3b4c5d")
s.set_property("type", "802-3-ethernet")
s.set_property("interface-name", "eth7")
prof.add_setting(s)
ip4 = NM.SettingIP4Config.new()
ip4.set_property("method", "manual")
ip4.add_address(NM.IPAddress.new(2, "192.0.2.7", 24))
prof.add_setting(ip4)
r = run(client.add_connection2, "add_connection2", prof.to_dbus(NM.ConnectionSerializationFlags.ALL),
        NM.SettingsAddConnection2Flags.TO_DISK | NM.SettingsAddConnection2Flags.BLOCK_AUTOCONNECT, None, False)
remote = r[0]
print("added", show(remote), remote.get_filename().rsplit("/", 1)[1])

ip4 = remote.get_setting_ip4_config()
ip4.clear_addresses()
ip4.add_address(NM.IPAddress.new(2, "198.51.100.9", 25))
remote.get_setting_connection().set_property("autoconnect", False)
print("update2", run(remote.update2, "update2", remote.to_dbus(NM.ConnectionSerializationFlags.ALL),
      NM.SettingsUpdate2Flags.IN_MEMORY, None).keys())
ctx = GLib.MainContext.default()
while ctx.iteration(False):
    pass
print("after update", show(remote), remote.get_filename().rsplit("/", 1)[1])
print("secrets", run(remote.get_secrets_async, "get_secrets", "802-3-ethernet"))
print("save", run(remote.save_async, "save"))
print("after save", show(remote))
print("bad update", run(remote.update2, "update2", remote.to_dbus(NM.ConnectionSerializationFlags.ALL), NM.SettingsUpdate2Flags.TO_DISK | NM.SettingsUpdate2Flags.IN_MEMORY, None))
print("delete", run(remote.delete_async, "delete"))
while ctx.iteration(False):
    pass
print("profiles", sorted(show(c) for c in client.get_connections() if c.get_id() != "lo"))
print("by uuid", client.get_connection_by_uuid("3c6e1a2b-4d5f-4a7b-8c9d-0e1f2a3b4c5d"))
`

// libnm's NM.Client works with gonm's Settings API as with NetworkManager
// 1.42's, without a single GLib warning.
func TestLibnmClientMatchesReference(t *testing.T) {
	requireLibnm(t)
	keyfile.Owner = os.Getuid()
	ref, gonm := twinSides(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	out := map[*side]string{}
	for _, s := range []*side{ref, gonm} {
		for _, p := range profiles()[:6] {
			if _, err := addConnection(s.conn, p.dict); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := s.ns.Command(ctx, "/usr/bin/python3", "-c", libnmClientScript)
		cmd.Env = append(cmd.Env, "G_DEBUG=fatal-warnings")
		b, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("%s: libnm script: %v\n%s", s.name, err, b)
		}
		out[s] = string(b)
	}
	t.Logf("libnm on gonm:\n%s", out[gonm])
	if out[ref] != out[gonm] {
		t.Errorf("libnm sees something else\n%s\n--- reference:\n%s", lineDiff(out[ref], out[gonm]), out[ref])
	}
	for _, w := range []string{"added libnm profile", "after update libnm profile 802-3-ethernet unsaved=True", "delete True"} {
		if !strings.Contains(out[gonm], w) {
			t.Errorf("libnm output lacks %q", w)
		}
	}
}
