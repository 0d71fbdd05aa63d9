package difftest

import (
	"encoding/xml"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
	"github.com/gonm/gonm/introspection"
)

// Members gonm's interface files have that NetworkManager 1.42's daemon
// does not export: members later releases added (or, for Tap, the
// correctly spelt twin of 1.42's misspelt Tab). Nothing else may differ.
var allowedExtra = map[string][]string{
	"org.freedesktop.NetworkManager.Device.Macvlan": {"property Tap b read"},
	"org.freedesktop.NetworkManager.IP4Config":      {"property ClatAddress s read"},
	"org.freedesktop.NetworkManager.IP6Config":      {"property ClatAddress s read", "property ClatPref64 s read"},
}

type introspectedNode struct {
	Interfaces []introspection.Interface `xml:"interface"`
}

// exported introspects every object a daemon exports: path -> interfaces.
func exported(t *testing.T, conn *dbus.Conn) map[dbus.ObjectPath][]introspection.Interface {
	t.Helper()
	var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
	if err := conn.Object(testbed.BusName, "/org/freedesktop").Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0).Store(&managed); err != nil {
		t.Fatal(err)
	}
	out := map[dbus.ObjectPath][]introspection.Interface{}
	for path := range managed {
		var data string
		if err := conn.Object(testbed.BusName, path).Call("org.freedesktop.DBus.Introspectable.Introspect", 0).Store(&data); err != nil {
			t.Fatalf("%s: Introspect: %v", path, err)
		}
		var n introspectedNode
		if err := xml.Unmarshal([]byte(data), &n); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var ifs []introspection.Interface
		for _, it := range n.Interfaces {
			if strings.HasPrefix(it.Name, "org.freedesktop.NetworkManager") {
				ifs = append(ifs, it)
			}
		}
		slices.SortFunc(ifs, func(a, b introspection.Interface) int { return strings.Compare(a.Name, b.Name) })
		out[path] = ifs
	}
	return out
}

var numbered = regexp.MustCompile(`/\d+$`)

// The reference, in a scenario with a DHCP-configured veth, a bridge, a
// macvlan, a tun, a VXLAN, loopback, an active connection and a
// checkpoint, exports objects whose interfaces all match gonm's interface
// files member by member and signature by signature.
func TestIntrospectionMatchesReference(t *testing.T) {
	testbed.RequireReference(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	testbed.AddAddr(t, peer, "peer1", "10.77.0.1/24")
	testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=10.77.0.10,10.77.0.50,1h")
	testbed.Bridge(t, ns, "br0")
	testbed.Macvlan(t, ns, "mv0", "eth1", "")
	testbed.Tuntap(t, ns, "tun0", "tun")
	testbed.Vxlan(t, ns, "vx0", 42, 4789)
	testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	if out, err := ns.Run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "dhcp1",
		"ipv4.method", "auto", "ipv6.method", "link-local"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	conn := ns.Bus.Conn(t)
	// Wait for the lease (a DHCP4Config object).
	deadline := time.Now().Add(60 * time.Second)
	for {
		var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
		_ = conn.Object(testbed.BusName, "/org/freedesktop").Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0).Store(&managed)
		if slices.ContainsFunc(mapsKeys(managed), func(p dbus.ObjectPath) bool { return strings.Contains(string(p), "/DHCP4Config/") }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reference got no DHCP lease")
		}
		time.Sleep(200 * time.Millisecond)
	}
	var cp dbus.ObjectPath
	if err := conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").Call("org.freedesktop.NetworkManager.CheckpointCreate", 0,
		[]dbus.ObjectPath{}, uint32(0), uint32(0)).Store(&cp); err != nil {
		t.Fatalf("CheckpointCreate: %v", err)
	}

	ref := exported(t, conn)
	seen := map[string]bool{}
	classes := map[string][]string{}
	for path, ifs := range ref {
		var names []string
		for i := range ifs {
			it := &ifs[i]
			short := strings.TrimPrefix(it.Name, "org.freedesktop.NetworkManager")
			if short == "" {
				short = "(root interface)"
			}
			names = append(names, short)
			if seen[it.Name] {
				continue
			}
			seen[it.Name] = true
			ours, ok := introspection.Lookup(it.Name)
			if !ok {
				t.Errorf("the reference exports %s, which gonm has no file for", it.Name)
				continue
			}
			compareMembers(t, it.Name, ours.Members(), it.Members())
		}
		class := numbered.ReplaceAllString(string(path), "/N") + " " + strings.Join(names, " ")
		classes[class] = append(classes[class], string(path))
	}
	var lines []string
	for c := range classes {
		lines = append(lines, c)
	}
	slices.Sort(lines)
	t.Logf("object classes the reference exports (path, interfaces):\n%s", strings.Join(lines, "\n"))
	for _, must := range []string{"org.freedesktop.NetworkManager", "org.freedesktop.NetworkManager.Device",
		"org.freedesktop.NetworkManager.Device.Veth", "org.freedesktop.NetworkManager.Device.Bridge",
		"org.freedesktop.NetworkManager.Device.Macvlan", "org.freedesktop.NetworkManager.Device.Tun",
		"org.freedesktop.NetworkManager.Device.Vxlan", "org.freedesktop.NetworkManager.Device.Loopback",
		"org.freedesktop.NetworkManager.Connection.Active", "org.freedesktop.NetworkManager.IP4Config",
		"org.freedesktop.NetworkManager.IP6Config", "org.freedesktop.NetworkManager.DHCP4Config",
		"org.freedesktop.NetworkManager.Settings.Connection", "org.freedesktop.NetworkManager.Checkpoint"} {
		if !seen[must] {
			t.Errorf("the scenario did not bring out %s", must)
		}
	}

	// gonm's objects at the same paths have the same interfaces and members.
	gns := testbed.NewNetns(t)
	gns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	testbed.StartDaemon(t, gns, testbed.DaemonOptions{Quiet: true})
	ours := exported(t, gns.Bus.Conn(t))
	if len(ours) == 0 {
		t.Fatal("gonm exports nothing")
	}
	for path, ifs := range ours {
		theirs, ok := ref[path]
		if !ok {
			t.Errorf("gonm exports %s, the reference does not", path)
			continue
		}
		if len(ifs) != len(theirs) {
			t.Errorf("%s: gonm has %d interfaces, the reference %d", path, len(ifs), len(theirs))
			continue
		}
		for i := range ifs {
			if ifs[i].Name != theirs[i].Name {
				t.Errorf("%s: interface %s, the reference %s", path, ifs[i].Name, theirs[i].Name)
				continue
			}
			compareMembers(t, string(path)+" "+ifs[i].Name, ifs[i].Members(), theirs[i].Members())
		}
	}
}

func compareMembers(t *testing.T, what string, ours, theirs []string) {
	t.Helper()
	iface := what[strings.LastIndex(what, " ")+1:]
	for _, m := range theirs {
		if !slices.Contains(ours, m) {
			t.Errorf("%s: gonm lacks %q", what, m)
		}
	}
	for _, m := range ours {
		if !slices.Contains(theirs, m) && !slices.Contains(allowedExtra[iface], m) {
			t.Errorf("%s: gonm has %q, which NetworkManager 1.42 does not", what, m)
		}
	}
}

func mapsKeys[K comparable, V any](m map[K]V) []K {
	var out []K
	for k := range m {
		out = append(out, k)
	}
	return out
}
