package l3cfg

import (
	"strings"

	"net/netip"

	"testing"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
)

// The merge and commit, against the fake platform: each scenario checks
// the kernel operations a commit makes, as golden text.

func TestCommitStaticProfile(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	x.do(func() {
		l = x.reg.Acquire(2)
		cfg := staticCfg([]string{"192.0.2.10/24", "198.51.100.7/25", "2001:db8::10/64", "2001:db8:1::5/64"}, "192.0.2.1",
			route("10.1.0.0/16", "192.0.2.254"), route("10.3.0.0/24", ""), route("2001:db8:5::/48", "2001:db8::fe"))
		cfg.IPv6.Routes = append([]Route{DefaultRoute(ip("2001:db8::1"))}, cfg.IPv6.Routes...)
		table100 := route("10.2.0.0/16", "192.0.2.253")
		table100.TableAny, table100.Table = false, 100
		table100.MetricAny, table100.Metric = false, 55
		cfg.IPv4.Routes = append(cfg.IPv4.Routes, table100)
		l.AddConfig("static", cfg, ethOpts)
		l.RegisterCommitType(CommitUpdate, "device")
		l.Commit(CommitAuto)
	})
	// Addresses with noprefixroute (IPv4 most important first, IPv6 least
	// important first, as the kernel prepends them); the prefix routes are
	// NetworkManager's own, with the profile's metric; device routes before
	// gateway routes, each in merge order (the gateway's default route
	// first), as NetworkManager 1.42 orders them.
	golden(t, "first commit", x.ops(), `
address replace 192.0.2.10/24 dev 2 noprefixroute
address replace 198.51.100.7/25 dev 2 noprefixroute
route add 10.3.0.0/24 dev 2 proto static scope 253 metric 100
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
route add 198.51.100.0/25 dev 2 proto kernel scope 253 src 198.51.100.7 metric 100
route add 0.0.0.0/0 via 192.0.2.1 dev 2 proto static metric 100
route add 10.1.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
route add 10.2.0.0/16 via 192.0.2.253 dev 2 table 100 proto static metric 55
address replace 2001:db8:1::5/64 dev 2 noprefixroute
address replace 2001:db8::10/64 dev 2 noprefixroute
route add 2001:db8::/64 dev 2 proto kernel metric 100
route add 2001:db8:1::/64 dev 2 proto kernel metric 100
route add ::/0 via 2001:db8::1 dev 2 proto static metric 100
route add 2001:db8:5::/48 via 2001:db8::fe dev 2 proto static metric 100
`)
	x.settle()
	// The same commit again changes nothing.
	x.do(func() { l.Commit(CommitAuto) })
	golden(t, "second commit", x.ops(), "")
}

