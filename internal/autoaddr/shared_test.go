package autoaddr

import (
	"context"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/firewall"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/testbed"
)

func TestDnsmasqRange(t *testing.T) {
	for _, c := range []struct{ addr, first, last, err string }{
		{"10.42.0.1/24", "10.42.0.10", "10.42.0.254", ""},
		{"192.168.5.200/24", "192.168.5.1", "192.168.5.191", ""},
		{"10.0.0.1/16", "10.0.0.10", "10.0.0.254", ""},
		{"10.0.0.0/24", "10.0.0.10", "10.0.0.254", ""},
		{"10.0.0.255/24", "10.0.0.1", "10.0.0.245", ""},
		{"10.0.0.1/29", "10.0.0.2", "10.0.0.6", ""},
		{"10.0.0.1/31", "", "", "Address prefix 31 is too small for DHCP."},
	} {
		f, l, err := DnsmasqRange(netip.MustParsePrefix(c.addr))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: error %v, want %q", c.addr, err, c.err)
			}
			continue
		}
		if err != nil || f.String() != c.first || l.String() != c.last {
			t.Errorf("%s: %v-%v %v, want %s-%s", c.addr, f, l, err, c.first, c.last)
		}
	}
}

func TestSharedIPs(t *testing.T) {
	s := NewSharedIPs()
	a, b := s.Reserve(), s.Reserve()
	if a.String() != "10.42.0.1" || b.String() != "10.42.1.1" {
		t.Fatalf("%v %v", a, b)
	}
	s.Release(a)
	if c := s.Reserve(); c != a {
		t.Errorf("released subnet not reused: %v", c)
	}
}

// Shared mode: this namespace shares its uplink (wan0, to an upstream
// namespace that has no route back to 10.42.0.0/24) with a client in a
// third namespace, which gets an address from dnsmasq and reaches the
// upstream through NAT.
func TestSharedGivesClientAddressAndNAT(t *testing.T) {
	testbed.RequireDnsmasq(t)
	if _, err := os.Stat(firewall.NftPath); err != nil {
		t.Skipf("nftables not installed (apt-get install nftables): %v", err)
	}
	e := newEnv(t)
	up := testbed.NewNetns(t)
	testbed.Veth(t, e.ns, "wan0", up, "isp0")
	e.ns.MustIP("addr", "add", "198.51.100.2/24", "dev", "wan0")
	e.ns.MustIP("link", "set", "wan0", "up")
	up.MustIP("addr", "add", "198.51.100.1/24", "dev", "isp0")
	up.MustIP("link", "set", "isp0", "up")

	d := e.start()
	runDir := t.TempDir()
	d.extra = func(o *Options) {
		o.Command = func(ctx context.Context, name string, args ...string) *exec.Cmd {
			return e.ns.Command(ctx, name, args...)
		}
	}
	var p *Params
	r := d.run(profile(t, "method=shared", ipv6Off), false, func(pp *Params) {
		pp.DnsmasqPidFile = runDir + "/nm-dnsmasq-eth1.pid"
		p = pp
	})
	if p.Firewall != firewall.BackendNftables || p.DnsmasqLeaseFile != e.stateDir+"/dnsmasq-eth1.leases" {
		t.Fatalf("parameters %+v", p)
	}
	d.waitState(r, l3cfg.IPv4, StateReady, 10*time.Second)
	e.waitKernel("inet 10.42.0.1/24", true, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	if v := strings.TrimSpace(e.ns.MustRun("sysctl", "-n", "net.ipv4.ip_forward")); v != "1" {
		t.Errorf("ip_forward %s", v)
	}
	rules := e.ns.MustRun("nft", "list", "ruleset")
	if !strings.Contains(rules, "table ip nm-shared-eth1") || !strings.Contains(rules, "masquerade") {
		t.Errorf("ruleset:\n%s", rules)
	}

	// The client, in the peer namespace, asks for an address.
	var ifi *net.Interface
	if err := e.peer.Do(func() (err error) { ifi, err = net.InterfaceByName("peer1"); return err }); err != nil {
		t.Fatal(err)
	}
	evs := make(chan dhcp4.Event, 8)
	cl, err := dhcp4.New(dhcp4.Config{IfIndex: ifi.Index, IfName: "peer1", HWAddr: ifi.HardwareAddr}, func(ev dhcp4.Event) { evs <- ev })
	if err != nil {
		t.Fatal(err)
	}
	if err := e.peer.Do(cl.Start); err != nil {
		t.Fatal(err)
	}
	defer cl.Stop(false)
	var lease *dhcp4.Lease
	for lease == nil {
		select {
		case ev := <-evs:
			if ev.Type == dhcp4.EventBound {
				lease = ev.Lease
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the client got no lease from shared mode")
		}
	}
	if !netip.MustParsePrefix("10.42.0.0/24").Contains(lease.Address.Addr()) || len(lease.Routes) == 0 ||
		lease.Routes[0].Gateway != netip.MustParseAddr("10.42.0.1") || lease.Options["dhcp_lease_time"] != "3600" {
		t.Fatalf("lease %v routes %+v options %v", lease.Address, lease.Routes, lease.Options)
	}
	e.peer.MustIP("addr", "add", lease.Address.String(), "dev", "peer1")
	e.peer.MustIP("route", "add", "default", "via", "10.42.0.1", "dev", "peer1", "src", lease.Address.Addr().String())
	if out, err := e.peer.Run("ping", "-c", "1", "-W", "3", "-I", lease.Address.Addr().String(), "198.51.100.1"); err != nil {
		t.Fatalf("no way out through NAT: %v\n%s\n%s", err, out, e.ns.MustRun("nft", "list", "ruleset"))
	}

	// Stopping removes the table, dnsmasq and the address.
	d.do(func() { r.Stop(false, false) })
	if rules := e.ns.MustRun("nft", "list", "ruleset"); strings.Contains(rules, "nm-shared") {
		t.Errorf("table left:\n%s", rules)
	}
	e.waitKernel("10.42.0.1", false, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	if _, err := os.Stat(p.DnsmasqPidFile); err == nil {
		t.Errorf("pid file left")
	}
}
