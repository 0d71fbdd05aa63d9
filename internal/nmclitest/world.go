package nmclitest

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// DaemonKind names the daemon a world runs: "reference" (Debian's
// NetworkManager 1.42) or "gonm".
type DaemonKind string

const (
	Reference DaemonKind = "reference"
	Gonm      DaemonKind = "gonm"
)

// DaemonsFromEnv reads NMCLITEST_DAEMON: "reference" or "gonm" for
// that daemon alone; unset, both (the suite runs against each, side by
// side).
func DaemonsFromEnv() []DaemonKind {
	switch os.Getenv("NMCLITEST_DAEMON") {
	case string(Reference):
		return []DaemonKind{Reference}
	case string(Gonm):
		return []DaemonKind{Gonm}
	}
	return []DaemonKind{Reference, Gonm}
}

// forEachDaemon runs fn as a parallel subtest per daemon of
// DaemonsFromEnv.
func forEachDaemon(t *testing.T, fn func(t *testing.T, kind DaemonKind)) {
	for _, kind := range DaemonsFromEnv() {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			fn(t, kind)
		})
	}
}

// World is one daemon with the suite's state around it: a namespace with
// the daemon's links, a peer namespace holding the other ends of the veth
// pairs and a DHCP server, and a private bus.
type World struct {
	NS     *testbed.Netns
	Peer   *testbed.Netns
	Daemon *testbed.Daemon
	Conn   *dbus.Conn
	Kind   DaemonKind
	// NoDHCP, when set, says why the DHCP profile is not active: the
	// lines that need its lease are skipped.
	NoDHCP string
	env    testbed.Env
	// homeDir is HOME (and XDG_CONFIG_HOME below it) for the runs.
	homeDir  string
	homeOnce sync.Once
}

// Profile UUIDs are fixed, so that twin worlds hold identical profiles.
const (
	UUIDStatic    = "5f8f0b1e-0000-4000-8000-000000000001"
	UUIDMany      = "5f8f0b1e-0000-4000-8000-000000000002"
	UUIDUnicode   = "5f8f0b1e-0000-4000-8000-000000000003"
	UUIDSpace     = "5f8f0b1e-0000-4000-8000-000000000004"
	UUIDBridge    = "5f8f0b1e-0000-4000-8000-000000000005"
	UUIDPort1     = "5f8f0b1e-0000-4000-8000-000000000006"
	UUIDPort2     = "5f8f0b1e-0000-4000-8000-000000000007"
	UUIDDHCP      = "5f8f0b1e-0000-4000-8000-000000000008"
	UUIDVPN       = "5f8f0b1e-0000-4000-8000-000000000009"
	UUIDSpare     = "5f8f0b1e-0000-4000-8000-00000000000a"
	UUIDDuplicate = "5f8f0b1e-0000-4000-8000-00000000000b"
)

// Profile names with the characters scripts trip over.
const (
	NameStatic  = "static-eth1"
	NameMany    = `many:addrs\eth2`
	NameUnicode = "Ünïcødé café 名前"
	NameSpace   = "with space"
	NameBridge  = "br0"
	NamePort1   = "br0-port-eth4"
	NamePort2   = "br0-port-eth5"
	NameDHCP    = "dhcp-eth3"
	NameVPN     = "corp vpn"
	NameSpare   = "spare"
)

// NewWorld builds the suite's state with a daemon of the given kind. It
// skips when the reference is wanted but not installed.
func NewWorld(env testbed.Env, kind DaemonKind) *World {
	env.Helper()
	w := NewBareWorld(env, kind)
	w.Peer = testbed.NewNetns(env)
	// Links exist before the daemon starts, with fixed MAC addresses, so
	// that twin worlds number and describe their devices the same way.
	for i, name := range []string{"eth1", "eth2", "eth3", "eth4", "eth5", "eth6"} {
		mac := fmt.Sprintf("02:00:00:00:0%d:01", i+1)
		peerMAC := fmt.Sprintf("02:00:00:00:0%d:02", i+1)
		peerName := fmt.Sprintf("p%d", i+1)
		w.NS.MustIP("link", "add", name, "address", mac, "type", "veth",
			"peer", "name", peerName, "address", peerMAC, "netns", w.Peer.Name)
		w.Peer.MustIP("link", "set", peerName, "up")
	}
	w.Peer.MustIP("addr", "add", "10.99.3.1/24", "dev", "p3")
	w.startDHCPServer("p3")
	w.StartDaemon()
	return w
}