func TestCommitUpdateRemovesWhatItNoLongerWants(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	x.do(func() {
		l = x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24", "192.0.2.20/24"}, "192.0.2.1",
			route("10.1.0.0/16", "192.0.2.254")), ethOpts)
		l.Commit(CommitAuto)
	})
	x.settle()
	golden(t, "first", x.ops(), `
address replace 192.0.2.10/24 dev 2 noprefixroute
address replace 192.0.2.20/24 dev 2 noprefixroute
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.20 metric 100
route add 0.0.0.0/0 via 192.0.2.1 dev 2 proto static metric 100
route add 10.1.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
`)
	// Someone else adds an address and a route: an update leaves them.
	x.do(func() {
		x.fake.SetAddress(&platform.Address{Index: 2, Address: ip("203.0.113.5"), PrefixLen: 24,
			Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
		x.fake.AddRoute(platform.Route{Table: 254, Dst: pfx("10.9.0.0/16"), Index: 2, Metric: 7,
			Protocol: unix.RTPROT_BOOT, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST})
	})
	x.settle()
	x.do(func() {
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24", "192.0.2.30/24"}, "192.0.2.1",
			route("10.2.0.0/16", "192.0.2.254")), ethOpts)
		l.Commit(CommitAuto)
	})
	x.settle()
	// What it added and no longer wants goes (the address first, then
	// new objects, then the old routes); the foreign ones stay.
	golden(t, "update", x.ops(), `
address delete 192.0.2.20/24 dev 2 noprefixroute
address replace 192.0.2.30/24 dev 2 noprefixroute
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.30 metric 100
route add 10.2.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
route delete 10.1.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
`)
	golden(t, "interface", x.state(2), `
address 192.0.2.30/24 dev 2 secondary noprefixroute
address 203.0.113.5/24 dev 2
address 192.0.2.10/24 dev 2 noprefixroute
route local 192.0.2.10/32 dev 2 table 255 proto kernel scope 254 src 192.0.2.10 metric 0
route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
route 0.0.0.0/0 via 192.0.2.1 dev 2 proto static metric 100
route local 203.0.113.5/32 dev 2 table 255 proto kernel scope 254 src 203.0.113.5 metric 0
route 203.0.113.0/24 dev 2 proto kernel scope 253 src 203.0.113.5 metric 0
route 10.9.0.0/16 dev 2 proto boot scope 253 metric 7
route local 192.0.2.30/32 dev 2 table 255 proto kernel scope 254 src 192.0.2.30 metric 0
route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.30 metric 100
route 10.2.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
`)
	// A reapply makes the interface what the merge says: foreign
	// addresses and main-table routes go too (the prefix route of the
	// foreign address went with it, in the kernel).
	x.do(func() { l.Commit(CommitReapply) })
	x.settle()
	golden(t, "reapply", x.ops(), `
address delete 203.0.113.5/24 dev 2
route delete 10.9.0.0/16 dev 2 proto boot scope 253 metric 7
`)
	// Removing the contribution removes everything it configured.
	x.do(func() {
		l.RemoveConfig("static")
		l.Commit(CommitAuto)
	})
	x.settle()
	golden(t, "removed", x.ops(), `
address delete 192.0.2.10/24 dev 2 noprefixroute
`)
	golden(t, "empty interface", x.state(2), "")
}

// Contributions merge by priority: the more important one wins an object
// both configure, DNS lists join, metric-any routes take each
// contribution's metric, default routes its penalty.
func TestMergePriorities(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	var merged string
	x.do(func() {
		l = x.reg.Acquire(2)
		dhcp := &Config{Source: "dhcp4"}
		dhcp.IPv4.Addresses = []Address{{Prefix: pfx("192.0.2.50/24"), Label: "eth0:dhcp"}, {Prefix: pfx("192.0.2.10/24"), Label: "eth0:x"}}
		dhcp.IPv4.Routes = []Route{DefaultRoute(ip("192.0.2.1")), route("10.5.0.0/16", "192.0.2.1")}
		dhcp.IPv4.Routes[1].Metric = 5 // an offset (option 121 routes keep their order)
		dhcp.IPv4.Nameservers = []string{"192.0.2.53", "9.9.9.9"}
		dhcp.IPv4.Domains = []string{"dhcp.example"}
		dhcp.WINS = []netip.Addr{ip("192.0.2.44")}
		dhcpOpts := ethOpts
		dhcpOpts.Priority = PriorityDHCP4
		dhcpOpts.DefaultRoutePenalty4 = 20000
		l.AddConfig("dhcp4", dhcp, dhcpOpts)

		static := staticCfg([]string{"192.0.2.10/24"}, "")
		static.IPv4.Nameservers = []string{"9.9.9.9", "1.1.1.1"}
		static.IPv4.Searches = []string{"example.org"}
		static.IPv4.DNSPriority, static.IPv4.HasDNSPriority = 0, true
		static.IPv4.NeverDefault = False
		staticOpts := ethOpts
		staticOpts.RouteMetric4 = 300
		l.AddConfig("static", static, staticOpts)
		merged = l.Config(false).String()
	})
	// static (priority 10) comes first: its 192.0.2.10/24 without label
	// wins over DHCP's; DHCP's routes take DHCP's metric (100, the default
	// route plus the 20000 penalty); each address's prefix route takes the
	// metric of the contribution it came from.
	golden(t, "merged", merged, `
ipv4 address 192.0.2.10/24
ipv4 address 192.0.2.50/24 label eth0:dhcp
ipv4 route 0.0.0.0/0 via 192.0.2.1 dev 2 proto static metric 20100
ipv4 route 10.5.0.0/16 via 192.0.2.1 dev 2 proto static metric 105
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 300
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.50 metric 100
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
ipv4 nameserver 9.9.9.9
ipv4 nameserver 1.1.1.1
ipv4 nameserver 192.0.2.53
ipv4 domain dhcp.example
ipv4 search example.org
ipv4 dns-priority 100
ipv4 never-default false
wins 192.0.2.44
`)
	// NetworkManager adds a prefix route per contribution that has the
	// address: DHCP's copy of 192.0.2.10/24 gets one with DHCP's metric.
	// ignore-auto-routes / never-default / ignore-auto-dns.
	x.do(func() {
		dhcp := &Config{Source: "dhcp4"}
		dhcp.IPv4.Addresses = []Address{{Prefix: pfx("192.0.2.50/24")}}
		dhcp.IPv4.Routes = []Route{DefaultRoute(ip("192.0.2.1")), route("10.5.0.0/16", "192.0.2.1")}
		dhcp.IPv4.Nameservers = []string{"192.0.2.53"}
		opts := ethOpts
		opts.Priority = PriorityDHCP4
		opts.Merge = MergeNoDefaultRoutes | MergeNoDNS
		l.RemoveConfig("static")
		l.AddConfig("dhcp4", dhcp, opts)
		merged = l.Config(false).String()
	})
	golden(t, "never-default, ignore-auto-dns", merged, `
ipv4 address 192.0.2.50/24
ipv4 route 10.5.0.0/16 via 192.0.2.1 dev 2 proto static metric 100
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.50 metric 100
`)
	x.do(func() {
		c := l.Config(false)
		opts := ethOpts
		opts.Priority = PriorityDHCP4
		opts.Merge = MergeNoRoutes
		l.AddConfig("dhcp4", &Config{Source: "dhcp4", IPv4: FamilyConfig{Addresses: c.IPv4.Addresses[:1],
			Routes: []Route{route("10.5.0.0/16", "192.0.2.1")}}}, opts)
		merged = l.Config(false).String()
	})
	golden(t, "ignore-auto-routes", merged, `
ipv4 address 192.0.2.50/24
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.50 metric 100
`)
}

