package difftest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

const profileC1 = `[connection]
id=c1
uuid=6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a11
type=ethernet
autoconnect=false
interface-name=eth1

[ipv4]
method=manual
address1=192.0.2.1/24

[ipv6]
method=disabled
`

// Devices found at start: lo and a bridge configured by hand are shown
// connected externally, veths (managed without udev) become available,
// one without carrier stays unavailable.
func TestDevicesAtStartup(t *testing.T) {
	sc := scenario{
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.LinkUp(t, s.ns, "eth1", false)
			s.ns.MustIP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
			testbed.Bridge(t, s.ns, "br9")
			testbed.LinkUp(t, s.ns, "br9", true)
			testbed.AddAddr(t, s.ns, "br9", "192.0.2.9/24")
			testbed.Veth(t, s.ns, "eth2", s.peer, "peer2")
			testbed.LinkUp(t, s.peer, "peer2", false)
			testbed.LinkUp(t, s.ns, "eth2", false)
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			s.waitState("veth1", 30)
			s.waitState("br9", 100)
			s.waitState("eth2", 20)
		},
	}
	nm, gonm := compareSides(t, sc)
	a := normalize(nm.nmcli("-f", "DEVICE,TYPE,STATE,IP4-CONNECTIVITY,IP6-CONNECTIVITY,DBUS-PATH,CONNECTION", "device", "status"))
	b := normalize(gonm.nmcli("-f", "DEVICE,TYPE,STATE,IP4-CONNECTIVITY,IP6-CONNECTIVITY,DBUS-PATH,CONNECTION", "device", "status"))
	if a != b {
		t.Errorf("nmcli device status differs:\nNetworkManager 1.42:\n%s\ngonm:\n%s", a, b)
	}
}

// A manual profile on a veth: activation, Disconnect, activation again and
// DeactivateConnection go through the same states on both.
func TestActivateDeactivateEthernet(t *testing.T) {
	sc := scenario{
		profiles: map[string]string{"c1.nmconnection": profileC1},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.LinkUp(t, s.peer, "peer1", true)
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			if err := s.activate("6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a11", "eth1"); err != nil {
				t.Fatalf("%s: activate: %v", s.name, err)
			}
			s.waitState("eth1", 100)
			addr := s.ns.MustIP("-4", "-o", "addr", "show", "dev", "eth1")
			if !strings.Contains(addr, "192.0.2.1/24") || !strings.Contains(addr, "noprefixroute") {
				t.Errorf("%s: address %q", s.name, addr)
			}
			if err := s.disconnect("eth1"); err != nil {
				t.Fatalf("%s: disconnect: %v", s.name, err)
			}
			s.waitState("eth1", 30)
			if addr := s.ns.MustIP("-4", "-o", "addr", "show", "dev", "eth1"); addr != "" {
				t.Errorf("%s: address left after Disconnect: %q", s.name, addr)
			}
			if err := s.activate("6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a11", ""); err != nil {
				t.Fatalf("%s: activate: %v", s.name, err)
			}
			s.waitState("eth1", 100)
		},
	}
	compareSides(t, sc)
}

// Carrier lost and back on an activated veth (the peer goes down and up):
// the device waits out the grace period, deactivates, and autoconnects
// again when carrier returns.
func TestCarrierOffOn(t *testing.T) {
	sc := scenario{
		profiles: map[string]string{"c1.nmconnection": strings.Replace(profileC1, "autoconnect=false", "autoconnect=true", 1)},
		conf:     "[device]\ncarrier-wait-timeout=1000\n",
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 100)
			testbed.LinkUp(t, s.peer, "peer1", false)
			s.waitState("eth1", 20)
			testbed.LinkUp(t, s.peer, "peer1", true)
			s.waitState("eth1", 100)
		},
	}
	compareSides(t, sc)
}

