package difftest

import (
	"strings"
	"testing"

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
		setup: func(s *side) {
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
		steps: func(s *side) {
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
		setup: func(s *side) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.LinkUp(t, s.peer, "peer1", true)
		},
		steps: func(s *side) {
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