// Route tables: table-any routes go to the profile's table, routes with a
// table attribute stay there; IPv6 metrics of 0 mean 1024.
func TestMergeTablesAndMetrics(t *testing.T) {
	x := newFx(t)
	var merged string
	x.do(func() {
		l := x.reg.Acquire(2)
		c := staticCfg([]string{"192.0.2.10/24", "2001:db8::10/64"}, "192.0.2.1")
		fixed := route("10.2.0.0/16", "192.0.2.254")
		fixed.TableAny, fixed.Table, fixed.MetricAny, fixed.Metric = false, 77, false, 0
		c.IPv4.Routes = append(c.IPv4.Routes, fixed)
		v6 := route("2001:db8:9::/48", "")
		v6.MetricAny, v6.Metric = false, 0
		c.IPv6.Routes = append(c.IPv6.Routes, v6)
		bh := Route{Route: platform.Route{Dst: pfx("198.18.0.0/15"), Type: unix.RTN_BLACKHOLE, Protocol: unix.RTPROT_STATIC}, TableAny: true, MetricAny: true}
		c.IPv4.Routes = append(c.IPv4.Routes, bh)
		opts := ethOpts
		opts.RouteTable4, opts.RouteTable6 = 500, 600
		opts.RouteMetric6 = 0
		l.AddConfig("static", c, opts)
		merged = l.Config(false).String()
	})
	// The gateway 192.0.2.254 is reached through the prefix route (of
	// any table, as in NetworkManager): no host route for it.
	golden(t, "merged", merged, `
ipv4 address 192.0.2.10/24
ipv4 route 0.0.0.0/0 via 192.0.2.1 dev 2 table 500 proto static metric 100
ipv4 route 10.2.0.0/16 via 192.0.2.254 dev 2 table 77 proto static metric 0
ipv4 route blackhole 198.18.0.0/15 table 500 proto static scope 253 metric 100
ipv4 route 192.0.2.0/24 dev 2 table 500 proto kernel scope 253 src 192.0.2.10 metric 100
ipv6 address 2001:db8::10/64
ipv6 route 2001:db8:9::/48 dev 2 table 600 proto static metric 1024
ipv6 route 2001:db8::/64 dev 2 table 600 proto kernel metric 1024
`)
}

