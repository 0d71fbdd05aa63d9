package dhcpconfig

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/testbed"
)

// exporter serves an exporter of our own on ns's bus under
// NetworkManager's name.
func exporter(t *testing.T, ns *testbed.Netns) (*loop.Loop, *bus.Exporter) {
	t.Helper()
	lp := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go lp.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-lp.Done()
	})
	exp := bus.New(lp, bus.Options{Strict: true})
	conn, err := exp.Connect(ns.Bus.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if r, err := conn.RequestName(testbed.BusName, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v %v", r, err)
	}
	return lp, exp
}

func call(t *testing.T, lp *loop.Loop, fn func()) {
	t.Helper()
	if err := lp.Call(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func getOptions(t *testing.T, c *dbus.Conn, path dbus.ObjectPath, iface string) map[string]dbus.Variant {
	t.Helper()
	v, err := c.Object(testbed.BusName, path).GetProperty(iface + ".Options")
	if err != nil {
		t.Fatalf("get %s Options: %v", path, err)
	}
	m, ok := v.Value().(map[string]dbus.Variant)
	if !ok {
		t.Fatalf("Options is %s, want a{sv}", v.Signature())
	}
	return m
}

func TestObjectLifeAndRateLimit(t *testing.T) {
	testbed.RequireRoot(t)
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	lp, exp := exporter(t, ns)
	client := ns.Bus.Conn(t)
	var c4, c6 *Config
	call(t, lp, func() { c4, c6 = New(exp, false), New(exp, true) })
	if !strings.HasPrefix(string(c4.Path()), "/org/freedesktop/NetworkManager/DHCP4Config/") ||
		!strings.HasPrefix(string(c6.Path()), "/org/freedesktop/NetworkManager/DHCP6Config/") {
		t.Fatalf("paths %s %s", c4.Path(), c6.Path())
	}
	if m := getOptions(t, client, c4.Path(), IfaceDHCP4); len(m) != 0 {
		t.Errorf("options before a lease: %v", m)
	}

	if err := client.AddMatchSignal(dbus.WithMatchObjectPath(c4.Path()), dbus.WithMatchInterface("org.freedesktop.DBus.Properties")); err != nil {
		t.Fatal(err)
	}
	sigs := make(chan *dbus.Signal, 100)
	client.Signal(sigs)
	// A burst of 30 changes: a few signals, the last with the last state.
	call(t, lp, func() {
		for i := range 30 {
			c4.SetOptions(map[string]string{"ip_address": fmt.Sprintf("192.0.2.%d", i+1), "subnet_mask": "255.255.255.0"})
		}
	})
	var last map[string]dbus.Variant
	n := 0
	timeout := time.After(2 * time.Second)
collect:
	for {
		select {
		case s := <-sigs:
			if s.Name != "org.freedesktop.DBus.Properties.PropertiesChanged" || s.Body[0] != IfaceDHCP4 {
				continue
			}
			if v, ok := s.Body[1].(map[string]dbus.Variant)["Options"]; ok {
				n++
				last = v.Value().(map[string]dbus.Variant)
			}
		case <-timeout:
			break collect
		}
	}
	if n == 0 || n > 3 {
		t.Errorf("%d Options signals for a burst", n)
	}
	if last["ip_address"].Value() != "192.0.2.30" || last["ip_address"].Signature().String() != "s" {
		t.Errorf("last signal %v", last)
	}
	if m := getOptions(t, client, c4.Path(), IfaceDHCP4); m["ip_address"].Value() != "192.0.2.30" {
		t.Errorf("settled options %v", m)
	}
	// The same options again change nothing.
	call(t, lp, func() { c4.SetOptions(map[string]string{"ip_address": "192.0.2.30", "subnet_mask": "255.255.255.0"}) })
	select {
	case s := <-sigs:
		if s.Name == "org.freedesktop.DBus.Properties.PropertiesChanged" {
			t.Errorf("signal for unchanged options: %v", s.Body)
		}
	case <-time.After(500 * time.Millisecond):
	}
	// Losing the lease empties the dictionary; removal takes the object away.
	call(t, lp, func() { c4.SetOptions(nil) })
	time.Sleep(400 * time.Millisecond)
	if m := getOptions(t, client, c4.Path(), IfaceDHCP4); len(m) != 0 {
		t.Errorf("options without lease: %v", m)
	}
	path := c4.Path()
	call(t, lp, func() { c4.Remove() })
	if _, err := client.Object(testbed.BusName, path).GetProperty(IfaceDHCP4 + ".Options"); err == nil {
		t.Errorf("removed object still answers")
	}
}

// TestReferenceDHCP4ConfigObject compares the DHCP4Config object of
// NetworkManager 1.42 with ours for the same dnsmasq and client: the same
// option names, each a string variant, with the same values (apart from
// expiry, which is wall-clock time).
func TestReferenceDHCP4ConfigObject(t *testing.T) {
	testbed.RequireReference(t)
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	testbed.StartDnsmasq(t, peer, "peer1",
		"--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
		"--dhcp-option=option:router,192.0.2.1",
		"--dhcp-option=option:dns-server,192.0.2.53",
		"--dhcp-option=option:domain-name,example.test",
		"--dhcp-option=option:classless-static-route,10.0.0.0/8,192.0.2.1,0.0.0.0/0,192.0.2.1")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "auto", "ipv6.method", "disabled")
	client := ns.Bus.Conn(t)
	var refOpts map[string]dbus.Variant
	deadline := time.Now().Add(30 * time.Second)
	for {
		path := strings.TrimSpace(ns.MustRun("busctl", "--system", "get-property", testbed.BusName,
			"/org/freedesktop/NetworkManager/Devices/2", "org.freedesktop.NetworkManager.Device", "Dhcp4Config"))
		path = strings.Trim(strings.TrimPrefix(path, "o "), `"`)
		if path != "/" && path != "" {
			refOpts = getOptions(t, client, dbus.ObjectPath(path), IfaceDHCP4)
			if _, ok := refOpts["ip_address"]; ok {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("reference got no lease (Dhcp4Config %q)", path)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := ref.Stop(); err != nil {
		t.Fatal(err)
	}
	ns.MustIP("addr", "flush", "dev", "eth1")

	// Ours: the engine with NetworkManager's default identity (the MAC
	// client identifier) and the host name the reference sent.
	var ifi *net.Interface
	if err := ns.Do(func() (err error) { ifi, err = net.InterfaceByName("eth1"); return err }); err != nil {
		t.Fatal(err)
	}
	evs := make(chan dhcp4.Event, 8)
	cl, err := dhcp4.New(dhcp4.Config{IfIndex: ifi.Index, IfName: "eth1", HWAddr: ifi.HardwareAddr, Hostname: testbed.TestHostname},
		func(e dhcp4.Event) { evs <- e })
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Do(cl.Start); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Stop(false) })
	var lease *dhcp4.Lease
	for lease == nil {
		select {
		case e := <-evs:
			if e.Type == dhcp4.EventBound {
				lease = e.Lease
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no lease")
		}
	}
	lp, exp := exporter(t, ns)
	var c *Config
	call(t, lp, func() {
		c = New(exp, false)
		c.SetOptions(lease.Options)
	})
	time.Sleep(100 * time.Millisecond)
	ours := getOptions(t, client, c.Path(), IfaceDHCP4)
	keys := map[string]bool{}
	for k := range refOpts {
		keys[k] = true
	}
	for k := range ours {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		r, o := refOpts[k], ours[k]
		if r.Signature().String() != "s" || o.Signature().String() != "s" {
			t.Errorf("option %s: signatures ours %q, NetworkManager %q", k, o.Signature(), r.Signature())
			continue
		}
		if k == "expiry" {
			continue
		}
		if r.Value() != o.Value() {
			t.Errorf("option %s: ours %v, NetworkManager %v", k, o.Value(), r.Value())
		}
	}
}
