package dhcp4

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// link is one end of a veth inside a test namespace.
type link struct {
	ns      *testbed.Netns
	name    string
	index   int
	hw      net.HardwareAddr
	peerNS  *testbed.Netns
	peerDev string
}

// newLink makes client namespace eth1 <-> peer namespace peer1, the peer
// end holding 192.0.2.1/24.
func newLink(t *testing.T) *link {
	t.Helper()
	testbed.RequireRoot(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
	l := &link{ns: ns, name: "eth1", peerNS: peer, peerDev: "peer1"}
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		l.index, l.hw = ifi.Index, ifi.HardwareAddr
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// The device starts DHCP on carrier: wait for it, or the first
	// packets may be lost while the veth comes up.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(ns.MustIP("link", "show", "eth1"), "state UP") || !strings.Contains(peer.MustIP("link", "show", "peer1"), "state UP") {
		if time.Now().After(deadline) {
			t.Fatal("veth has no carrier")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return l
}

// events collects a client's events for the test goroutine.
type events chan Event

func (e events) notify(ev Event) { e <- ev }

func (e events) wait(t *testing.T, want EventType, timeout time.Duration) Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev := <-e:
			if ev.Type == want {
				return ev
			}
			t.Logf("event %v while waiting for %v", ev.Type, want)
			if ev.Type == EventFailed {
				t.Fatalf("client failed: %v", ev.Err)
			}
		case <-deadline:
			t.Fatalf("no %v event within %v", want, timeout)
		}
	}
}

func startClient(t *testing.T, l *link, cfg Config) (*Client, events) {
	t.Helper()
	cfg.IfIndex, cfg.IfName, cfg.HWAddr = l.index, l.name, l.hw
	ev := make(events, 32)
	c, err := New(cfg, ev.notify)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.ns.Do(c.Start); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(false) })
	return c, ev
}

func TestDnsmasqDORARelease(t *testing.T) {
	l := newLink(t)
	srv := testbed.StartDnsmasq(t, l.peerNS, "peer1",
		"--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
		"--dhcp-option=option:router,192.0.2.1",
		"--dhcp-option=option:dns-server,192.0.2.53,192.0.2.54",
		"--dhcp-option=option:domain-name,example.test",
		"--dhcp-option=option:domain-search,a.example.test,b.example.test",
		"--dhcp-option=option:mtu,1400",
		"--dhcp-option=option:ntp-server,192.0.2.123")
	leaseFile := filepath.Join(t.TempDir(), "internal-u-eth1.lease")
	c, ev := startClient(t, l, Config{SendRelease: true, LeaseFile: leaseFile, Hostname: "gonm-host", Timeout: 30 * time.Second})
	e := ev.wait(t, EventBound, 20*time.Second)
	lease := e.Lease
	if !lease.Address.Addr().Is4() || lease.Address.Bits() != 24 || !netip.MustParsePrefix("192.0.2.0/24").Contains(lease.Address.Addr()) {
		t.Fatalf("lease address %v", lease.Address)
	}
	if lease.Lifetime != 2*time.Minute || lease.T1 != time.Minute || lease.T2 != 105*time.Second {
		t.Errorf("lease times %v %v %v", lease.Lifetime, lease.T1, lease.T2)
	}
	want := map[string]string{
		"ip_address":             lease.Address.Addr().String(),
		"subnet_mask":            "255.255.255.0",
		"routers":                "192.0.2.1",
		"domain_name_servers":    "192.0.2.53 192.0.2.54",
		"domain_name":            "example.test",
		"domain_search":          "a.example.test b.example.test",
		"interface_mtu":          "1400",
		"ntp_servers":            "192.0.2.123",
		"dhcp_server_identifier": "192.0.2.1",
		"dhcp_lease_time":        "120",
		"broadcast_address":      "192.0.2.255",
		"requested_routers":      "1",
		"requested_wpad":         "1",
	}
	for k, v := range want {
		if lease.Options[k] != v {
			t.Errorf("option %s = %q, want %q", k, lease.Options[k], v)
		}
	}
	if len(lease.Routes) != 1 || lease.Routes[0].Dest.Bits() != 0 || lease.Routes[0].Gateway != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("routes %+v", lease.Routes)
	}
	if lease.MTU != 1400 || len(lease.DNS) != 2 {
		t.Errorf("mtu %d dns %v", lease.MTU, lease.DNS)
	}
	b, err := os.ReadFile(leaseFile)
	if err != nil || string(b) != "# This is private data. Do not parse.\nADDRESS="+lease.Address.Addr().String()+"\n" {
		t.Errorf("lease file %q %v", b, err)
	}
	// The server recorded our hostname and MAC client identifier.
	leases, err := testbed.WaitFile(filepath.Join(srv.Dir, "leases"), lease.Address.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(leases, "gonm-host") || !strings.Contains(leases, "01:"+l.hw.String()) {
		t.Errorf("dnsmasq leases %q lack hostname or client id 01:%s", leases, l.hw)
	}
	// Acting as l3cfg: configure the address, then release.
	l.ns.MustIP("addr", "add", lease.Address.String(), "dev", "eth1")
	c.Stop(true)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(srv.Dir, "leases"))
		if !strings.Contains(string(b), lease.Address.Addr().String()) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("dnsmasq still holds the lease after RELEASE:\n%s", srv.Output())
}