// A managed route removed by someone else: noticed on idle, not added
// back by an update (NetworkManager respects the removal), added back by
// a reapply or when the contribution forces it.
func TestExternalRemoval(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	var events []string
	cfg := staticCfg([]string{"192.0.2.10/24"}, "192.0.2.1", route("10.1.0.0/16", "192.0.2.254"))
	x.do(func() {
		l = x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", cfg, ethOpts)
		l.Commit(CommitAuto)
	})
	x.settle()
	x.ops()
	x.do(func() { l.Watch(func(e Event) { events = append(events, e.String()) }) })
	x.do(func() {
		x.fake.RemoveRoute(&platform.Route{Table: 254, Dst: pfx("10.1.0.0/16"), Gateway: ip("192.0.2.254"), Index: 2,
			Metric: 100, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST})
	})
	x.settle()
	if len(events) != 1 || events[0] != "platform-change [ip4-route]" {
		t.Errorf("events after the removal: %q", events)
	}
	var res *CommitResult
	x.do(func() { res = l.Commit(CommitAuto) })
	golden(t, "update after removal", x.ops(), "")
	if len(res.ExternallyRemoved) != 1 || !strings.Contains(res.ExternallyRemoved[0], "10.1.0.0/16") {
		t.Errorf("result: externally removed %q", res.ExternallyRemoved)
	}
	x.do(func() { l.Commit(CommitReapply) })
	x.settle()
	golden(t, "reapply", x.ops(), `
route add 10.1.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
`)
	// Gone again: a forced contribution brings it back once.
	x.do(func() {
		x.fake.RemoveRoute(&platform.Route{Table: 254, Dst: pfx("10.1.0.0/16"), Gateway: ip("192.0.2.254"), Index: 2,
			Metric: 100, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST})
	})
	x.settle()
	x.do(func() {
		o := ethOpts
		o.Flags = ForceOnce
		l.AddConfig("static", cfg, o)
		l.Commit(CommitAuto)
	})
	x.settle()
	golden(t, "forced", x.ops(), `
route add 10.1.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
`)
	// A route it no longer wants, removed by someone else before: nothing
	// to do.
	x.do(func() {
		x.fake.RemoveRoute(&platform.Route{Table: 254, Dst: pfx("10.1.0.0/16"), Gateway: ip("192.0.2.254"), Index: 2,
			Metric: 100, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST})
	})
	x.settle()
	x.do(func() {
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, "192.0.2.1"), ethOpts)
		l.Commit(CommitAuto)
	})
	golden(t, "no longer wanted", x.ops(), "")
}

// Several external changes in one burst give one re-evaluation.
func TestPlatformChangesCoalesce(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	n := 0
	x.do(func() {
		l = x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, ""), ethOpts)
		l.Commit(CommitAuto)
	})
	x.settle()
	x.do(func() {
		l.Watch(func(e Event) {
			if e.Type == EventPlatformChange {
				n++
			}
		})
		for i := range 5000 {
			x.fake.AddRoute(platform.Route{Table: 254, Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24),
				Index: 2, Protocol: unix.RTPROT_BOOT, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST})
		}
		// More than the fake keeps details of: the L3Cfg looks its
		// objects up instead.
		x.fake.RemoveAddress(&platform.Address{Index: 2, Address: ip("192.0.2.10"), PrefixLen: 24})
	})
	x.settle()
	if n != 1 {
		t.Errorf("a burst of 5001 changes gave %d platform-change events, want 1", n)
	}
	var res *CommitResult
	x.do(func() { res = l.Commit(CommitAuto) })
	// The address, and with it (in the kernel) its prefix route.
	if got := strings.Join(res.ExternallyRemoved, "; "); got != "address 192.0.2.10; route 192.0.2.0/24 metric 100 table 254 dev 2" {
		t.Errorf("the removals hidden in an overflowing burst: %q", got)
	}
}

