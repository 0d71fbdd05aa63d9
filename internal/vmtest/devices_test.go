package vmtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// Device kinds this machine's kernel lacks (bond, vlan, dummy), activated
// by gonm's daemon on the guest's kernel: the links are created with the
// profiles' settings, the port joins its bond, and a restart of the daemon
// takes everything over without a single netlink change. Deactivating the
// bond deletes its link and takes the port down with it.
//
// The reference NetworkManager does not run in the guest; the state
// sequences expected here are those internal/difftest records from it for
// the kinds this kernel has (software device created for a user request:
// 20 10 2, 30 20 39, then the stages; a port whose controller goes:
// 110 100 50, 30 110 50; after a restart: 20 10 41, 30 20 41, ...).
func TestDeviceKindsOnGuestKernel(t *testing.T) {
	testbed.RequireKernel(t, "bond", "vlan", "dummy")
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	testbed.Veth(t, ns, "eth2", peer, "peer2")
	testbed.LinkUp(t, peer, "peer1", true)
	testbed.LinkUp(t, peer, "peer2", true)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})

	dir := testbed.TempDir(t)
	profiles := map[string]string{
		"dummy0": "[connection]\nid=dummy0\nuuid=44444444-0000-4000-8000-000000000001\ntype=dummy\ninterface-name=dummy0\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.1/24\n\n[ipv6]\nmethod=disabled\n",
		"bond0":  "[connection]\nid=bond0\nuuid=44444444-0000-4000-8000-000000000002\ntype=bond\ninterface-name=bond0\n\n[bond]\nmode=active-backup\nmiimon=100\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.2/24\n\n[ipv6]\nmethod=manual\naddress1=2001:db8:2::1/64\n",
		"bond0p": "[connection]\nid=bond0p\nuuid=44444444-0000-4000-8000-000000000003\ntype=ethernet\ninterface-name=eth1\nmaster=bond0\nslave-type=bond\n",
		"vlan10": "[connection]\nid=vlan10\nuuid=44444444-0000-4000-8000-000000000004\ntype=vlan\ninterface-name=eth2.10\n\n[vlan]\nid=10\nparent=eth2\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.3/24\n\n[ipv6]\nmethod=disabled\n",
	}
	if err := os.MkdirAll(filepath.Join(dir, "system-connections"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range profiles {
		if err := os.WriteFile(filepath.Join(dir, "system-connections", name+".nmconnection"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{Dir: dir, Quiet: true})
	conn := ns.Bus.Conn(t)
	sigs := make(chan *dbus.Signal, 1024)
	conn.Signal(sigs)
	if err := conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.NetworkManager.Device"), dbus.WithMatchMember("StateChanged")); err != nil {
		t.Fatal(err)
	}
	dev := func(iface string) dbus.BusObject {
		var p dbus.ObjectPath
		if err := conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").
			Call("org.freedesktop.NetworkManager.GetDeviceByIpIface", 0, iface).Store(&p); err != nil {
			return nil
		}
		return conn.Object(testbed.BusName, p)
	}
	state := func(iface string) uint32 {
		o := dev(iface)
		if o == nil {
			return 0
		}
		v, err := o.GetProperty("org.freedesktop.NetworkManager.Device.State")
		if err != nil {
			return 0
		}
		s, _ := v.Value().(uint32)
		return s
	}
	waitState := func(iface string, want uint32) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for state(iface) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: state %d, want %d\n%s", iface, state(iface), want, d.Log())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The profiles autoconnect.
	for _, iface := range []string{"dummy0", "bond0", "eth1", "eth2.10"} {
		waitState(iface, 100)
	}
	for _, c := range []struct{ args, want []string }{
		{[]string{"-d", "link", "show", "dummy0"}, []string{"dummy"}},
		{[]string{"-d", "link", "show", "bond0"}, []string{"bond mode active-backup", "miimon 100"}},
		{[]string{"link", "show", "eth1"}, []string{"master bond0"}},
		{[]string{"-d", "link", "show", "eth2.10"}, []string{"vlan protocol 802.1Q id 10", "eth2.10@eth2"}},
		{[]string{"addr", "show", "dummy0"}, []string{"192.0.2.1/24"}},
		{[]string{"addr", "show", "bond0"}, []string{"192.0.2.2/24", "2001:db8:2::1/64"}},
		{[]string{"addr", "show", "eth2.10"}, []string{"192.0.2.3/24"}},
	} {
		out := ns.MustIP(c.args...)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("ip %v lacks %q:\n%s", c.args, w, out)
			}
		}
	}

	// Restart: nothing changes in the kernel, every device is assumed.
	quietDeadline := time.Now().Add(30 * time.Second)
	for strings.Contains(ns.MustIP("-6", "addr"), "tentative") && time.Now().Before(quietDeadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if err := d.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mon lockedBuffer
	monCmd := ns.Command(ctx, "ip", "monitor", "link", "address", "route")
	monCmd.Stdout = &mon
	if err := monCmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The monitor is listening once it reports a canary change.
	canary := []string{"203.0.113.0/24", "dev", "lo", "table", "100"}
	for i := 0; i < 100 && !strings.Contains(mon.String(), "Deleted 203.0.113.0/24"); i++ {
		ns.MustIP(append([]string{"route", "add"}, canary...)...)
		ns.MustIP(append([]string{"route", "del"}, canary...)...)
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	before := len(mon.String())
	d2 := testbed.StartDaemon(t, ns, testbed.DaemonOptions{Dir: dir, Quiet: true})
	for _, iface := range []string{"dummy0", "bond0", "eth1", "eth2.10"} {
		waitState(iface, 100)
	}
	time.Sleep(3 * time.Second)
	cancel()
	_ = monCmd.Wait()
	if changes := mon.String()[before:]; changes != "" {
		t.Errorf("netlink changes during the restart:\n%s", changes)
	}
	for _, iface := range []string{"dummy0", "bond0", "eth1", "eth2.10"} {
		v, err := dev(iface).GetProperty("org.freedesktop.NetworkManager.Device.ActiveConnection")
		if err != nil {
			t.Fatal(err)
		}
		ac, _ := v.Value().(dbus.ObjectPath)
		v, err = conn.Object(testbed.BusName, ac).GetProperty("org.freedesktop.NetworkManager.Connection.Active.Uuid")
		if err != nil || !strings.HasPrefix(v.Value().(string), "44444444-") {
			t.Errorf("%s after the restart: active profile %v, %v (not assumed)", iface, v, err)
		}
	}

	// Taking the bond down deletes it; its port goes with
	// dependency-failed.
	for len(sigs) > 0 {
		<-sigs
	}
	portPath := dev("eth1").Path()
	if err := dev("bond0").Call("org.freedesktop.NetworkManager.Device.Disconnect", 0).Err; err != nil {
		t.Fatal(err)
	}
	waitState("eth1", 30)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := ns.IP("link", "show", "bond0"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bond0 not deleted")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var port []string
	for len(sigs) > 0 {
		s := <-sigs
		if s.Path == portPath {
			port = append(port, fmt.Sprintf("%v %v %v", s.Body...))
		}
	}
	if strings.Join(port, ",") != "110 100 50,30 110 50" {
		t.Errorf("port states %q, want 110 100 50, 30 110 50\n%s", port, d2.Log())
	}
	if err := d2.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

// lockedBuffer collects a command's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