// NewBareWorld is a namespace with a bus that NetworkManager may own, and
// no daemon yet: for what nmcli and nm-online do while NetworkManager is
// not running. StartDaemon starts it.
func NewBareWorld(env testbed.Env, kind DaemonKind) *World {
	env.Helper()
	testbed.RequireRoot(env)
	if kind == Reference {
		testbed.RequireReference(env)
	}
	w := &World{Kind: kind, env: env}
	w.NS = testbed.NewNetns(env)
	policies := []string{}
	if kind == Reference {
		policies = append(policies, testbed.NetworkManagerPolicy)
	}
	w.NS.Bus = testbed.StartBus(env, testbed.BusOptions{Policies: policies})
	w.Conn = w.NS.Bus.Conn(env)
	return w
}

// StartDaemon starts the world's daemon. NewWorld calls it itself; users
// of a bare world call it when they are ready.
func (w *World) StartDaemon() {
	w.env.Helper()
	opts := testbed.DaemonOptions{Quiet: true}
	switch w.Kind {
	case Reference:
		w.Daemon = testbed.StartReference(w.env, w.NS, opts)
	default:
		w.Daemon = testbed.StartDaemon(w.env, w.NS, opts)
	}
}

// startDHCPServer serves DHCP (no DNS) on the peer side of one veth pair,
// with the one address, router, DNS server and domain the suite expects.
func (w *World) startDHCPServer(iface string) {
	testbed.StartDnsmasq(w.env, w.Peer, iface,
		"--dhcp-range=10.99.3.100,10.99.3.100,255.255.255.0,1h",
		"--dhcp-option=option:router,10.99.3.1", "--dhcp-option=option:dns-server,10.99.3.53",
		"--dhcp-option=option:domain-name,example.test")
}

const (
	nmBus      = "org.freedesktop.NetworkManager"
	nmPath     = "/org/freedesktop/NetworkManager"
	nmIface    = "org.freedesktop.NetworkManager"
	settPath   = "/org/freedesktop/NetworkManager/Settings"
	settIface  = "org.freedesktop.NetworkManager.Settings"
	devIface   = "org.freedesktop.NetworkManager.Device"
	acIface    = "org.freedesktop.NetworkManager.Connection.Active"
	propsIface = "org.freedesktop.DBus.Properties"
)

type settings map[string]map[string]dbus.Variant

func v(x any) dbus.Variant { return dbus.MakeVariant(x) }

func ip4(s string) uint32 {
	a := netip.MustParseAddr(s).As4()
	return binary.LittleEndian.Uint32(a[:])
}

func addrData(prefixes ...string) []map[string]dbus.Variant {
	var out []map[string]dbus.Variant
	for _, p := range prefixes {
		pp := netip.MustParsePrefix(p)
		out = append(out, map[string]dbus.Variant{"address": v(pp.Addr().String()), "prefix": v(uint32(pp.Bits()))})
	}
	return out
}

func ethernet(id, uuid, ifname string) settings {
	return settings{
		"connection": {"id": v(id), "uuid": v(uuid), "type": v("802-3-ethernet"),
			"interface-name": v(ifname), "autoconnect": v(false)},
		"802-3-ethernet": {},
	}
}

// Populate adds the suite's profiles and activates some of them, waiting
// until every activation settles.
func (w *World) Populate() {
	w.env.Helper()
	for _, ifname := range []string{"eth1", "eth2", "eth3", "eth4", "eth5", "eth6"} {
		w.waitDeviceManaged(ifname)
	}
	w.PopulateProfiles()
	w.Activate(UUIDStatic, "eth1")
	w.Activate(UUIDMany, "eth2")
	w.Activate(UUIDBridge, "br0")
	w.Activate(UUIDPort1, "eth4")
	w.Activate(UUIDPort2, "eth5")
	w.activateDHCP()
}

// dhcpWait bounds the wait for the DHCP profile's lease on gonm's daemon
// (dnsmasq on the veth peer answers within a second); the reference
// gets the usual 30 seconds, and failing them fails the world.
const dhcpWait = 10 * time.Second

