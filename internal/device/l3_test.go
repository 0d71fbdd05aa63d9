package device

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gonm/gonm/internal/hostid"

	"github.com/gonm/gonm/internal/l3cfg"
)

// fakeAuto is an automatic method that contributes one address, the way
// a DHCP client adds its lease: under its own tag, then ready.
type fakeAuto struct {
	ctx     AutoContext
	addr    netip.Prefix
	stopped []bool
}

func (m *fakeAuto) Start(ctx AutoContext) {
	m.ctx = ctx
	c := &l3cfg.Config{Source: "fake-dhcp4"}
	c.IPv4.Addresses = []l3cfg.Address{{Prefix: m.addr}}
	ctx.L3.AddConfig(m, c, l3cfg.ConfigOptions{Priority: l3cfg.PriorityDHCP4, RouteMetric4: 100})
	ctx.L3.ScheduleCommit(l3cfg.CommitAuto)
	ctx.Report(IPReady)
}

func (m *fakeAuto) Stop(deconfigure bool) {
	m.stopped = append(m.stopped, deconfigure)
	if deconfigure {
		m.ctx.L3.RemoveConfig(m)
	}
}

// The hook for automatic methods: ipv4.method=auto starts the method the
// provider makes, its contribution reaches the kernel through the
// device's L3Cfg, its readiness completes the activation, and Disconnect
// stops it and removes what it added.
func TestAutoMethodHook(t *testing.T) {
	m := &fakeAuto{addr: netip.MustParsePrefix("198.51.100.7/24")}
	var asked []string
	w := newWorld(t, worldOptions{
		profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "", "method=auto", "method=disabled")},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", false, true)
		},
		auto: func(d *Device, f Family, method string) AutoMethod {
			asked = append(asked, f.String()+" "+method)
			return m
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.take("eth1")
	w.ops()
	w.activate("c1", "eth1")
	w.waitState("eth1", StateActivated)
	if !slices.Equal(asked, []string{"ip4 auto"}) {
		t.Errorf("methods asked for: %q", asked)
	}
	ops := w.ops()
	for _, want := range []string{"add address 198.51.100.7/24 dev eth1", "add route 198.51.100.0/24 dev eth1 metric 100"} {
		if !slices.Contains(ops, want) {
			t.Errorf("the method's contribution did not reach the kernel (%q); ops %q", want, ops)
		}
	}
	w.do(func() { _ = w.devs.ByIface("eth1").Disconnect() })
	w.waitState("eth1", StateDisconnected)
	if !slices.Equal(m.stopped, []bool{true}) {
		t.Errorf("Stop calls: %v, want one with deconfigure", m.stopped)
	}
	if ops := w.ops(); !slices.Contains(ops, "delete address 198.51.100.7/24 dev eth1") {
		t.Errorf("deactivation did not remove the method's address: %q", ops)
	}
}

// ethernet.mtu is applied at activation (and the IPv6 MTU follows it) and
// the interface's own values come back at deactivation.
func TestMTU(t *testing.T) {
	w := newWorld(t, worldOptions{
		profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "\n[ethernet]\nmtu=1400\n",
			"method=manual\naddress1=192.0.2.1/24", "method=disabled")},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", false, true)
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.ops()
	w.activate("c1", "eth1")
	w.waitState("eth1", StateActivated)
	if ops := w.ops(); !slices.Contains(ops, "set eth1 mtu=1400") || !slices.Contains(ops, "sysctl eth1/mtu=1400") {
		t.Errorf("activation ops lack the MTU: %q", ops)
	}
	w.do(func() { _ = w.devs.ByIface("eth1").Disconnect() })
	w.waitState("eth1", StateDisconnected)
	if ops := w.ops(); !slices.Contains(ops, "set eth1 mtu=1500") {
		t.Errorf("deactivation did not restore the MTU: %q", ops)
	}
}

