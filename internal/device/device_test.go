package device

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gonm/gonm/internal/platform"
)

// Device and activation behaviour over a fake kernel. The expected state
// sequences are NetworkManager 1.42's, as the difftest scenarios record
// them from the real daemon (internal/difftest/devices_test.go).

func manualProfile(id, iface, extra, ip4, ip6 string) string {
	return fmt.Sprintf("[connection]\nid=%s\nuuid=%s\ntype=ethernet\nautoconnect=false\ninterface-name=%s\n%s\n[ipv4]\n%s\n[ipv6]\n%s\n",
		id, uuidFor(id), iface, extra, ip4, ip6)
}

// uuidFor makes a stable UUID from a short id.
func uuidFor(id string) string {
	var n uint64
	for _, c := range id {
		n = n*131 + uint64(c)
	}
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", n&0xffffffffffff)
}

func lo(f *fakePlatform) { f.addLink("lo", "loopback", true, true) }

func eqList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// A veth with carrier becomes available, activates a manual profile
// (address with noprefixroute plus a prefix route with the device's
// metric, as NetworkManager's l3cfg adds them) and deactivates on
// Disconnect, removing what it added.
func TestActivateAndDisconnect(t *testing.T) {
	w := newWorld(t, worldOptions{
		profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "",
			"method=manual\naddress1=192.0.2.1/24\nroute1=198.51.100.0/24,192.0.2.254", "method=disabled")},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", false, true)
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.waitState("lo", StateActivated)
	// Unmanaged at first; managed (now-managed), then the link is brought
	// up and its carrier makes it disconnected (carrier-changed).
	eqList(t, "eth1 at start", w.take("eth1"), []string{"20 10 2", "30 20 40"})
	eqList(t, "lo at start", w.take("lo"), []string{"20 10 41", "30 20 41", "40 30 0", "50 40 0", "70 50 0", "80 70 0", "90 80 0", "100 90 0"})
	// An idle managed device is deconfigured: IPv6 off, link up for
	// carrier detection.
	eqList(t, "ops at start", w.ops(), []string{"set eth1 up=true", "sysctl eth1/disable_ipv6=1"})

	w.activate("c1", "eth1")
	w.waitState("eth1", StateActivated)
	eqList(t, "eth1 activation", w.take("eth1"), []string{"40 30 0", "50 40 0", "70 50 0", "80 70 0", "90 80 0", "100 90 0"})
	eqList(t, "c1 activation", w.take("ac c1"), []string{"1 0", "2 0"})
	ops := w.ops()
	for _, want := range []string{"add address 192.0.2.1/24 dev eth1", "add route 192.0.2.0/24 dev eth1 metric 100",
		"add route 198.51.100.0/24 via 192.0.2.254 dev eth1 metric 100"} {
		if !slices.Contains(ops, want) {
			t.Errorf("activation did not %q; ops %q", want, ops)
		}
	}
	var flags uint32
	w.do(func() {
		for _, a := range w.plat.addrs[w.devs.ByIface("eth1").Ifindex()] {
			if a.Address.String() == "192.0.2.1" {
				flags = a.Flags
			}
		}
	})
	if flags&0x200 == 0 { // IFA_F_NOPREFIXROUTE
		t.Errorf("address flags %#x lack noprefixroute", flags)
	}

	var err error
	w.do(func() { err = w.devs.ByIface("eth1").Disconnect() })
	if err != nil {
		t.Fatal(err)
	}
	w.waitState("eth1", StateDisconnected)
	eqList(t, "eth1 disconnect", w.take("eth1"), []string{"110 100 39", "30 110 39"})
	eqList(t, "c1 deactivation", w.take("ac c1"), []string{"3 0", "4 3"})
	eqList(t, "deactivation ops", sortedCopy(w.ops()), sortedCopy([]string{"delete address 192.0.2.1/24 dev eth1",
		"delete route 192.0.2.0/24 dev eth1 metric 100", "delete route 198.51.100.0/24 via 192.0.2.254 dev eth1 metric 100"}))
	// A second Disconnect has nothing to take down.
	w.do(func() { err = w.devs.ByIface("eth1").Disconnect() })
	if err == nil || !strings.Contains(err.Error(), "not active") {
		t.Errorf("Disconnect of an idle device: %v", err)
	}
}