// A bridge profile with a veth port: the port waits for the bridge, the
// bridge stays in IP configuration until it has carrier; taking the
// bridge down takes the port down and deletes the bridge.
func TestBridgeWithPort(t *testing.T) {
	sc := scenario{
		profiles: map[string]string{
			"br0.nmconnection": `[connection]
id=br0
uuid=2c7c1c35-3f0a-4d1f-a9d3-0e2e3a1b0b01
type=bridge
autoconnect=false
interface-name=br0

[bridge]
stp=false

[ipv4]
method=manual
address1=192.0.2.1/24

[ipv6]
method=disabled
`,
			"port1.nmconnection": `[connection]
id=port1
uuid=2c7c1c35-3f0a-4d1f-a9d3-0e2e3a1b0b02
type=ethernet
autoconnect=false
interface-name=eth1
master=br0
slave-type=bridge
`},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			if err := s.activate("2c7c1c35-3f0a-4d1f-a9d3-0e2e3a1b0b01", ""); err != nil {
				t.Fatalf("%s: activate br0: %v", s.name, err)
			}
			s.waitState("br0", 70)
			if err := s.activate("2c7c1c35-3f0a-4d1f-a9d3-0e2e3a1b0b02", "eth1"); err != nil {
				t.Fatalf("%s: activate port1: %v", s.name, err)
			}
			s.waitState("eth1", 100)
			s.waitState("br0", 100)
			if m := s.ns.MustIP("-o", "link", "show", "eth1"); !strings.Contains(m, "master br0") {
				t.Errorf("%s: eth1 not attached: %s", s.name, m)
			}
			if err := s.disconnect("br0"); err != nil {
				t.Fatalf("%s: disconnect br0: %v", s.name, err)
			}
			s.waitState("eth1", 30)
			s.until("br0 deleted", 10*time.Second, func() bool {
				_, err := s.ns.IP("link", "show", "br0")
				return err != nil
			})
		},
	}
	compareSides(t, sc)
}

// A port whose controller does not exist is refused with
// NetworkManager's error; nothing changes state.
func TestMissingController(t *testing.T) {
	var errs []string
	sc := scenario{
		profiles: map[string]string{
			"port1.nmconnection": `[connection]
id=port1
uuid=2c7c1c35-3f0a-4d1f-a9d3-0e2e3a1b0b02
type=ethernet
autoconnect=false
interface-name=eth1
master=nosuchbr
slave-type=bridge
`},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			err := s.activate("2c7c1c35-3f0a-4d1f-a9d3-0e2e3a1b0b02", "eth1")
			errs = append(errs, fmt.Sprint(err))
		},
	}
	compareSides(t, sc)
	if len(errs) != 2 || errs[0] != errs[1] || errs[0] == "<nil>" {
		t.Errorf("errors differ or missing:\nNetworkManager 1.42: %v\ngonm: %v", errs[0], errs[1:])
	}
}

// An IPv6 address another host already uses: duplicate address detection
// fails and the activation fails with NetworkManager's reason, then the
// device goes back to disconnected.
func TestAddressCollision(t *testing.T) {
	sc := scenario{
		profiles: map[string]string{"c6.nmconnection": `[connection]
id=c6
uuid=6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a16
type=ethernet
autoconnect=false
interface-name=eth1

[ipv4]
method=disabled

[ipv6]
method=manual
address1=2001:db8::1/64
`},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.AddAddr(t, s.peer, "peer1", "2001:db8::1/64", "nodad")
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			if err := s.activate("6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a16", "eth1"); err != nil {
				t.Fatalf("%s: activate: %v", s.name, err)
			}
			s.until("failure", 30*time.Second, func() bool {
				s.mu.Lock()
				defer s.mu.Unlock()
				for _, e := range s.events {
					if strings.HasPrefix(e, "device eth1: 120 ") {
						return true
					}
				}
				return false
			})
			s.waitState("eth1", 30)
		},
	}
	compareSides(t, sc)
}

