package difftest

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// Enable(false/true) and Sleep(true/false) on the root object, against
// NetworkManager 1.42: with networking disabled an active device
// deactivates (reason sleeping) and goes unmanaged, idle ones go
// unmanaged at once, and all come back (the profile connects again);
// sleeping does the same but leaves software devices alone (on this
// test bed every device is software, lo included: only the manager's
// state changes). The StateChanged sequences of every
// device, the active connection and the manager are compared, and
// NetworkingEnabled is persisted in NetworkManager.state as 1.42 writes
// it.
func TestEnableAndSleep(t *testing.T) {
	states := map[string]string{}
	profile := regexp.MustCompile(`(?m)^autoconnect=false\n`).ReplaceAllString(profileC1, "")
	sc := scenario{
		profiles: map[string]string{"c1.nmconnection": profile},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.Veth(t, s.ns, "eth2", s.peer, "peer2")
			testbed.Veth(t, s.ns, "eth3", s.peer, "peer3")
			testbed.LinkUp(t, s.peer, "peer1", true)
			testbed.LinkUp(t, s.peer, "peer2", true)
			testbed.LinkUp(t, s.peer, "peer3", false)
		},
		steps: func(s *devSide) {
			root := s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager")
			call := func(method string, arg bool) {
				if err := root.Call(ifaceNM+"."+method, 0, arg).Err; err != nil {
					t.Errorf("%s: %s(%v): %v", s.name, method, arg, err)
				}
			}
			s.waitState("eth1", 100)
			s.waitState("eth2", 30)
			s.waitState("eth3", 20)
			s.settle()

			call("Enable", false)
			s.until("eth1 unmanaged", 20*time.Second, func() bool { return s.stateByIface("eth1") == 10 })
			s.until("eth2 unmanaged", 20*time.Second, func() bool { return s.stateByIface("eth2") == 10 })
			time.Sleep(time.Second)
			b, err := os.ReadFile(filepath.Join(s.d.StateDir, "NetworkManager.state"))
			if err != nil {
				t.Errorf("%s: %v", s.name, err)
			}
			states[s.name] = string(b)
			call("Enable", true)
			s.waitState("eth1", 100)
			s.waitState("eth2", 30)
			s.settle()

			// Suspending leaves software devices (veths among them) alone,
			// as NetworkManager does; lo goes.
			call("Sleep", true)
			time.Sleep(3 * time.Second)
			if st := s.stateByIface("eth1"); st != 100 {
				t.Errorf("%s: eth1 in state %d while suspended, want 100 (a software device)", s.name, st)
			}
			call("Sleep", false)
			s.waitState("eth1", 100)
			s.waitState("eth2", 30)
			time.Sleep(time.Second)
		},
	}
	compareSides(t, sc)
	if states["nm"] != states["gonm"] {
		t.Errorf("NetworkManager.state differs:\nNetworkManager 1.42:\n%s\ngonm:\n%s", states["nm"], states["gonm"])
	} else {
		t.Logf("NetworkManager.state:\n%s", states["nm"])
	}
}

// stateByIface finds a device by its Interface property among all devices
// (NetworkManager's GetDeviceByIpIface does not find a device that went
// unmanaged for sleeping: it has no IP interface then).
func (s *devSide) stateByIface(iface string) uint32 {
	var all []dbus.ObjectPath
	if err := s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").Call(ifaceNM+".GetAllDevices", 0).Store(&all); err != nil {
		return 0
	}
	for _, p := range all {
		o := s.conn.Object(testbed.BusName, p)
		if v, err := o.GetProperty(ifaceDevice + ".Interface"); err == nil && v.Value() == iface {
			if st, err := o.GetProperty(ifaceDevice + ".State"); err == nil {
				n, _ := st.Value().(uint32)
				return n
			}
		}
	}
	return 0
}