// activateDHCP activates the DHCP profile on eth3. When the daemon gets
// no lease in time (gonm's daemon before its DHCP engine is wired into
// the devices) the activation is taken down again and NoDHCP says why:
// the lines that need a lease are skipped, the others see eth3 idle.
func (w *World) activateDHCP() {
	w.env.Helper()
	ac := w.startActivation(UUIDDHCP, "eth3")
	if w.Kind == Reference {
		w.waitFor("activation of "+UUIDDHCP, func() bool { return w.activeState(ac) == 2 })
		return
	}
	if w.waitForWithin(dhcpWait, func() bool { return w.activeState(ac) == 2 }) {
		return
	}
	w.NoDHCP = fmt.Sprintf("the %s daemon got no DHCP lease on eth3 within %v (its DHCP engine is not wired into the devices yet)", w.Kind, dhcpWait)
	if err := w.Conn.Object(nmBus, nmPath).Call(nmIface+".DeactivateConnection", 0, ac).Err; err != nil {
		w.env.Fatalf("nmclitest: deactivate the DHCP profile: %v", err)
	}
	path := w.DevicePath("eth3")
	w.waitFor("eth3 disconnected", func() bool { return w.deviceState(path) == 30 })
}

// PopulateProfiles adds the suite's profiles, activating none.
func (w *World) PopulateProfiles() {
	w.env.Helper()
	static := ethernet(NameStatic, UUIDStatic, "eth1")
	static["ipv4"] = map[string]dbus.Variant{"method": v("manual"),
		"address-data": v(addrData("192.0.2.10/24")), "gateway": v("192.0.2.1"),
		"dns": v([]uint32{ip4("192.0.2.53")}), "dns-search": v([]string{"example.org"}),
		"route-data": v([]map[string]dbus.Variant{{"dest": v("198.51.100.0"), "prefix": v(uint32(24)),
			"next-hop": v("192.0.2.254"), "metric": v(uint32(200))}})}
	static["ipv6"] = map[string]dbus.Variant{"method": v("manual"), "addr-gen-mode": v(int32(0)),
		"address-data": v(addrData("2001:db8:1::10/64")), "gateway": v("2001:db8:1::1")}
	w.addProfile(static)

	many := ethernet(NameMany, UUIDMany, "eth2")
	var addrs []string
	for i := 1; i <= 14; i++ {
		addrs = append(addrs, fmt.Sprintf("198.18.0.%d/24", i))
	}
	many["ipv4"] = map[string]dbus.Variant{"method": v("manual"), "address-data": v(addrData(addrs...))}
	many["ipv6"] = map[string]dbus.Variant{"method": v("disabled")}
	w.addProfile(many)

	uni := ethernet(NameUnicode, UUIDUnicode, "eth6")
	uni["ipv4"] = map[string]dbus.Variant{"method": v("disabled")}
	uni["ipv6"] = map[string]dbus.Variant{"method": v("disabled")}
	w.addProfile(uni)

	space := ethernet(NameSpace, UUIDSpace, "eth6")
	space["ipv4"] = map[string]dbus.Variant{"method": v("manual"), "address-data": v(addrData("203.0.113.7/24"))}
	// IPv6 stays off where a kernel link-local address would appear at a
	// moment of its own: nmcli sorts by the number of addresses.
	space["ipv6"] = map[string]dbus.Variant{"method": v("disabled")}
	w.addProfile(space)

	br := settings{
		"connection": {"id": v(NameBridge), "uuid": v(UUIDBridge), "type": v("bridge"),
			"interface-name": v("br0"), "autoconnect": v(false)},
		"bridge": {"stp": v(false)},
		"ipv4":   {"method": v("manual"), "address-data": v(addrData("10.77.0.1/24"))},
		"ipv6":   {"method": v("disabled")},
	}
	w.addProfile(br)
	for _, p := range []struct{ id, uuid, ifname string }{
		{NamePort1, UUIDPort1, "eth4"}, {NamePort2, UUIDPort2, "eth5"},
	} {
		port := ethernet(p.id, p.uuid, p.ifname)
		port["connection"]["master"] = v("br0")
		port["connection"]["slave-type"] = v("bridge")
		w.addProfile(port)
	}

	dhcp := ethernet(NameDHCP, UUIDDHCP, "eth3")
	dhcp["ipv4"] = map[string]dbus.Variant{"method": v("auto")}
	dhcp["ipv6"] = map[string]dbus.Variant{"method": v("disabled")}
	w.addProfile(dhcp)

	w.addProfile(settings{
		"connection": {"id": v(NameVPN), "uuid": v(UUIDVPN), "type": v("vpn"), "autoconnect": v(false)},
		"vpn": {"service-type": v("org.freedesktop.NetworkManager.openvpn"),
			"data": v(map[string]string{"remote": "vpn.example.com", "username": "alice", "connection-type": "password"})},
		"ipv4": {"method": v("auto")},
		"ipv6": {"method": v("auto")},
	})

	spare := ethernet(NameSpare, UUIDSpare, "")
	delete(spare["connection"], "interface-name")
	w.addProfile(spare)
}

