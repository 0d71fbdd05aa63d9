package l3cfg

import (
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