// Software devices of profiles: created on activation (nm-owned), with
// the kind's settings, and deleted when they deactivate; the device stays
// (unrealized) for its profile.
func TestSoftwareDevices(t *testing.T) {
	dummy := "[connection]\nid=d0\nuuid=" + uuidFor("d0") + "\ntype=dummy\nautoconnect=false\ninterface-name=dummy0\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.5/24\n\n[ipv6]\nmethod=disabled\n"
	vlan := "[connection]\nid=v10\nuuid=" + uuidFor("v10") + "\ntype=vlan\nautoconnect=false\ninterface-name=eth1.10\n\n[vlan]\nid=10\nparent=eth1\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.6/24\n\n[ipv6]\nmethod=disabled\n"
	bond := "[connection]\nid=b0\nuuid=" + uuidFor("b0") + "\ntype=bond\nautoconnect=false\ninterface-name=bond0\n\n[bond]\nmode=active-backup\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.7/24\n\n[ipv6]\nmethod=disabled\n"
	port := "[connection]\nid=b0p\nuuid=" + uuidFor("b0p") + "\ntype=ethernet\nautoconnect=false\ninterface-name=eth2\nmaster=bond0\nslave-type=bond\n"
	w := newWorld(t, worldOptions{
		profiles: map[string]string{"d0.nmconnection": dummy, "v10.nmconnection": vlan, "b0.nmconnection": bond, "b0p.nmconnection": port},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", true, true)
			f.addLink("eth2", "veth", true, true)
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.waitState("eth2", StateDisconnected)
	// The software devices exist, unrealized, before their links.
	for _, name := range []string{"dummy0", "eth1.10", "bond0"} {
		d := w.dev(name)
		var real bool
		var st State
		w.do(func() { real, st = d.Real(), d.State() })
		if real || st != StateUnmanaged {
			t.Errorf("%s before activation: real=%t state=%d", name, real, st)
		}
	}
	w.take("eth1")
	w.take("eth2")
	w.ops()

	for _, c := range []struct{ id, iface, add string }{
		{"d0", "dummy0", "add dummy0 kind=dummy"},
		{"v10", "eth1.10", "add eth1.10 kind=vlan parent=eth1 id=10"},
		{"b0", "bond0", "add bond0 kind=bond mode=1"},
	} {
		w.activate(c.id, c.iface)
		w.waitState(c.iface, StateActivated)
		ops := w.ops()
		if len(ops) == 0 || ops[0] != c.add {
			t.Errorf("%s: first op %q, want %q", c.id, ops, c.add)
		}
		var owned bool
		w.do(func() { owned = w.devs.ByIface(c.iface).NMOwned() })
		if !owned {
			t.Errorf("%s is not nm-owned", c.iface)
		}
		// Realized on the link gonm created: unmanaged -> unavailable ->
		// disconnected (user-requested), then the activation.
		eqList(t, c.iface+" states", w.take(c.iface), []string{"20 10 2", "30 20 39", "40 30 0", "50 40 0", "70 50 0", "80 70 0", "90 80 0", "100 90 0"})
	}

	// The port joins the bond.
	w.activate("b0p", "eth2")
	w.waitState("eth2", StateActivated)
	eqList(t, "port activation", w.take("eth2"), []string{"40 30 0", "50 40 0", "70 50 0", "80 70 0", "90 80 0", "100 90 0"})
	if ops := w.ops(); !slices.Contains(ops, "attach eth2 to bond0") {
		t.Errorf("port activation ops %q lack the attachment", ops)
	}
	var ports []*Device
	w.do(func() { ports = w.devs.ByIface("bond0").Ports() })
	if len(ports) != 1 || ports[0].Iface() != "eth2" {
		t.Errorf("bond0 ports %v", ports)
	}

	// Deactivating the bond deletes its link and takes the port down
	// with dependency-failed, as NetworkManager reports it.
	var err error
	w.do(func() { err = w.devs.ByIface("bond0").Disconnect() })
	if err != nil {
		t.Fatal(err)
	}
	w.waitState("eth2", StateDisconnected)
	w.wait("bond0 deleted", func() bool { _, ok := w.plat.LinkByName("bond0"); return !ok })
	eqList(t, "port states", w.take("eth2"), []string{"110 100 50", "30 110 50"})
	w.waitState("bond0", StateUnmanaged)
	if ops := w.ops(); !slices.Contains(ops, "delete bond0") {
		t.Errorf("bond deactivation ops %q", ops)
	}
	var real bool
	w.do(func() { real = w.devs.ByIface("bond0").Real() })
	if real {
		t.Errorf("bond0 still realized after its link was deleted")
	}
}

// Which devices gonm manages: NetworkManager.conf's unmanaged-devices and
// [device] managed=0 make devices unmanaged; without udev veths of any
// name are managed; loopback and a bridge configured by hand are shown
// connected externally; a software link that is down without addresses is
// left alone (external-down).
func TestManagedRules(t *testing.T) {
	w := newWorld(t, worldOptions{
		conf: "[keyfile]\nunmanaged-devices=interface-name:eth2\n\n[device-eth3]\nmatch-device=interface-name:eth3\nmanaged=0\n",
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", true, true)
			f.addLink("eth2", "veth", true, true)
			f.addLink("eth3", "veth", true, true)
			f.addLink("veth7", "veth", true, true)
			f.addLink("br0", "bridge", true, true)
			f.addLink("br1", "bridge", false, false)
			br0, _ := f.LinkByName("br0")
			f.addrs[br0.Index] = append(f.addrs[br0.Index], &platform.Address{Index: br0.Index,
				Address: mustAddr("192.0.2.9"), Peer: mustAddr("192.0.2.9"), PrefixLen: 24,
				Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
		},
	})
	w.settle()
	want := map[string]State{"lo": StateActivated, "eth1": StateDisconnected, "eth2": StateUnmanaged, "eth3": StateUnmanaged,
		"veth7": StateDisconnected, "br0": StateActivated, "br1": StateUnmanaged}
	for iface, st := range want {
		w.waitState(iface, st)
	}
	for _, iface := range []string{"lo", "br0"} {
		var sys SysIfaceState
		var ac *Activation
		w.do(func() { sys, ac = w.devs.ByIface(iface).SysIfaceState(), w.devs.ByIface(iface).Activation() })
		if sys != SysIfaceExternal || ac == nil || ac.Profile.ID() != iface {
			t.Errorf("%s: sys-iface-state %v, activation %v; want external with a generated profile", iface, sys, ac)
		}
	}
	// Nothing was changed on unmanaged or external devices.
	for _, op := range w.ops() {
		for _, iface := range []string{"eth2", "eth3", "lo", "br0", "br1"} {
			if strings.Contains(op, " "+iface+" ") || strings.HasSuffix(op, " "+iface) || strings.Contains(op, iface+"/") {
				t.Errorf("changed %s: %s", iface, op)
			}
		}
	}
	// A user may manage an unmanaged device (SetManaged).
	w.do(func() { w.devs.ByIface("eth3").SetManagedByUser(true) })
	w.waitState("eth3", StateDisconnected)
}

// Carrier loss on an active device takes it down only after the carrier
// wait (6 s by default, NetworkManager's carrier-wait-timeout); carrier
// back in time keeps it up, carrier back later makes it available again.
func TestCarrierLossAndReturn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, worldOptions{
			profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "", "method=manual\naddress1=192.0.2.1/24", "method=disabled")},
			links: func(f *fakePlatform) {
				lo(f)
				f.addLink("eth1", "veth", true, true)
			},
		})
		defer w.close()
		w.waitState("eth1", StateDisconnected)
		w.activate("c1", "eth1")
		w.waitState("eth1", StateActivated)
		w.take("eth1")
		w.take("ac c1")

		// A short loss goes unnoticed.
		w.do(func() { w.plat.setCarrier("eth1", false) })
		time.Sleep(5 * time.Second)
		w.do(func() { w.plat.setCarrier("eth1", true) })
		time.Sleep(5 * time.Second)
		w.settle()
		eqList(t, "short carrier loss", w.take("eth1"), nil)

		// A longer one ends the activation.
		w.do(func() { w.plat.setCarrier("eth1", false) })
		time.Sleep(5900 * time.Millisecond)
		w.settle()
		if st := w.state("eth1"); st != StateActivated {
			t.Errorf("state %d before the carrier wait ended", st)
		}
		time.Sleep(200 * time.Millisecond)
		w.waitState("eth1", StateUnavailable)
		eqList(t, "carrier lost", w.take("eth1"), []string{"20 100 40"})
		eqList(t, "activation on carrier loss", w.take("ac c1"), []string{"4 3"})
		w.do(func() { w.plat.setCarrier("eth1", true) })
		w.waitState("eth1", StateDisconnected)
		eqList(t, "carrier back", w.take("eth1"), []string{"30 20 40"})
	})
}

