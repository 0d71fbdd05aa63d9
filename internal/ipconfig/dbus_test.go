package ipconfig

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/testbed"
)

const theProfile = `[connection]
id=s1
uuid=6a9d6d3a-6f0a-4a8e-9e3b-0c1d2e3f4a5b
type=ethernet
interface-name=eth1

[ipv4]
method=manual
address1=192.0.2.10/24
address2=198.51.100.7/25
gateway=192.0.2.1
route1=10.1.0.0/16,192.0.2.254
route2=10.2.0.0/16,192.0.2.253,55
route2_options=table=100
route3=10.3.0.0/24
dns=9.9.9.9;1.1.1.1;
dns-search=example.org;
dns-options=rotate;

[ipv6]
method=manual
addr-gen-mode=eui64
address1=2001:db8::10/64
address2=2001:db8:1::5/64
gateway=2001:db8::1
route1=2001:db8:5::/48,2001:db8::fe
dns=2001:4860:4860::8888;
dns-search=six.example;
`

// gonmSide runs the platform, l3cfg and ipconfig in-process on a private
// bus (no devices layer yet: the test plays the device, committing the
// profile and exporting the objects), and returns a client connection and
// the objects' paths.
func gonmSide(t *testing.T, profile string) (client *dbus.Conn, ip4, ip6 dbus.ObjectPath, ns *testbed.Netns) {
	t.Helper()
	g := startGonm(t, profile, platform.Options{})
	return g.client, g.ip4, g.ip6, g.ns
}

// inproc is gonm's lower layers running in the test process on a private
// bus: platform, l3cfg, ipconfig and the exporter, eth1 committed with a
// profile (the test plays the devices layer).
type inproc struct {
	ns       *testbed.Netns
	client   *dbus.Conn
	ip4, ip6 dbus.ObjectPath
	loop     *loop.Loop
	p        *platform.Platform
	l        *l3cfg.L3Cfg
	stop     func()
}

func startGonm(t testing.TB, profile string, popts platform.Options) *inproc {
	t.Helper()
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	ns.MustIP("link", "set", "eth1", "up")
	peer.MustIP("link", "set", "peer1", "up")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	g, err := serveLayers(ns.Path(), ns.Bus.Address, profile, popts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.stop)
	g.ns, g.client = ns, ns.Bus.Conn(t)
	return g
}

// serveLayers runs platform, l3cfg, ipconfig and the exporter for the
// namespace at nsPath on the bus at busAddr, eth1 committed with the
// profile, as the daemon's devices layer will.
func serveLayers(nsPath, busAddr, profile string, popts platform.Options) (*inproc, error) {
	lp := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go lp.Run(ctx)
	exp := bus.New(lp, bus.Options{Strict: true})
	conn, err := exp.Connect(busAddr)
	if err != nil {
		cancel()
		return nil, err
	}
	if r, err := conn.RequestName(testbed.BusName, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		cancel()
		return nil, fmt.Errorf("request name: %v %v", r, err)
	}
	popts.Netns = nsPath
	p := platform.New(lp, popts)
	kf, err := gkeyfile.Parse([]byte(profile))
	if err != nil {
		cancel()
		return nil, err
	}
	prof := keyfile.Read(kf, keyfile.ReadOptions{})
	if _, err := prof.Normalize(); err != nil {
		cancel()
		return nil, err
	}
	g := &inproc{loop: lp, p: p}
	var reg *l3cfg.Registry
	if cerr := lp.Call(context.Background(), func() {
		if err = p.Start(); err != nil {
			return
		}
		reg = l3cfg.NewRegistry(lp, l3cfg.Kernel(p), l3cfg.Options{})
		lk, _ := p.LinkByName("eth1")
		g.l = reg.Acquire(lk.Index)
		g.l.RegisterCommitType(l3cfg.CommitUpdate, "device")
		g.l.AddConfig("static", l3cfg.FromProfile(prof), l3cfg.ConfigOptions{Priority: l3cfg.PriorityManual,
			RouteMetric4: l3cfg.DeviceRouteMetric(l3cfg.DeviceEthernet), RouteMetric6: l3cfg.DeviceRouteMetric(l3cfg.DeviceEthernet),
			DNSPriority4: l3cfg.DNSPriorityDefaultNormal, DNSPriority6: l3cfg.DNSPriorityDefaultNormal})
		g.l.Commit(l3cfg.CommitAuto)
		m := NewManager(exp)
		g.ip4, g.ip6 = m.Acquire(g.l, l3cfg.IPv4).Path(), m.Acquire(g.l, l3cfg.IPv6).Path()
	}); cerr != nil {
		err = cerr
	}
	if err != nil {
		cancel()
		conn.Close()
		return nil, err
	}
	g.stop = func() {
		_ = lp.Call(context.Background(), func() { reg.Close() })
		cancel()
		<-lp.Done()
		p.Close()
		conn.Close()
	}
	return g, nil
}