func (w *World) addProfile(s settings) dbus.ObjectPath {
	w.env.Helper()
	var path dbus.ObjectPath
	if err := w.Conn.Object(nmBus, settPath).Call(settIface+".AddConnection", 0, s).Store(&path); err != nil {
		w.env.Fatalf("nmclitest: AddConnection %v: %v", s["connection"]["id"], err)
	}
	return path
}

// ProfilePath finds a profile by UUID.
func (w *World) ProfilePath(uuid string) dbus.ObjectPath {
	w.env.Helper()
	var path dbus.ObjectPath
	if err := w.Conn.Object(nmBus, settPath).Call(settIface+".GetConnectionByUuid", 0, uuid).Store(&path); err != nil {
		w.env.Fatalf("nmclitest: GetConnectionByUuid %s: %v", uuid, err)
	}
	return path
}

// DevicePath waits (up to 20s) for the daemon to know ifname.
func (w *World) DevicePath(ifname string) dbus.ObjectPath {
	w.env.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var path dbus.ObjectPath
		err := w.Conn.Object(nmBus, nmPath).Call(nmIface+".GetDeviceByIpIface", 0, ifname).Store(&path)
		if err == nil {
			return path
		}
		if time.Now().After(deadline) {
			w.env.Fatalf("nmclitest: device %s: %v", ifname, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *World) deviceState(path dbus.ObjectPath) uint32 {
	p, err := w.Conn.Object(nmBus, path).GetProperty(devIface + ".State")
	if err != nil {
		return 0
	}
	s, _ := p.Value().(uint32)
	return s
}

func (w *World) waitDeviceManaged(ifname string) {
	w.env.Helper()
	path := w.DevicePath(ifname)
	w.waitFor(fmt.Sprintf("%s managed", ifname), func() bool { return w.deviceState(path) >= 30 })
}

func (w *World) waitFor(what string, cond func() bool) {
	w.env.Helper()
	if !w.waitForWithin(30*time.Second, cond) {
		w.env.Fatalf("nmclitest: timed out waiting for %s\n%s", what, w.Daemon.Log())
	}
}

// waitForWithin polls cond until it holds (true) or d passed (false).
func (w *World) waitForWithin(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// Activate activates a profile on a device and waits until it is
// activated.
func (w *World) Activate(uuid, ifname string) {
	w.env.Helper()
	ac := w.startActivation(uuid, ifname)
	w.waitFor("activation of "+uuid, func() bool { return w.activeState(ac) == 2 })
}

// startActivation asks for a profile's activation on a device.
func (w *World) startActivation(uuid, ifname string) dbus.ObjectPath {
	w.env.Helper()
	dev := dbus.ObjectPath("/")
	if ifname != "" {
		if ifname == "br0" {
			// The bridge is created by the activation itself.
			dev = "/"
		} else {
			dev = w.DevicePath(ifname)
		}
	}
	var ac dbus.ObjectPath
	if err := w.Conn.Object(nmBus, nmPath).Call(nmIface+".ActivateConnection", 0,
		w.ProfilePath(uuid), dev, dbus.ObjectPath("/")).Store(&ac); err != nil {
		w.env.Fatalf("nmclitest: activate %s: %v", uuid, err)
	}
	return ac
}

// activeState is an active connection's State (0 when it is gone).
func (w *World) activeState(ac dbus.ObjectPath) uint32 {
	p, err := w.Conn.Object(nmBus, ac).GetProperty(acIface + ".State")
	if err != nil {
		return 0
	}
	s, _ := p.Value().(uint32)
	return s
}