// A restart: the first daemon's devices stop with their configuration in
// place and their run state written; the next one takes every active
// profile over ("assume", reason connection-assumed) without a single
// change to the kernel, and a bridge port in its bridge with it.
func TestRestartAssumes(t *testing.T) {
	bridge := "[connection]\nid=br0\nuuid=" + uuidFor("br0") + "\ntype=bridge\nautoconnect=false\ninterface-name=br0\n\n[bridge]\nstp=false\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.20/24\n\n[ipv6]\nmethod=manual\naddress1=2001:db8::20/64\n"
	port := "[connection]\nid=br0p\nuuid=" + uuidFor("br0p") + "\ntype=ethernet\nautoconnect=false\ninterface-name=eth2\nmaster=br0\nslave-type=bridge\n"
	w := newWorld(t, worldOptions{
		profiles: map[string]string{
			"c1.nmconnection":   manualProfile("c1", "eth1", "", "method=manual\naddress1=192.0.2.1/24\ngateway=192.0.2.254", "method=manual\naddress1=2001:db8:1::1/64"),
			"br0.nmconnection":  bridge,
			"br0p.nmconnection": port,
		},
		links: func(f *fakePlatform) {
			lo(f)
			f.addLink("eth1", "veth", true, true)
			f.addLink("eth2", "veth", true, true)
		},
	})
	w.waitState("eth1", StateDisconnected)
	w.waitState("eth2", StateDisconnected)
	w.activate("c1", "eth1")
	w.activate("br0", "br0")
	w.waitState("br0", StateActivated)
	w.activate("br0p", "eth2")
	for _, iface := range []string{"eth1", "br0", "eth2"} {
		w.waitState(iface, StateActivated)
	}
	w.settle()
	w.ops()
	w.do(w.devs.Stop)
	w.close()
	if ops := w.plat.takeOps(); len(ops) != 0 {
		t.Errorf("stopping changed the kernel: %q", ops)
	}
	before := fmt.Sprint(w.plat.Links(), w.plat.addrs, w.plat.routes)

	w2 := newWorld(t, worldOptions{plat: w.plat, runDir: w.runDir, etcDir: w.etc})
	for _, iface := range []string{"eth1", "br0", "eth2"} {
		w2.waitState(iface, StateActivated)
		eqList(t, iface+" after restart", w2.take(iface), []string{"20 10 41", "30 20 41", "40 30 0", "50 40 0", "70 50 0", "80 70 0", "90 80 0", "100 90 0"})
		var sys SysIfaceState
		var id string
		w2.do(func() {
			d := w2.devs.ByIface(iface)
			sys = d.SysIfaceState()
			if a := d.Activation(); a != nil {
				id = a.Profile.ID()
			}
		})
		if sys != SysIfaceAssume {
			t.Errorf("%s: sys-iface-state %v, want assume", iface, sys)
		}
		if want := map[string]string{"eth1": "c1", "br0": "br0", "eth2": "br0p"}[iface]; id != want {
			t.Errorf("%s: active profile %q, want %q", iface, id, want)
		}
	}
	w2.settle()
	if ops := w2.ops(); len(ops) != 0 {
		t.Errorf("the restart changed the kernel: %q", ops)
	}
	if after := fmt.Sprint(w2.plat.Links(), w2.plat.addrs, w2.plat.routes); after != before {
		t.Errorf("kernel state differs after the restart")
	}
	// Taken over, the profile is deactivated like any other: its
	// configuration goes.
	var err error
	w2.do(func() { err = w2.devs.ByIface("eth1").Disconnect() })
	if err != nil {
		t.Fatal(err)
	}
	w2.waitState("eth1", StateDisconnected)
	ops := w2.ops()
	if !slices.Contains(ops, "delete address 192.0.2.1/24 dev eth1") {
		t.Errorf("deactivating an assumed profile: %q", ops)
	}
}