// A gateway no device route reaches gets a host route (NetworkManager's
// dependent onlink route); a gateway the kernel calls unreachable gets one
// on the fly.
func TestGatewayReachability(t *testing.T) {
	x := newFx(t)
	x.do(func() {
		l := x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, "198.51.100.1"), ethOpts)
		l.Commit(CommitAuto)
	})
	golden(t, "host route to the gateway", x.ops(), `
address replace 192.0.2.10/24 dev 2 noprefixroute
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
route add 198.51.100.1/32 dev 2 proto static scope 253 metric 100
route add 0.0.0.0/0 via 198.51.100.1 dev 2 proto static metric 100
`)
	x.do(func() {
		l := x.reg.Acquire(3)
		l.RegisterCommitType(CommitUpdate, "device")
		// A table whose gateway the fake kernel finds unreachable.
		c := staticCfg([]string{"192.0.2.20/24"}, "")
		r := route("10.7.0.0/16", "192.0.2.1")
		r.TableAny, r.Table = false, 33
		c.IPv4.Routes = append(c.IPv4.Routes, r)
		x.fake.Fail = func(op string) error {
			if strings.HasPrefix(op, "route add 10.7.0.0/16") && !strings.Contains(strings.Join(x.fake.Ops, "\n"), "192.0.2.1/32") {
				return unix.ENETUNREACH
			}
			return nil
		}
		l.AddConfig("static", c, ethOpts)
		l.Commit(CommitAuto)
	})
	golden(t, "unreachable gateway", x.ops(), `
address replace 192.0.2.20/24 dev 3 noprefixroute
route add 192.0.2.0/24 dev 3 proto kernel scope 253 src 192.0.2.20 metric 100
route add 10.7.0.0/16 via 192.0.2.1 dev 3 table 33 proto static metric 100 -> network is unreachable
route add 192.0.2.1/32 dev 3 table 33 proto static scope 253 metric 100
route add 10.7.0.0/16 via 192.0.2.1 dev 3 table 33 proto static metric 100
`)
}

