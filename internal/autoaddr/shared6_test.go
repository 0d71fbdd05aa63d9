package autoaddr

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"

	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/ndisc"
	"github.com/gonm/gonm/internal/testbed"
)

func TestBuildRA(t *testing.T) {
	b := BuildRA(RAConfig{
		Prefixes: []RAPrefix{{Prefix: netip.MustParsePrefix("2001:db8:ff00::/64"), Valid: 600, Preferred: 300}},
		DNS:      []netip.Addr{netip.MustParseAddr("2001:db8::53")},
		Domains:  []string{"example.test", "bad..name"},
	})
	ra, err := ndisc.ParseRA(b)
	if err != nil {
		t.Fatal(err)
	}
	if ra.RouterLifetime != 900 || ra.Managed || ra.Other || ra.HopLimit != 0 {
		t.Errorf("header %+v", ra)
	}
	if len(ra.Prefixes) != 1 || ra.Prefixes[0] != (ndisc.PrefixInfo{Prefix: netip.MustParsePrefix("2001:db8:ff00::/64"),
		OnLink: true, Autonomous: true, ValidLifetime: 600, Preferred: 300}) {
		t.Errorf("prefixes %+v", ra.Prefixes)
	}
	if len(ra.RDNSS) != 1 || ra.RDNSSLifetime[0] != 900 || len(ra.DNSSL) != 1 || ra.DNSSL[0] != "example.test" || ra.DNSSLLifetime[0] != 900 {
		t.Errorf("dns %v %v %v %v", ra.RDNSS, ra.RDNSSLifetime, ra.DNSSL, ra.DNSSLLifetime)
	}
}

func TestDelegationSubnets(t *testing.T) {
	d := NewDelegation(netip.MustParsePrefix("2001:db8:ff00::/62"))
	var got []string
	for i := int32(1); i <= 5; i++ {
		s, ok := d.Subnet(i)
		if ok {
			got = append(got, s.String())
		}
	}
	if strings.Join(got, " ") != "2001:db8:ff00::/64 2001:db8:ff00:1::/64 2001:db8:ff00:2::/64 2001:db8:ff00:3::/64" {
		t.Errorf("subnets %v", got)
	}
	if s, ok := d.Subnet(2); !ok || s.String() != "2001:db8:ff00:1::/64" {
		t.Errorf("interface 2 got %v %v again", s, ok)
	}
}

// pdServer6 leases 2001:db8:1::77 and delegates 2001:db8:ff00::/56.
func pdServer6(conn net.PacketConn, peer net.Addr, d dhcpv6.DHCPv6) {
	m, err := d.GetInnerMessage()
	if err != nil {
		return
	}
	var reply *dhcpv6.Message
	sid := &dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: net.HardwareAddr{2, 0, 0, 0, 0, 0x53}}
	switch m.MessageType {
	case dhcpv6.MessageTypeSolicit:
		reply, err = dhcpv6.NewAdvertiseFromSolicit(m, dhcpv6.WithServerID(sid))
	case dhcpv6.MessageTypeRequest, dhcpv6.MessageTypeRenew, dhcpv6.MessageTypeRebind:
		reply, err = dhcpv6.NewReplyFromMessage(m, dhcpv6.WithServerID(sid))
	default:
		return
	}
	if err != nil {
		return
	}
	if na := m.Options.OneIANA(); na != nil {
		ia := &dhcpv6.OptIANA{IaId: na.IaId, T1: 300 * time.Second, T2: 480 * time.Second}
		ia.Options.Add(&dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8:1::77"), PreferredLifetime: 600 * time.Second, ValidLifetime: 900 * time.Second})
		reply.AddOption(ia)
	}
	if pd := m.Options.OneIAPD(); pd != nil {
		ia := &dhcpv6.OptIAPD{IaId: pd.IaId, T1: 300 * time.Second, T2: 480 * time.Second}
		_, n, _ := net.ParseCIDR("2001:db8:ff00::/56")
		ia.Options.Add(&dhcpv6.OptIAPrefix{Prefix: n, PreferredLifetime: 600 * time.Second, ValidLifetime: 900 * time.Second})
		reply.AddOption(ia)
	}
	_, _ = conn.WriteTo(reply.ToBytes(), peer)
}