// Software devices created from profiles on activation and deleted
// afterwards: macvlan on a veth, vxlan, tun and tap.
func TestSoftwareKinds(t *testing.T) {
	prof := func(id, uuid, typ, iface, extra string) string {
		return fmt.Sprintf("[connection]\nid=%s\nuuid=%s\ntype=%s\nautoconnect=false\ninterface-name=%s\n\n%s\n[ipv4]\nmethod=manual\naddress1=%s\n\n[ipv6]\nmethod=disabled\n",
			id, uuid, typ, iface, extra, map[string]string{"mv0": "192.0.2.10/24", "vx0": "192.0.2.11/24", "tun0": "192.0.2.12/24", "tap0": "192.0.2.13/24"}[iface])
	}
	profiles := map[string]string{
		"mv0.nmconnection":  prof("mv0", "11111111-0000-4000-8000-000000000001", "macvlan", "mv0", "[macvlan]\nmode=2\nparent=eth1\n"),
		"vx0.nmconnection":  prof("vx0", "11111111-0000-4000-8000-000000000002", "vxlan", "vx0", "[vxlan]\nid=42\nremote=198.51.100.1\ndestination-port=4789\n"),
		"tun0.nmconnection": prof("tun0", "11111111-0000-4000-8000-000000000003", "tun", "tun0", "[tun]\nmode=1\n"),
		"tap0.nmconnection": prof("tap0", "11111111-0000-4000-8000-000000000004", "tun", "tap0", "[tun]\nmode=2\n"),
	}
	sc := scenario{
		profiles: profiles,
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			for i, iface := range []string{"mv0", "vx0", "tun0", "tap0"} {
				uuid := fmt.Sprintf("11111111-0000-4000-8000-00000000000%d", i+1)
				if err := s.activate(uuid, ""); err != nil {
					t.Fatalf("%s: activate %s: %v", s.name, iface, err)
				}
				s.waitState(iface, 100)
				if err := s.disconnect(iface); err != nil {
					t.Fatalf("%s: disconnect %s: %v", s.name, iface, err)
				}
				s.until(iface+" deleted", 10*time.Second, func() bool {
					_, err := s.ns.IP("link", "show", iface)
					return err != nil
				})
			}
		},
	}
	compareSides(t, sc)
}

// Autoconnect picks the profile with the higher autoconnect-priority; a
// profile that keeps failing is retried autoconnect-retries times, then
// blocked.
func TestAutoconnectOrderAndRetries(t *testing.T) {
	p := func(id, uuid string, prio int, ipv6 string) string {
		return fmt.Sprintf("[connection]\nid=%s\nuuid=%s\ntype=ethernet\ninterface-name=eth1\nautoconnect-priority=%d\nautoconnect-retries=2\n\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=manual\naddress1=%s\n",
			id, uuid, prio, ipv6)
	}
	sc := scenario{
		profiles: map[string]string{
			// The preferred profile collides with the peer's address and
			// fails; after its retries the other one connects.
			"a.nmconnection": p("high", "22222222-0000-4000-8000-000000000001", 10, "2001:db8::1/64"),
			"b.nmconnection": p("low", "22222222-0000-4000-8000-000000000002", 5, "2001:db8::2/64"),
		},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.AddAddr(t, s.peer, "peer1", "2001:db8::1/64", "nodad")
		},
		steps: func(s *devSide) {
			s.until("low connected", 60*time.Second, func() bool {
				s.mu.Lock()
				defer s.mu.Unlock()
				for _, e := range s.events {
					if e == "active low: 2 0" {
						return true
					}
				}
				return false
			})
		},
	}
	compareSides(t, sc)
}