// The order of addresses: the first of an IPv4 subnet is its primary; IPv6
// addresses of a scope are preferred in the order given.
func TestAddressOrder(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	x.do(func() {
		// Someone else configured them in the wrong order.
		for _, a := range []string{"192.0.2.20/24", "192.0.2.10/24", "2001:db8::1/64", "2001:db8::2/64"} {
			p := pfx(a)
			x.fake.SetAddress(&platform.Address{Index: 2, Address: p.Addr(), PrefixLen: uint8(p.Bits()),
				Flags: unix.IFA_F_NOPREFIXROUTE, Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
		}
	})
	x.settle()
	x.ops()
	x.do(func() {
		l = x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24", "192.0.2.20/24", "2001:db8::1/64", "2001:db8::2/64"}, ""), ethOpts)
		l.Commit(CommitAuto)
	})
	// 192.0.2.10 must be primary: it and the rest of its subnet are
	// re-added in order. 2001:db8::1 must be preferred (listed first by
	// the kernel, which lists the newest first): re-added last.
	golden(t, "reorder", x.ops(), `
address delete 192.0.2.10/24 dev 2 secondary noprefixroute
address delete 192.0.2.20/24 dev 2 noprefixroute
address replace 192.0.2.10/24 dev 2 noprefixroute
address replace 192.0.2.20/24 dev 2 noprefixroute
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.20 metric 100
address delete 2001:db8::2/64 dev 2 noprefixroute
address delete 2001:db8::1/64 dev 2 noprefixroute
address replace 2001:db8::2/64 dev 2 noprefixroute
address replace 2001:db8::1/64 dev 2 noprefixroute
route add 2001:db8::/64 dev 2 proto kernel metric 100
`)
	golden(t, "interface", x.state(2), `
address 2001:db8::1/64 dev 2 noprefixroute
address 2001:db8::2/64 dev 2 noprefixroute
address 192.0.2.20/24 dev 2 secondary noprefixroute
address 192.0.2.10/24 dev 2 noprefixroute
route local 192.0.2.10/32 dev 2 table 255 proto kernel scope 254 src 192.0.2.10 metric 0
route local 192.0.2.20/32 dev 2 table 255 proto kernel scope 254 src 192.0.2.20 metric 0
route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.20 metric 100
route 2001:db8::/64 dev 2 proto kernel metric 100
`)
	x.settle()
	x.do(func() { l.Commit(CommitAuto) })
	golden(t, "stable", x.ops(), "")
}

// A new run takes over what the last one configured without touching
// what it still wants, and removes the rest.
func TestRestoreTakesOverWithoutChurn(t *testing.T) {
	x := newFx(t)
	var saved []byte
	x.do(func() {
		l := x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24", "2001:db8::10/64"}, "192.0.2.1", route("10.1.0.0/16", "192.0.2.254")), ethOpts)
		l.Commit(CommitAuto)
	})
	x.settle()
	x.do(func() {
		l, _ := x.reg.Lookup(2)
		var err error
		if saved, err = l.Snapshot().MarshalText(); err != nil {
			t.Fatal(err)
		}
		// The daemon stops: its L3Cfgs go, the interface keeps its state.
		x.reg.Close()
		x.fake.TakeOps()
		x.reg = NewRegistry(x.loop, x.fake, Options{})
	})
	golden(t, "saved state", string(saved), `
address addr=192.0.2.10 plen=24
address addr=2001:db8::10 plen=64
route dst=0.0.0.0/0 table=254 metric=100 type=1 proto=4 scope=0 gw=192.0.2.1
route dst=10.1.0.0/16 table=254 metric=100 type=1 proto=4 scope=0 gw=192.0.2.254
route dst=192.0.2.0/24 table=254 metric=100 type=1 proto=2 scope=253 prefsrc=192.0.2.10
route dst=2001:db8::/64 table=254 metric=100 type=1 proto=2 scope=0
`)
	x.do(func() {
		var st State
		if err := st.UnmarshalText(saved); err != nil {
			t.Fatal(err)
		}
		l := x.reg.Acquire(2)
		l.Restore(st)
		l.RegisterCommitType(CommitUpdate, "device")
		// The profile lost its extra route meanwhile.
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24", "2001:db8::10/64"}, "192.0.2.1"), ethOpts)
		l.Commit(CommitAuto)
	})
	golden(t, "take over", x.ops(), `
route delete 10.1.0.0/16 via 192.0.2.254 dev 2 proto static metric 100
`)
}

func TestStateRejectsBadInput(t *testing.T) {
	for _, in := range []string{
		"address addr=192.0.2.1",
		"address addr=192.0.2.1 plen=33",
		"address addr=nope plen=24",
		"address addr=192.0.2.1 plen=24 peer=2001:db8::1",
		"route dst=10.0.0.0/8 gw=2001:db8::1",
		"route dst=10.0.0.0/8 metric=-1",
		"route dst=10.0.0.0/8 table=1 table=2",
		"route dst=10.0.0.0/8 color=blue",
		"route dst=10.0.0.0/8 novalue",
		"link name=eth0",
	} {
		var s State
		s.Addresses = []platform.Address{{}}
		if err := s.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("%q: accepted", in)
		} else if len(s.Addresses) != 1 {
			t.Errorf("%q: the state was changed despite the error", in)
		}
	}
}

// Rules belong to the namespace: added once, removed with the last L3Cfg
// wanting them, never touched when someone else added them.
func TestRules(t *testing.T) {
	x := newFx(t)
	rule := func(prio uint32, table uint32) platform.Rule {
		return platform.Rule{Family: unix.AF_INET, Priority: prio, Action: unix.FR_ACT_TO_TBL, Table: table,
			SuppressPrefixLen: -1, SuppressIfGroup: -1, Protocol: unix.RTPROT_STATIC}
	}
	withRules := func(rs ...platform.Rule) *Config {
		c := staticCfg([]string{"192.0.2.10/24"}, "")
		c.IPv4.Rules = rs
		return c
	}
	var a, b *L3Cfg
	x.do(func() {
		x.fake.AddRule(rule(300, 300)) // someone else's
		a, b = x.reg.Acquire(2), x.reg.Acquire(3)
		a.RegisterCommitType(CommitUpdate, "a")
		b.RegisterCommitType(CommitUpdate, "b")
		a.AddConfig("static", withRules(rule(100, 100), rule(300, 300)), ethOpts)
		b.AddConfig("static", withRules(rule(100, 100), rule(200, 200)), ethOpts)
		a.Commit(CommitAuto)
		b.Commit(CommitAuto)
	})
	x.settle()
	ops := x.ops()
	var rules []string
	for _, l := range strings.Split(ops, "\n") {
		if strings.HasPrefix(l, "rule") {
			rules = append(rules, l)
		}
	}
	golden(t, "added", strings.Join(rules, "\n")+"\n", `
rule add 100: from all lookup 100 proto 4
rule add 200: from all lookup 200 proto 4
`)
	x.do(func() {
		a.AddConfig("static", withRules(), ethOpts)
		a.Commit(CommitAuto)
	})
	golden(t, "a lets go: b still wants 100, 300 was never ours", x.ops(), "")
	x.do(func() {
		b.AddConfig("static", withRules(), ethOpts)
		b.Commit(CommitAuto)
	})
	golden(t, "b lets go", x.ops(), `
rule delete 100: from all lookup 100 proto 4
rule delete 200: from all lookup 200 proto 4
`)
}

// An update makes the next commit an update even if nobody registers one
// anymore, so what it added can go; then commits stop touching the
// interface.
func TestStickyUpdate(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	var h *CommitHandle
	x.do(func() {
		l = x.reg.Acquire(2)
		if r := l.Commit(CommitAuto); r.Type != CommitNone {
			t.Errorf("commit without registration ran as %s", r.Type)
		}
		h = l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, ""), ethOpts)
		l.Commit(CommitAuto)
		h.Unregister()
		l.RemoveConfig("static")
		if r := l.Commit(CommitAuto); r.Type != CommitUpdate {
			t.Errorf("commit after an update ran as %s, want the sticky update", r.Type)
		}
		l.AddConfig("static", staticCfg([]string{"192.0.2.11/24"}, ""), ethOpts)
		if r := l.Commit(CommitAuto); r.Type != CommitNone || len(r.Ops) != 0 {
			t.Errorf("third commit: %s", r.Summary())
		}
	})
	golden(t, "ops", x.ops(), `
address replace 192.0.2.10/24 dev 2 noprefixroute
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
address delete 192.0.2.10/24 dev 2 noprefixroute
`)
}