// ipv6.method shared: the uplink (wan0, ipv6.method dhcp) gets a prefix
// delegated, the shared interface takes a /64 of it and announces it, and
// a client in a third namespace configures itself from the announcement
// (its kernel's SLAAC) and reaches the uplink's network.
func TestSharedIPv6FromDelegatedPrefix(t *testing.T) {
	e := newEnv(t)
	up := testbed.NewNetns(t)
	up.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
	testbed.Veth(t, e.ns, "wan0", up, "isp0")
	e.ns.MustIP("link", "set", "wan0", "up")
	up.MustIP("addr", "add", "2001:db8:1::1/64", "dev", "isp0")
	up.MustIP("link", "set", "isp0", "up")
	// The ISP routes the delegated prefix to its customer.
	up.MustIP("-6", "route", "add", "2001:db8:ff00::/56", "via", "2001:db8:1::77", "dev", "isp0")
	e.waitKernel("fe80::", true, 5*time.Second, "-6", "addr", "show", "dev", "wan0")
	var srv *server6.Server
	if err := up.Do(func() (err error) {
		srv, err = server6.NewServer("isp0", &net.UDPAddr{IP: net.ParseIP("ff02::1:2"), Port: 547}, pdServer6)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
	// The client takes the router's announcements itself.
	e.peer.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.peer1.accept_ra=2")

	d := e.start()
	var wanIndex int32
	var wan *l3cfg.L3Cfg
	d.do(func() {
		lk, _ := d.p.LinkByName("wan0")
		wanIndex = lk.Index
		wan = d.reg.Acquire(wanIndex)
		wan.RegisterCommitType(l3cfg.CommitUpdate, "test")
	})
	in := e.inputs()
	in.IfIndex, in.IfName = wanIndex, "wan0"
	wp, _ := FromProfile(parseProfile(t, "[connection]\nid=w\nuuid=0c9c1c2e-8d43-4b59-9a1b-6f0e3c2d1a02\ntype=ethernet\ninterface-name=wan0\n\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=dhcp\n"), in)
	wp.PrefixDelegation = true
	var upr *Runner
	d.do(func() {
		var err error
		upr, err = New(Options{Loop: d.loop, L3: wan, Params: wp, InNetns: e.ns.Do, Log6: e.lg.For(logging.DHCP6, "wan")})
		if err == nil {
			err = upr.Start()
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() {
		if !d.closed {
			d.do(func() { upr.Stop(false, true) })
		}
	})
	d.wait("delegated prefix", 15*time.Second, func() bool { return upr.Lease6() != nil && len(upr.Lease6().Prefixes) == 1 })
	// The uplink's RA would give the route to its network; here the test
	// stands in for it.
	e.ns.MustIP("-6", "route", "add", "2001:db8:1::/64", "dev", "wan0")

	r := d.run(profile(t, ipv4Off, "method=shared"), false, nil)
	d.waitState(r, l3cfg.IPv6, StateReady, 5*time.Second)
	if v := strings.TrimSpace(e.ns.MustRun("sysctl", "-n", "net.ipv6.conf.all.forwarding")); v != "1" {
		t.Errorf("forwarding %s", v)
	}
	d.do(func() {
		l := upr.Lease6()
		p := l.Prefixes[0]
		sub, ok := NewDelegation(p.Prefix).Subnet(e.index)
		if !ok {
			t.Fatal("no subnet")
		}
		if err := r.UseIP6Subnet(sub, l.Acquired.Add(p.Valid), l.Acquired.Add(p.Preferred)); err != nil {
			t.Fatal(err)
		}
	})
	e.waitKernel("inet6 2001:db8:ff00::1/64", true, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
	// The client: a SLAAC address in the subnet and a default route
	// through the router.
	deadline := time.Now().Add(20 * time.Second)
	var caddr string
	for caddr == "" {
		for _, l := range strings.Split(e.peer.MustIP("-6", "addr", "show", "dev", "peer1"), "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "inet6" && strings.HasPrefix(f[1], "2001:db8:ff00:0:") {
				caddr = strings.TrimSuffix(f[1], "/64")
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the client configured nothing:\n%s", e.peer.MustIP("-6", "addr"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if routes := e.peer.MustIP("-6", "route"); !strings.Contains(routes, "default via fe80::") {
		t.Errorf("client routes:\n%s", routes)
	}
	if out, err := e.peer.Run("ping", "-6", "-c", "1", "-W", "3", "-I", caddr, "2001:db8:1::1"); err != nil {
		t.Fatalf("client cannot reach the uplink network: %v\n%s", err, out)
	}
	// Stopping removes the subnet's address.
	d.do(func() { r.Stop(false, false) })
	e.waitKernel("2001:db8:ff00::1", false, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
}