// IPv6 duplicate address detection failing: with ipv6.may-fail (the
// default) the device activates on IPv4 alone; with may-fail=no it fails
// with ip-config-unavailable, as NetworkManager reports it.
func TestIPv6DuplicateAddress(t *testing.T) {
	for _, c := range []struct {
		mayFail string
		want    []string
	}{
		{"", []string{"40 30 0", "50 40 0", "70 50 0", "80 70 0", "90 80 0", "100 90 0"}},
		{"may-fail=false\n", []string{"40 30 0", "50 40 0", "70 50 0", "120 70 5", "30 120 0"}},
	} {
		t.Run("mayfail="+strings.TrimSpace(c.mayFail), func(t *testing.T) {
			w := newWorld(t, worldOptions{
				profiles: map[string]string{"c1.nmconnection": manualProfile("c1", "eth1", "",
					"method=manual\naddress1=192.0.2.1/24", "method=manual\naddress1=2001:db8::1/64\n"+c.mayFail)},
				links: func(f *fakePlatform) {
					lo(f)
					f.addLink("eth1", "veth", true, true)
					f.dad = true
					f.duplicate[mustAddr("2001:db8::1")] = true
				},
			})
			w.waitState("eth1", StateDisconnected)
			w.take("eth1")
			w.activate("c1", "eth1")
			w.wait("IPv6 addresses added", func() bool {
				return len(w.plat.Addresses(platform.TypeIP6Address, w.devs.ByIface("eth1").Ifindex())) >= 2
			})
			w.settle()
			w.do(w.plat.settleDAD)
			w.wait("activation ended", func() bool {
				s := w.devs.ByIface("eth1").State()
				return s == StateActivated || s == StateDisconnected
			})
			w.settle()
			eqList(t, "states", w.take("eth1"), c.want)
		})
	}
}