// Scheduled commits run once on idle at the highest level asked for.
func TestScheduleCommit(t *testing.T) {
	x := newFx(t)
	n := 0
	var last *CommitResult
	x.do(func() {
		l := x.reg.Acquire(2)
		l.Watch(func(e Event) {
			if e.Type == EventPostCommit {
				n++
				last = e.Result
			}
		})
		l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, ""), ethOpts)
		l.ScheduleCommit(CommitUpdate)
		l.ScheduleCommit(CommitReapply)
		l.ScheduleCommit(CommitNone)
		if !l.CommitScheduled() {
			t.Error("not scheduled")
		}
	})
	x.settle()
	if n != 1 || last.Type != CommitReapply {
		t.Errorf("%d commits, last %v", n, last.Summary())
	}
}

// On lo, NetworkManager keeps 127.0.0.1/8 and ::1 (with its local route;
// no contribution asked for them, so they get no prefix route) and does
// not add noprefixroute.
func TestLoopback(t *testing.T) {
	x := newFx(t)
	x.do(func() {
		l := x.reg.Acquire(1)
		l.RegisterCommitType(CommitUpdate, "device")
		l.AddConfig("static", staticCfg([]string{"127.0.0.2/8"}, ""), ConfigOptions{Priority: PriorityManual, RouteMetric4: 30, RouteMetric6: 30})
		l.Commit(CommitAuto)
	})
	golden(t, "lo", x.ops(), `
address replace 127.0.0.2/8 dev 1
address replace 127.0.0.1/8 dev 1
route add local 127.0.0.0/8 dev 1 table 255 proto kernel scope 254 src 127.0.0.1 metric 0
route add 127.0.0.0/8 dev 1 proto kernel scope 253 src 127.0.0.2 metric 30
address replace ::1/128 dev 1
`)
}