// What the L3Cfg configured is handed to the next run: after a restart
// the assumed activation knows the route the previous run added, so when
// the profile no longer has it (edited while the daemon was down), the
// first commit removes it, and nothing else changes.
func TestRestartHandsOverL3(t *testing.T) {
	route := "method=manual\naddress1=192.0.2.1/24\nroute1=198.51.100.0/24,192.0.2.254\n"
	w := newWorld(t, worldOptions{
		profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "", route, "method=disabled")},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", true, true)
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.activate("c1", "eth1")
	w.waitState("eth1", StateActivated)
	w.settle()
	w.ops()
	w.do(w.devs.Stop)
	w.close()
	w.plat.takeOps()
	text := manualProfile("c1", "eth1", "", "method=manual\naddress1=192.0.2.1/24\n", "method=disabled")
	if err := os.WriteFile(filepath.Join(w.etc, "c1.nmconnection"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	w2 := newWorld(t, worldOptions{plat: w.plat, runDir: w.runDir, etcDir: w.etc})
	w2.waitState("eth1", StateActivated)
	w2.settle()
	ops := w2.ops()
	if !slices.Equal(ops, []string{"delete route 198.51.100.0/24 via 192.0.2.254 dev eth1 metric 100"}) {
		t.Errorf("ops after the restart: %q; want only the route the profile lost removed", ops)
	}
}

// A stable-privacy link-local address another node has is replaced by the
// next candidate (RFC 7217's DAD counter), and the activation completes
// with it.
func TestLinkLocalDADRetry(t *testing.T) {
	key := make([]byte, 32)
	first, err := hostid.StablePrivacyAddr(netip.MustParseAddr("fe80::"), hostid.StableTypeUUID, "eth1", uuidFor("c1"), 0, key)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("fe80::"), hostid.StableTypeUUID, "eth1", uuidFor("c1"), 1, key)
	w := newWorld(t, worldOptions{
		profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "", "method=disabled", "method=link-local\naddr-gen-mode=stable-privacy\nmay-fail=false")},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", true, true)
			f.dad = true
			f.duplicate[first] = true
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.activate("c1", "eth1")
	w.wait("first link-local address", func() bool { return w.hasAddr("eth1", first) })
	w.settle()
	w.do(w.plat.settleDAD)
	w.wait("second link-local address", func() bool { return w.hasAddr("eth1", second) })
	w.settle()
	w.do(w.plat.settleDAD)
	w.waitState("eth1", StateActivated)
	var stayed bool
	w.do(func() { stayed = w.hasAddr("eth1", first) })
	if stayed {
		t.Errorf("the duplicate address %s stayed on eth1", first)
	}
}

// hasAddr reports whether the fake kernel has the address on the link
// (call it on the loop).
func (w *world) hasAddr(iface string, a netip.Addr) bool {
	for _, x := range w.plat.addrs[w.devs.ByIface(iface).Ifindex()] {
		if x.Address == a {
			return true
		}
	}
	return false
}

// A vlan takes its parent's MTU when its profile names none, and falls
// back to it (forced) when the profile asks for more than the parent has,
// as NetworkManager's wired-parent rule does.
func TestVlanParentMTU(t *testing.T) {
	vlan := func(id, extra string) string {
		return "[connection]\nid=" + id + "\nuuid=" + uuidFor(id) + "\ntype=vlan\nautoconnect=false\ninterface-name=eth1.10\n\n[vlan]\nid=10\nparent=eth1\n" +
			extra + "\n[ipv4]\nmethod=manual\naddress1=192.0.2.6/24\n\n[ipv6]\nmethod=disabled\n"
	}
	for _, c := range []struct{ name, extra, want string }{
		{"inherit", "", "set eth1.10 mtu=1400"},
		{"capped", "\n[ethernet]\nmtu=9000\n", "set eth1.10 mtu=1400"},
		{"smaller", "\n[ethernet]\nmtu=1300\n", "set eth1.10 mtu=1300"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var eth1 int32
			w := newWorld(t, worldOptions{
				profiles: map[string]string{"v10.nmconnection": vlan("v10", c.extra)},
				links: func(f *fakePlatform) {
					lo(f)
					eth1 = f.addLink("eth1", "veth", true, true).Index
				},
			})
			w.waitState("eth1", StateDisconnected)
			w.do(func() { _ = w.plat.LinkSetMTU(eth1, 1400) })
			w.settle()
			w.ops()
			w.activate("v10", "eth1.10")
			w.waitState("eth1.10", StateActivated)
			if ops := w.ops(); !slices.Contains(ops, c.want) {
				t.Errorf("ops %q lack %q", ops, c.want)
			}
		})
	}
}