// An Ethernet device without a profile gets NetworkManager's default
// profile ("Wired connection 1", its UUID derived from the machine id, the
// name and the permanent MAC address or, for a veth, the interface name),
// which autoconnects. no-auto-default (here cleared in conf.d) is what
// the other scenarios use to prevent it.
func TestDefaultWiredProfile(t *testing.T) {
	var lists = map[string]string{}
	sc := scenario{
		confD: map[string]string{"auto-default.conf": "[main]\nno-auto-default=\n"},
		busy:  true,
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			// The same (stand-in permanent) MAC address on both sides,
			// as the UUID depends on it.
			s.ns.MustIP("link", "set", "eth1", "address", "02:00:5e:10:00:01")
			testbed.LinkUp(t, s.peer, "peer1", true)
		},
		steps: func(s *devSide) {
			s.until("a default profile", 20*time.Second, func() bool {
				out, _ := s.ns.Run("nmcli", "-t", "-f", "NAME", "connection", "show")
				return strings.Contains(out, "Wired connection 1")
			})
			// The device starts activating it (ipv4.method auto).
			s.until("eth1 activating", 20*time.Second, func() bool { return s.deviceState("eth1") >= 40 })
			// lo's generated profile has a random UUID.
			lists[s.name] = regexp.MustCompile(`(?m)^lo:[^:]*:`).ReplaceAllString(s.nmcli("-t", "-f", "NAME,UUID,TYPE,DEVICE", "connection", "show"), "lo:<uuid>:") +
				s.nmcli("-t", "-f", "connection.autoconnect,connection.autoconnect-priority,connection.interface-name,ipv4.method,ipv6.method",
					"connection", "show", "Wired connection 1")
		},
	}
	// How far the DHCP attempt got is timing (and issue 8's).
	compareSides(t, sc, "device eth1", "active Wired connection 1", "manager")
	if lists["nm"] != lists["gonm"] {
		t.Errorf("default profile differs:\nNetworkManager 1.42:\n%s\ngonm:\n%s", lists["nm"], lists["gonm"])
	} else {
		t.Logf("default profile:\n%s", lists["nm"])
	}
}

// Deleting the profile of an active connection deactivates it
// (connection-removed).
func TestDeleteActiveProfile(t *testing.T) {
	sc := scenario{
		profiles: map[string]string{"c1.nmconnection": profileC1},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.LinkUp(t, s.peer, "peer1", true)
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			if err := s.activate("6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a11", "eth1"); err != nil {
				t.Fatalf("%s: activate: %v", s.name, err)
			}
			s.waitState("eth1", 100)
			if err := s.conn.Object(testbed.BusName, s.profilePath("6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a11")).
				Call("org.freedesktop.NetworkManager.Settings.Connection.Delete", 0).Err; err != nil {
				t.Fatalf("%s: delete: %v", s.name, err)
			}
			s.waitState("eth1", 30)
			if out := s.nmcli("-t", "-f", "NAME", "connection", "show", "--active"); strings.Contains(out, "c1") {
				t.Errorf("%s: c1 still active:\n%s", s.name, out)
			}
		},
	}
	compareSides(t, sc)
}

// A loopback profile added while lo is shown connected externally
// autoconnects on top of the external activation (new-activation), the
// one kind NetworkManager allows that for; the generated profile goes.
func TestLoopbackProfileReplacesExternal(t *testing.T) {
	lists := map[string]string{}
	sc := scenario{
		steps: func(s *devSide) {
			s.waitState("lo", 100)
			s.nmcli("connection", "add", "type", "loopback", "ifname", "lo", "con-name", "lo2",
				"connection.uuid", "6d0b8a64-1d6e-4a2b-9d1c-0a6f7c6b1a30", "ipv4.method", "manual", "ipv4.addresses", "127.0.0.2/8")
			s.until("lo2 active", 20*time.Second, func() bool {
				out, _ := s.ns.Run("nmcli", "-t", "-f", "NAME", "connection", "show", "--active")
				return strings.TrimSpace(out) == "lo2"
			})
			lists[s.name] = s.nmcli("-t", "-f", "NAME,UUID,TYPE,DEVICE", "connection", "show")
		},
	}
	compareSides(t, sc)
	if lists["nm"] != lists["gonm"] {
		t.Errorf("profiles differ:\nNetworkManager 1.42:\n%s\ngonm:\n%s", lists["nm"], lists["gonm"])
	}
}