// FuzzStateUnmarshal: a state file from disk never panics the daemon, and
// what it accepts survives a round trip.
func FuzzStateUnmarshal(f *testing.F) {
	f.Add([]byte("address addr=192.0.2.10 plen=24\nroute dst=10.1.0.0/16 table=254 metric=100 type=1 proto=4 scope=0 gw=192.0.2.254\n"))
	f.Add([]byte("route dst=2001:db8::/64 table=254 metric=100 type=1 proto=2 scope=0 src=2001:db8:1::/48 mtu=1400 lock=4\n"))
	f.Add([]byte("# comment\n\naddress addr=192.0.2.1 plen=32 peer=192.0.2.2\nroute dst=0.0.0.0/0 nodev=1 type=6\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s State
		if err := s.UnmarshalText(b); err != nil {
			return
		}
		out, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var s2 State
		if err := s2.UnmarshalText(out); err != nil {
			t.Fatalf("re-read of %q: %v", out, err)
		}
		out2, _ := s2.MarshalText()
		if string(out) != string(out2) {
			t.Fatalf("round trip:\n%s\n%s", out, out2)
		}
	})
}

// An IPv6 route whose preferred source is still doing DAD is refused by
// the kernel for now: it is retried once the address is ready.
func TestRouteWaitsForDAD(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	var dad []string
	x.do(func() {
		x.fake.IPv6DAD = true
		l = x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		l.Watch(func(e Event) {
			if e.Type == EventDAD {
				dad = append(dad, e.String())
			}
		})
		c := staticCfg([]string{"2001:db8::10/64"}, "")
		r := route("2001:db8:7::/48", "")
		r.PrefSrc = ip("2001:db8::10")
		c.IPv6.Routes = append(c.IPv6.Routes, r)
		l.AddConfig("static", c, ethOpts)
		res := l.Commit(CommitAuto)
		if len(res.TemporarilyUnavailable) != 1 || len(res.Failed()) != 0 {
			t.Errorf("first commit: %s, temporarily unavailable %v", res.Summary(), res.TemporarilyUnavailable)
		}
		if ready, _ := l.CheckReady(IPv6, nil, ReadyIP6DAD); ready {
			t.Error("ready while tentative")
		}
	})
	x.settle()
	golden(t, "while tentative", x.ops(), `
address replace 2001:db8::10/64 dev 2 noprefixroute
route add 2001:db8:7::/48 dev 2 proto static src 2001:db8::10 metric 100 -> invalid argument
route add 2001:db8::/64 dev 2 proto kernel metric 100
`)
	x.do(func() { x.fake.FinishDAD(2, ip("2001:db8::10"), false) })
	x.settle()
	golden(t, "after DAD", x.ops(), `
route add 2001:db8:7::/48 dev 2 proto static src 2001:db8::10 metric 100
`)
	if len(dad) != 1 || dad[0] != "dad 2001:db8::10 ok" {
		t.Errorf("DAD events %q", dad)
	}
	x.do(func() {
		if ready, _ := l.CheckReady(IPv6, nil, ReadyIP6DAD); !ready {
			t.Error("not ready after DAD")
		}
	})
}

// ipv6.ip6-privacy becomes use_tempaddr while wanted and the interface's
// own value comes back after; router advertisement timers go to the
// neighbour table.
func TestIP6Sysctls(t *testing.T) {
	x := newFx(t)
	var l *L3Cfg
	x.do(func() {
		x.fake.Sysctls["net/ipv6/conf/eth0/use_tempaddr"] = "1"
		l = x.reg.Acquire(2)
		l.RegisterCommitType(CommitUpdate, "device")
		c := &Config{Source: "static", IP6Privacy: IP6PrivacyFromSetting(2)}
		l.AddConfig("static", c, ethOpts)
		l.AddConfig("ndisc", &Config{Source: "ndisc", NDiscReachableTime: 30000, NDiscRetransTimer: 5}, ConfigOptions{Priority: PriorityAutoconf6})
		l.Commit(CommitAuto)
		l.Commit(CommitAuto)
	})
	golden(t, "set", x.ops(), `
sysctl net/ipv6/conf/eth0/use_tempaddr = 2
sysctl net/ipv6/neigh/eth0/base_reachable_time_ms = 30000
sysctl net/ipv6/neigh/eth0/gc_stale_time = 90
sysctl net/ipv6/neigh/eth0/retrans_time_ms = 10
`)
	x.do(func() {
		l.RemoveConfig("static")
		l.Commit(CommitAuto)
	})
	golden(t, "restored", x.ops(), `
sysctl net/ipv6/conf/eth0/use_tempaddr = 1
`)
}