func getAll(t *testing.T, c *dbus.Conn, path dbus.ObjectPath, iface string) map[string]dbus.Variant {
	t.Helper()
	var m map[string]dbus.Variant
	if err := c.Object(testbed.BusName, path).Call("org.freedesktop.DBus.Properties.GetAll", 0, iface).Store(&m); err != nil {
		t.Fatalf("GetAll %s %s: %v", path, iface, err)
	}
	return m
}

// comparable renders the properties for comparison with the reference:
// entries of link-local addresses and their routes are left out (the
// link-local address is the devices layer's job: NetworkManager makes its
// own, the kernel here its EUI-64 one), and with them, in IPv6's legacy
// Addresses, the gateway NetworkManager puts on the first entry (its
// link-local address there).
func comparable(m map[string]dbus.Variant) string {
	var lines []string
	for k, v := range m {
		val := v.Value()
		switch k {
		case "AddressData", "RouteData":
			var keep []string
			for _, d := range val.([]map[string]dbus.Variant) {
				s := show([]map[string]dbus.Variant{d})
				if strings.Contains(s, "fe80::") {
					continue
				}
				keep = append(keep, s)
			}
			lines = append(lines, k+": "+strings.Join(keep, " "))
			continue
		case "Addresses":
			if v6, ok := val.([][]any); ok {
				var keep []string
				for _, a := range v6 {
					if b := a[0].([]byte); b[0] == 0xfe && b[1] == 0x80 {
						continue
					}
					keep = append(keep, fmt.Sprint(a[:2])) // without the gateway of the first entry
				}
				lines = append(lines, k+": "+strings.Join(keep, " "))
				continue
			}
		case "Routes":
			if v6, ok := val.([][]any); ok {
				keep := [][]any{}
				for _, r := range v6 {
					if b := r[0].([]byte); b[0] != 0xfe || b[1] != 0x80 {
						keep = append(keep, r)
					}
				}
				val = keep
			}
		case "ClatAddress", "ClatPref64":
			continue // later NetworkManagers' members, in gonm's XML
		}
		lines = append(lines, fmt.Sprintf("%s: %s %v", k, v.Signature(), val))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

const ipv4Only = `[connection]
id=s1
uuid=6a9d6d3a-6f0a-4a8e-9e3b-0c1d2e3f4a5b
type=ethernet
interface-name=eth1

[ipv4]
method=manual
address1=203.0.113.9/24,203.0.113.254
route1=0.0.0.0/1,203.0.113.1,7
dns=203.0.113.53;

[ipv6]
method=disabled
`

const ipv6Only = `[connection]
id=s1
uuid=6a9d6d3a-6f0a-4a8e-9e3b-0c1d2e3f4a5b
type=ethernet
interface-name=eth1

[ipv4]
method=disabled

[ipv6]
method=manual
addr-gen-mode=eui64
address1=2001:db8:aa::1/48
address2=2001:db8:bb::1/128
gateway=2001:db8:aa::fffe
route1=2001:db8:cc::/64,,5
route1_options=mtu=1400
route2=2001:db8:dd::/64,2001:db8:aa::fffd
route2_options=table=300
dns=2001:db8:aa::53;2001:db8:aa::54;
dns-options=edns0;
dns-priority=77
`

// The IP4Config/IP6Config objects over D-Bus, for the same profile on the
// same kind of interface, against NetworkManager 1.42's: dual-stack,
// IPv4 only, IPv6 only.
func TestDBusMatchesReference(t *testing.T) {
	testbed.RequireReference(t)
	for _, tc := range []struct{ name, profile string }{
		{"dual-stack", theProfile}, {"ipv4-only", ipv4Only}, {"ipv6-only", ipv6Only},
	} {
		t.Run(tc.name, func(t *testing.T) { dbusMatchesReference(t, tc.profile) })
	}
}

func dbusMatchesReference(t *testing.T, profile string) {
	client, ip4, ip6, ns := gonmSide(t, profile)

	refNS, refPeer := testbed.NewNetns(t), testbed.NewNetns(t)
	refNS.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(t, refNS, "eth1", refPeer, "peer1")
	refPeer.MustIP("link", "set", "peer1", "up")
	d := testbed.StartReference(t, refNS, testbed.DaemonOptions{Quiet: true})
	if err := os.WriteFile(d.ConnectionsDir+"/s1.nmconnection", []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	refNS.MustRun("nmcli", "connection", "reload")
	refNS.MustRun("nmcli", "connection", "up", "s1")
	refClient := refNS.Bus.Conn(t)
	dev := findDevice(t, refClient, "eth1")
	refIP4 := devProp(t, refClient, dev, "Ip4Config")
	refIP6 := devProp(t, refClient, dev, "Ip6Config")

	for _, c := range []struct {
		iface         string
		gonm, refPath dbus.ObjectPath
	}{{IfaceIP4, ip4, refIP4}, {IfaceIP6, ip6, refIP6}} {
		var got, want string
		// Both settle on their own time (IPv6 DAD, the reference's idle
		// work): compare once both are stable.
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			got = comparable(getAll(t, client, c.gonm, c.iface))
			want = comparable(getAll(t, refClient, c.refPath, c.iface))
			if got == want {
				break
			}
		}
		if got != want {
			t.Errorf("%s:\n--- gonm\n%s--- NetworkManager 1.42\n%s", c.iface, got, want)
		} else {
			t.Logf("%s identical:\n%s", c.iface, got)
		}
	}

	// And against the kernel: every address on the interface is shown.
	out := ns.MustRun("ip", "-j", "addr", "show", "dev", "eth1")
	var links []struct {
		AddrInfo []struct {
			Local     string `json:"local"`
			PrefixLen int    `json:"prefixlen"`
		} `json:"addr_info"`
	}
	if err := json.Unmarshal([]byte(out), &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -j: %v %s", err, out)
	}
	shown := show(getAll(t, client, ip4, IfaceIP4)["AddressData"].Value()) + show(getAll(t, client, ip6, IfaceIP6)["AddressData"].Value())
	for _, a := range links[0].AddrInfo {
		if want := fmt.Sprintf("{address=%s prefix=%d}", a.Local, a.PrefixLen); !strings.Contains(shown, want) {
			t.Errorf("kernel address %s/%d not on D-Bus: %s", a.Local, a.PrefixLen, shown)
		}
	}
}

func findDevice(t *testing.T, c *dbus.Conn, name string) dbus.ObjectPath {
	t.Helper()
	v, err := c.Object(testbed.BusName, "/org/freedesktop/NetworkManager").GetProperty("org.freedesktop.NetworkManager.Devices")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range v.Value().([]dbus.ObjectPath) {
		n, err := c.Object(testbed.BusName, d).GetProperty("org.freedesktop.NetworkManager.Device.Interface")
		if err == nil && n.Value() == name {
			return d
		}
	}
	t.Fatalf("no device %s", name)
	return ""
}

func devProp(t *testing.T, c *dbus.Conn, dev dbus.ObjectPath, prop string) dbus.ObjectPath {
	t.Helper()
	v, err := c.Object(testbed.BusName, dev).GetProperty("org.freedesktop.NetworkManager.Device." + prop)
	if err != nil {
		t.Fatal(err)
	}
	return v.Value().(dbus.ObjectPath)
}
