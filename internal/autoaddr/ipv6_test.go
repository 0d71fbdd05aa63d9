package autoaddr

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/testbed"
)

const ipv4Off = "method=disabled"

// radvdSLAAC announces 2001:db8:1::/64 for SLAAC with the O flag, a
// high-preference default router, a low-preference route, RDNSS, DNSSL
// and an MTU.
const radvdSLAAC = `interface peer1 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvOtherConfigFlag on;
	AdvDefaultPreference high;
	AdvDefaultLifetime 1800;
	AdvLinkMTU 1400;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvValidLifetime 600;
		AdvPreferredLifetime 300;
	};
	route 2001:db8:99::/48 {
		AdvRoutePreference low;
		AdvRouteLifetime 300;
	};
	RDNSS 2001:db8:1::53 {
		AdvRDNSSLifetime 300;
	};
	DNSSL example.test {
		AdvDNSSLLifetime 300;
	};
};
`

// radvdManaged asks for DHCPv6 addresses (M flag), the prefix on-link
// only.
const radvdManaged = `interface peer1 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvManagedFlag on;
	AdvOtherConfigFlag on;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous off;
	};
};
`

func stablePrivacy(t *testing.T, ifname string) netip.Addr {
	t.Helper()
	a, err := hostid.StablePrivacyAddr(netip.MustParseAddr("2001:db8:1::"), hostid.StableTypeUUID, ifname, testUUID, 0, testKey)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// SLAAC with stable-privacy (the same address after a restart of the
// method), temporary addresses made by the kernel from mngtmpaddr, the
// RA's routes with their preferences, RDNSS/DNSSL plus DHCPv6
// information (O flag), accept_ra off, and router lifetime 0 removing the
// default route.
func TestIPv6AutoSLAACStablePrivacyAndRouterGone(t *testing.T) {
	e := newEnv(t)
	// DHCPv6 information only; dnsmasq sends no RAs of its own this way.
	testbed.StartDnsmasq(t, e.peer, "peer1", "--dhcp-range=2001:db8:1::,static",
		"--dhcp-option=option6:dns-server,[2001:db8:1::54]")
	d := e.start()
	conn := profile(t, ipv4Off, "method=auto\naddr-gen-mode=stable-privacy\nip6-privacy=2")
	r := d.run(conn, false, nil)
	// The router starts after the method turned the kernel's accept_ra
	// off: the kernel must not act on its advertisements.
	radvd := testbed.StartRadvd(t, e.peer, radvdSLAAC)
	d.waitState(r, l3cfg.IPv6, StateReady, 20*time.Second)
	want := stablePrivacy(t, "eth1").String()
	addrs := e.waitKernel("temporary", true, 10*time.Second, "-6", "addr", "show", "dev", "eth1")
	if !strings.Contains(addrs, "inet6 "+want+"/64 scope global dynamic noprefixroute mngtmpaddr") &&
		!strings.Contains(addrs, "inet6 "+want+"/64 scope global dynamic mngtmpaddr noprefixroute") {
		t.Errorf("SLAAC address %s missing:\n%s", want, addrs)
	}
	routes := e.waitKernel("2001:db8:99::/48", true, 10*time.Second, "-6", "route")
	for _, w := range []string{"2001:db8:1::/64 dev eth1 proto ra metric 100", "2001:db8:99::/48 via fe80::",
		"proto ra metric 100 pref low", "default via fe80::"} {
		if !strings.Contains(routes, w) {
			t.Errorf("missing %q in routes:\n%s", w, routes)
		}
	}
	if !strings.Contains(routes, "default via fe80::") || !strings.Contains(routes, "pref high") ||
		strings.Contains(routes, "proto kernel metric 256 expires") || strings.Contains(routes, "metric 1024") {
		t.Errorf("routes (the RA's, from gonm only):\n%s", routes)
	}
	if v := e.ns.MustRun("sysctl", "-n", "net.ipv6.conf.eth1.accept_ra"); strings.TrimSpace(v) != "0" {
		t.Errorf("accept_ra %q", v)
	}
	if v := e.ns.MustRun("sysctl", "-n", "net.ipv6.conf.eth1.use_tempaddr"); strings.TrimSpace(v) != "2" {
		t.Errorf("use_tempaddr %q", v)
	}
	d.wait("DHCPv6 information", 15*time.Second, func() bool { return r.Lease6() != nil })
	d.wait("DNS", 5*time.Second, func() bool {
		c := d.l3.Config(true)
		return c != nil && strings.Join(c.IPv6.Nameservers, " ") != "" &&
			strings.Contains(strings.Join(c.IPv6.Nameservers, " "), "2001:db8:1::53") &&
			strings.Contains(strings.Join(c.IPv6.Nameservers, " "), "2001:db8:1::54") &&
			strings.Contains(strings.Join(c.IPv6.Searches, " "), "example.test")
	})
	if mtu := strings.TrimSpace(e.ns.MustRun("sysctl", "-n", "net.ipv6.conf.eth1.mtu")); mtu != "1400" {
		t.Logf("IPv6 MTU %s (l3cfg sets the RA's MTU when the link allows)", mtu)
	}

	// The same address after the method restarts.
	d.do(func() { r.Stop(false, false) })
	e.waitKernel(want, false, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
	r = d.run(conn, false, nil)
	d.waitState(r, l3cfg.IPv6, StateReady, 20*time.Second)
	e.waitKernel(want+"/64", true, 5*time.Second, "-6", "addr", "show", "dev", "eth1")

	// radvd leaves with a router lifetime of 0: the default route goes,
	// the address stays.
	radvd.Stop()
	e.waitKernel("default", false, 10*time.Second, "-6", "route")
	if out := e.ns.MustIP("-6", "addr", "show", "dev", "eth1"); !strings.Contains(out, want) {
		t.Errorf("address gone with the router:\n%s", out)
	}
}

// EUI-64 when the profile asks for it.
func TestIPv6AutoEUI64(t *testing.T) {
	e := newEnv(t)
	testbed.StartRadvd(t, e.peer, strings.Replace(radvdSLAAC, "AdvOtherConfigFlag on;", "", 1))
	d := e.start()
	r := d.run(profile(t, ipv4Off, "method=auto\naddr-gen-mode=eui64"), false, nil)
	d.waitState(r, l3cfg.IPv6, StateReady, 20*time.Second)
	want, _ := hostid.EUI64Addr(netip.MustParseAddr("2001:db8:1::"), e.hw)
	e.waitKernel(want.String()+"/64", true, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
	d.do(func() {
		if r.Lease6() != nil || r.v6.client != nil {
			t.Error("DHCPv6 started without M or O flag")
		}
	})
}

// The M flag starts stateful DHCPv6: the leased /128 is configured.
func TestIPv6AutoManagedDHCPv6(t *testing.T) {
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1", "--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m",
		"--dhcp-option=option6:dns-server,[2001:db8:1::53]")
	testbed.StartRadvd(t, e.peer, radvdManaged)
	d := e.start()
	r := d.run(profile(t, ipv4Off, "method=auto"), false, nil)
	d.wait("DHCPv6 lease", 20*time.Second, func() bool { return r.Lease6() != nil && len(r.Lease6().Addresses) == 1 })
	d.waitState(r, l3cfg.IPv6, StateReady, 5*time.Second)
	var a string
	d.do(func() { a = r.Lease6().Addresses[0].Addr.String() })
	out := e.waitKernel("inet6 "+a+"/128", true, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
	if !strings.Contains(out, "dynamic") {
		t.Errorf("leased address without lifetime:\n%s", out)
	}
	routes := e.waitKernel("default via fe80::", true, 10*time.Second, "-6", "route")
	if !strings.Contains(routes, "2001:db8:1::/64 dev eth1 proto ra") {
		t.Errorf("on-link prefix route missing:\n%s", routes)
	}
	// A lost lease removes its address.
	d.do(func() { r.Stop(false, false) })
	e.waitKernel(a, false, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
}

// ipv6.method dhcp: DHCPv6 alone, no router discovery.
func TestIPv6MethodDHCP(t *testing.T) {
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1", "--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m")
	d := e.start()
	r := d.run(profile(t, ipv4Off, "method=dhcp"), false, nil)
	d.waitState(r, l3cfg.IPv6, StateReady, 20*time.Second)
	var a string
	d.do(func() {
		a = r.Lease6().Addresses[0].Addr.String()
		if r.v6.nd != nil {
			t.Error("router discovery runs for ipv6.method dhcp")
		}
	})
	e.waitKernel("inet6 "+a+"/128", true, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
}

// No router: the family fails at ra-timeout.
func TestIPv6RATimeout(t *testing.T) {
	t.Parallel() // mostly waiting on timers
	e := newEnv(t)
	d := e.start()
	r := d.run(profile(t, ipv4Off, "method=auto\nra-timeout=2"), false, nil)
	d.waitState(r, l3cfg.IPv6, StateFailed, 8*time.Second)
}

// After a daemon restart, the SLAAC address, the leased /128 and the RA
// routes stay in place while router discovery and DHCPv6 start again:
// nothing is removed or re-added.
func TestIPv6RestartNoFlap(t *testing.T) {
	e := newEnv(t)
	e.ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.eth1.accept_ra=0")
	testbed.StartDnsmasq(t, e.peer, "peer1", "--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m")
	testbed.StartRadvd(t, e.peer, strings.Replace(radvdSLAAC, "AdvOtherConfigFlag on;", "AdvManagedFlag on;", 1))
	conn := profile(t, ipv4Off, "method=auto\naddr-gen-mode=stable-privacy")
	d := e.start()
	d.addLinkLocal6()
	r := d.run(conn, false, nil)
	d.wait("SLAAC and DHCPv6", 20*time.Second, func() bool {
		s, _ := r.State(l3cfg.IPv6)
		return s == StateReady && r.Lease6() != nil && len(r.Lease6().Addresses) == 1
	})
	var leased string
	d.do(func() { leased = r.Lease6().Addresses[0].Addr.String() })
	slaac := stablePrivacy(t, "eth1").String()
	e.waitKernel(leased+"/128", true, 5*time.Second, "-6", "addr", "show", "dev", "eth1")
	e.waitKernel("2001:db8:99::/48", true, 5*time.Second, "-6", "route")
	var snap l3cfg.State
	d.do(func() {
		r.Stop(false, true)
		snap = d.l3.Snapshot()
	})
	d.stop()
	before := e.ns.MustIP("-6", "route")

	d2 := e.start()
	d2.do(func() { d2.l3.Restore(snap) })
	// The methods start before the first commit after Restore (see
	// Options.Takeover), then the device's part commits.
	r2 := d2.run(conn, true, nil)
	d2.addLinkLocal6()
	d2.wait("SLAAC and DHCPv6 again", 20*time.Second, func() bool {
		s, _ := r2.State(l3cfg.IPv6)
		return s == StateReady && r2.Lease6() != nil && len(r2.Lease6().Addresses) == 1
	})
	d2.wait("commit", 2*time.Second, func() bool { return !d2.l3.CommitScheduled() })
	ops, _ := d2.opsSince(0)
	if hasOp(ops, l3cfg.OpAddrDelete, l3cfg.OpAddrAdd, l3cfg.OpRouteDelete, l3cfg.OpRouteAdd) {
		t.Errorf("restart changed the kernel: %v", ops)
	}
	out := e.ns.MustIP("-6", "addr", "show", "dev", "eth1")
	if !strings.Contains(out, slaac+"/64") || !strings.Contains(out, leased+"/128") {
		t.Errorf("addresses after restart:\n%s", out)
	}
	if after := e.ns.MustIP("-6", "route"); regexp.MustCompile(`expires \d+sec`).ReplaceAllString(after, "") !=
		regexp.MustCompile(`expires \d+sec`).ReplaceAllString(before, "") {
		t.Errorf("routes changed:\n%s\nthen\n%s", before, after)
	}
}
