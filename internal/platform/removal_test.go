package platform

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// The kernel removes (or changes) objects without telling in several
// situations; NetworkManager 1.42 re-dumps in each (cache_on_change in
// nm-linux-platform.c). gonm applies the kernel's rules to the cache
// directly. Each test below makes one such change from outside, checks
// that the cache announced exactly the expected removals without falling
// back to a resync, and that it then equals a fresh dump.

// recorder collects every change a subscription sees, in order.
type recorder struct {
	x       *tp
	changes []Change
}

func (x *tp) record() *recorder {
	r := &recorder{x: x}
	x.call(func() {
		x.p.Subscribe(Filter{Details: true}, func(s *Subscription) {
			for _, d := range s.TakeAll() {
				if d.Overflow {
					x.t.Errorf("change list overflowed for link %d", d.Index)
				}
				r.changes = append(r.changes, d.Changes...)
			}
		})
	})
	return r
}

// take waits for the loop to settle and returns the changes so far.
func (r *recorder) take() []Change {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = r.x.loop.Settle(ctx)
	var out []Change
	r.x.call(func() { out, r.changes = r.changes, nil })
	return out
}

func changeLines(cs []Change) []string {
	var out []string
	for i := range cs {
		out = append(out, cs[i].String())
	}
	return out
}

// has reports whether a change of this op and type whose text contains
// every fragment was seen.
func has(cs []Change, op Op, t ObjectType, frags ...string) bool {
	for i := range cs {
		if cs[i].Op != op || cs[i].Type != t {
			continue
		}
		s := cs[i].String()
		ok := true
		for _, f := range frags {
			if !strings.Contains(s, f) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (x *tp) resyncs() int64 {
	var n int64
	x.call(func() { n = x.p.Stats().Resyncs })
	return n
}

// silentNS: eth1 (veth, up) with IPv4/IPv6 addresses and routes of
// several kinds; eth2 (veth, up) as a second link.
func silentNS(t *testing.T) (*testbed.Netns, *testbed.Netns) {
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	testbed.Veth(t, ns, "eth2", peer, "peer2")
	testbed.AddAddr(t, ns, "eth1", "192.0.2.1/24")
	testbed.AddAddr(t, ns, "eth1", "2001:db8::1/64", "nodad")
	testbed.AddAddr(t, ns, "eth2", "198.51.100.1/24")
	testbed.AddAddr(t, ns, "eth2", "2001:db8:2::1/64", "nodad")
	ns.MustIP("route", "add", "203.0.113.0/24", "via", "192.0.2.254", "proto", "static")
	ns.MustIP("route", "add", "10.1.0.0/16", "dev", "eth1", "proto", "static", "table", "100")
	ns.MustIP("-6", "route", "add", "2001:db8:10::/48", "via", "2001:db8::fe", "proto", "static")
	ns.MustIP("-6", "route", "add", "2001:db8:11::/48", "dev", "eth1", "proto", "static", "table", "100")
	return ns, peer
}

func TestSilentLinkDeleted(t *testing.T) {
	ns, _ := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	eth1 := x.index("eth1")
	r0 := x.resyncs()
	ns.MustIP("link", "del", "eth1")
	x.converge(10 * time.Second)
	cs := rec.take()
	for _, want := range []struct {
		t     ObjectType
		frags []string
	}{
		{TypeLink, []string{"eth1"}},
		{TypeIP4Address, []string{"192.0.2.1/24"}},
		{TypeIP6Address, []string{"2001:db8::1/64"}},
		{TypeIP4Route, []string{"203.0.113.0/24"}},
		{TypeIP4Route, []string{"10.1.0.0/16", "table 100"}},
		{TypeIP4Route, []string{"192.0.2.0/24", "proto kernel"}},
		{TypeIP6Route, []string{"2001:db8:10::/48"}},
		{TypeIP6Route, []string{"2001:db8:11::/48", "table 100"}},
	} {
		if !has(cs, Removed, want.t, want.frags...) {
			t.Errorf("no %s removal matching %q; changes:\n%s", want.t, want.frags, strings.Join(changeLines(cs), "\n"))
		}
	}
	// Nothing about the link may come after its removal.
	gone := false
	for i := range cs {
		if cs[i].Type == TypeLink && cs[i].Index == eth1 && cs[i].Op == Removed {
			gone = true
		} else if gone && cs[i].Index == eth1 {
			t.Errorf("change for the deleted link after its removal: %s", cs[i].String())
		}
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("deleting a link caused %d resyncs; the cache should follow the kernel's rules itself", r-r0)
	}
}

func TestSilentLinkDown(t *testing.T) {
	ns, _ := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	r0 := x.resyncs()
	ns.MustIP("link", "set", "eth1", "down")
	s := x.converge(10 * time.Second)
	cs := rec.take()
	for _, want := range []struct {
		t     ObjectType
		frags []string
	}{
		{TypeIP4Route, []string{"203.0.113.0/24"}},
		{TypeIP4Route, []string{"10.1.0.0/16", "table 100"}},
		{TypeIP4Route, []string{"192.0.2.0/24", "proto kernel"}},
		{TypeIP6Route, []string{"2001:db8:10::/48"}},
		{TypeIP6Route, []string{"2001:db8:11::/48"}},
		{TypeIP6Address, []string{"2001:db8::1/64"}},
	} {
		if !has(cs, Removed, want.t, want.frags...) {
			t.Errorf("no %s removal matching %q; changes:\n%s", want.t, want.frags, strings.Join(changeLines(cs), "\n"))
		}
	}
	// IPv4 addresses and their host-scope local routes survive.
	if has(cs, Removed, TypeIP4Address, "192.0.2.1") || has(cs, Removed, TypeIP4Route, "local 192.0.2.1/32") {
		t.Errorf("the IPv4 address or its local route was removed on link down:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	if !strings.Contains(strings.Join(s.routes4, "\n"), "Dst:192.0.2.1/32") {
		t.Errorf("the local route 192.0.2.1/32 is gone from the kernel too? routes: %v", s.routes4)
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("setting a link down caused %d resyncs", r-r0)
	}
	// Up again: the kernel re-adds the prefix routes, with events.
	ns.MustIP("link", "set", "eth1", "up")
	x.converge(10 * time.Second)
}

// With net.ipv6.route.skip_notify_on_dev_down=1 the kernel does not
// report the IPv6 routes it drops when a link goes down at all.
func TestSilentLinkDownIPv6WithoutNotifications(t *testing.T) {
	ns, _ := silentNS(t)
	ns.MustRun("sysctl", "-qw", "net.ipv6.route.skip_notify_on_dev_down=1")
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	r0 := x.resyncs()
	ns.MustIP("link", "set", "eth1", "down")
	x.converge(10 * time.Second)
	cs := rec.take()
	if !has(cs, Removed, TypeIP6Route, "2001:db8:10::/48") || !has(cs, Removed, TypeIP6Route, "2001:db8:11::/48") {
		t.Errorf("IPv6 routes of the downed link not removed:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("%d resyncs", r-r0)
	}
}

func TestSilentIPv4PrefSrcGone(t *testing.T) {
	ns, _ := silentNS(t)
	testbed.AddAddr(t, ns, "eth2", "192.0.2.77/32")
	ns.MustIP("route", "add", "192.0.2.128/25", "via", "192.0.2.254", "src", "192.0.2.77", "proto", "static")
	ns.MustIP("route", "add", "100.64.0.0/16", "dev", "eth1", "src", "192.0.2.77", "proto", "static")
	ns.MustIP("route", "add", "100.65.0.0/16", "dev", "eth1", "src", "192.0.2.77", "proto", "static", "table", "100")
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	r0 := x.resyncs()
	ns.MustIP("addr", "del", "192.0.2.77/32", "dev", "eth2")
	s := x.converge(10 * time.Second)
	cs := rec.take()
	for _, dst := range []string{"192.0.2.128/25", "100.64.0.0/16"} {
		if !has(cs, Removed, TypeIP4Route, dst, "src 192.0.2.77") {
			t.Errorf("route %s with the deleted preferred source not removed:\n%s", dst, strings.Join(changeLines(cs), "\n"))
		}
	}
	// The kernel only flushes the link's own table (main here): the route
	// of table 100 keeps its now dangling preferred source.
	if !strings.Contains(strings.Join(s.routes4, "\n"), "Dst:100.65.0.0/16") || has(cs, Removed, TypeIP4Route, "100.65.0.0/16") {
		t.Errorf("the table 100 route should survive:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("%d resyncs", r-r0)
	}
}

// When a link's last IPv4 address goes, the kernel disables IPv4 on it
// and flushes all its IPv4 routes, of every table and scope.
func TestSilentLastIPv4AddressGone(t *testing.T) {
	ns, _ := silentNS(t)
	ns.MustIP("route", "add", "10.7.0.0/16", "dev", "eth1", "proto", "static")
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	r0 := x.resyncs()
	ns.MustIP("addr", "del", "192.0.2.1/24", "dev", "eth1")
	x.converge(10 * time.Second)
	cs := rec.take()
	for _, dst := range []string{"203.0.113.0/24", "10.1.0.0/16", "10.7.0.0/16"} {
		if !has(cs, Removed, TypeIP4Route, dst) {
			t.Errorf("route %s of the link not removed:\n%s", dst, strings.Join(changeLines(cs), "\n"))
		}
	}
	if has(cs, Removed, TypeIP6Route) {
		t.Errorf("IPv6 routes were removed:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("%d resyncs", r-r0)
	}
	// With another address left, only that address's routes go.
	ns2, _ := silentNS(t)
	testbed.AddAddr(t, ns2, "eth1", "192.0.2.2/24")
	y := startTP(t, ns2, tpOptions{})
	rec2 := y.record()
	ns2.MustIP("addr", "del", "192.0.2.2/24", "dev", "eth1")
	y.converge(10 * time.Second)
	if cs := rec2.take(); has(cs, Removed, TypeIP4Route, "203.0.113.0/24") {
		t.Errorf("routes flushed although an address is left:\n%s", strings.Join(changeLines(cs), "\n"))
	}
}

func TestSilentIPv6PrefSrcCleared(t *testing.T) {
	ns, _ := silentNS(t)
	testbed.AddAddr(t, ns, "eth1", "2001:db8::77/128", "nodad")
	ns.MustIP("-6", "route", "add", "2001:db8:77::/48", "via", "2001:db8::fe", "src", "2001:db8::77", "proto", "static")
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	r0 := x.resyncs()
	ns.MustIP("-6", "addr", "del", "2001:db8::77/128", "dev", "eth1")
	s := x.converge(10 * time.Second)
	cs := rec.take()
	if !has(cs, Changed, TypeIP6Route, "2001:db8:77::/48") {
		t.Errorf("the route whose preferred source went was not updated:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	if !strings.Contains(strings.Join(s.routes6, "\n"), "Dst:2001:db8:77::/48") {
		t.Errorf("the route itself should stay")
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("%d resyncs", r-r0)
	}
}

func TestSilentLinkMovedToOtherNamespace(t *testing.T) {
	ns, peer := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	r0 := x.resyncs()
	ns.MustIP("link", "set", "eth1", "netns", peer.Name)
	x.converge(10 * time.Second)
	cs := rec.take()
	if !has(cs, Removed, TypeLink, "eth1") || !has(cs, Removed, TypeIP4Route, "203.0.113.0/24") ||
		!has(cs, Removed, TypeIP4Address, "192.0.2.1") {
		t.Errorf("moving eth1 away did not remove it with its objects:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	if r := x.resyncs(); r != r0 {
		t.Errorf("%d resyncs", r-r0)
	}
}

// Replacing an IPv4 route whose table, destination, TOS and metric are
// shared by a cached route removes that one without an event; the cache
// cannot know which route the kernel replaced and dumps that table.
func TestRouteReplaceRemovesOld(t *testing.T) {
	ns, _ := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	ns.MustIP("route", "replace", "203.0.113.0/24", "via", "198.51.100.254", "proto", "static")
	x.converge(10 * time.Second)
	cs := rec.take()
	if !has(cs, Removed, TypeIP4Route, "203.0.113.0/24", "via 192.0.2.254") ||
		!has(cs, Added, TypeIP4Route, "203.0.113.0/24", "via 198.51.100.254") {
		t.Errorf("replace not followed:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	ns.MustIP("-6", "route", "replace", "2001:db8:10::/48", "via", "2001:db8:2::fe", "proto", "static")
	x.converge(10 * time.Second)
	cs = rec.take()
	if !has(cs, Removed, TypeIP6Route, "2001:db8:10::/48", "via 2001:db8::fe") {
		t.Errorf("IPv6 replace not followed:\n%s", strings.Join(changeLines(cs), "\n"))
	}
	// Changing a field outside the identity of an IPv6 route is an update.
	ns.MustIP("-6", "route", "replace", "2001:db8:10::/48", "via", "2001:db8:2::fe", "proto", "static", "mtu", "1400")
	x.converge(10 * time.Second)
	cs = rec.take()
	if !has(cs, Changed, TypeIP6Route, "2001:db8:10::/48", "mtu 1400") || has(cs, Removed, TypeIP6Route, "2001:db8:10::/48") {
		t.Errorf("IPv6 MTU change is not an update:\n%s", strings.Join(changeLines(cs), "\n"))
	}
}

// Losing carrier changes only run-time route flags, which the cache does
// not keep: nothing may be removed.
func TestCarrierLossKeepsRoutes(t *testing.T) {
	ns, peer := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	peer.MustIP("link", "set", "peer1", "down")
	x.converge(10 * time.Second)
	cs := rec.take()
	for i := range cs {
		if cs[i].Op == Removed {
			t.Errorf("carrier loss removed %s", cs[i].String())
		}
	}
	if !has(cs, Changed, TypeLink, "eth1") {
		t.Errorf("the link's carrier change was not seen:\n%s", strings.Join(changeLines(cs), "\n"))
	}
}

// A multipath IPv4 route dies with the last of its hops; the cache leaves
// that to a dump of the routes.
func TestMultipathRouteHopDown(t *testing.T) {
	ns, _ := silentNS(t)
	ns.MustIP("route", "add", "100.100.0.0/16", "proto", "static",
		"nexthop", "via", "192.0.2.254", "dev", "eth1", "nexthop", "via", "198.51.100.254", "dev", "eth2")
	x := startTP(t, ns, tpOptions{})
	s := x.converge(10 * time.Second)
	if !strings.Contains(strings.Join(s.routes4, "\n"), "Nexthops:[{Index:") {
		t.Fatalf("multipath route not cached with its hops: %v", s.routes4)
	}
	ns.MustIP("link", "set", "eth1", "down")
	x.converge(10 * time.Second)
	ns.MustIP("link", "set", "eth2", "down")
	x.converge(10 * time.Second)
	ns.MustIP("link", "set", "eth1", "up")
	ns.MustIP("link", "set", "eth2", "up")
	ns.MustIP("route", "add", "100.100.0.0/16", "proto", "static",
		"nexthop", "via", "192.0.2.254", "dev", "eth1", "nexthop", "via", "198.51.100.254", "dev", "eth2")
	x.converge(10 * time.Second)
	ns.MustIP("link", "del", "eth2")
	x.converge(10 * time.Second)
}

func TestLinkLifecycle(t *testing.T) {
	ns := testbed.NewNetns(t)
	other := testbed.NewNetns(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	testbed.Veth(t, ns, "v0", ns, "v1")
	testbed.Bridge(t, ns, "br0", "stp_state", "1", "forward_delay", "400")
	testbed.Attach(t, ns, "v0", "br0")
	testbed.Macvlan(t, ns, "mv0", "v1", "bridge")
	testbed.Vxlan(t, ns, "vx0", 42, 4789)
	testbed.Tuntap(t, ns, "tun0", "tun")
	testbed.Tuntap(t, ns, "tap0", "tap")
	x.converge(10 * time.Second)
	want := map[string]struct {
		typ    LinkType
		driver string
	}{
		"v0": {LinkVeth, "veth"}, "br0": {LinkBridge, "bridge"}, "mv0": {LinkMACVLAN, "macvlan"},
		"vx0": {LinkVXLAN, "vxlan"}, "tun0": {LinkTUN, "tun"}, "tap0": {LinkTUN, "tun"}, "lo": {LinkLoopback, ""},
	}
	x.call(func() {
		for name, w := range want {
			l, ok := x.p.LinkByName(name)
			if !ok {
				t.Errorf("%s not cached", name)
				continue
			}
			if l.Type != w.typ || l.Driver != w.driver {
				t.Errorf("%s: type %s driver %q, want %s %q", name, l.Type, l.Driver, w.typ, w.driver)
			}
		}
		if l, _ := x.p.LinkByName("v0"); l != nil {
			br, _ := x.p.LinkByName("br0")
			if br == nil || l.Master != br.Index || l.PortKind != "bridge" {
				t.Errorf("v0 not shown as port of br0: %s", l)
			}
		}
		if l, _ := x.p.LinkByName("br0"); l != nil {
			if d, ok := l.Data.(*BridgeData); !ok || d.STPState != 1 || d.ForwardDelay != 400 {
				t.Errorf("bridge settings not read: %v", l.Data)
			}
		}
		if l, _ := x.p.LinkByName("tap0"); l != nil {
			if d, ok := l.Data.(*TunData); !ok || !d.Tap {
				t.Errorf("tap0 not shown as a tap: %v", l.Data)
			}
		}
		if l, _ := x.p.LinkByName("vx0"); l != nil {
			if d, ok := l.Data.(*VxlanData); !ok || d.ID != 42 || d.DstPort != 4789 {
				t.Errorf("vxlan settings not read: %v", l.Data)
			}
		}
	})
	ns.MustIP("link", "set", "v1", "name", "renamed1")
	x.converge(10 * time.Second)
	if _, ok := func() (*Link, bool) {
		var l *Link
		var ok bool
		x.call(func() { l, ok = x.p.LinkByName("renamed1") })
		return l, ok
	}(); !ok {
		t.Errorf("rename not followed")
	}
	ns.MustIP("link", "set", "tap0", "netns", other.Name)
	ns.MustIP("link", "del", "vx0")
	ns.MustIP("link", "del", "v0") // takes v1/renamed1 and the macvlan on it
	x.converge(10 * time.Second)
	cs := rec.take()
	for _, name := range []string{"tap0", "vx0", "v0", "renamed1", "mv0"} {
		if !has(cs, Removed, TypeLink, " "+name+" ") && !has(cs, Removed, TypeLink, " "+name+"@") {
			t.Errorf("removal of %s not seen:\n%s", name, strings.Join(changeLines(cs), "\n"))
		}
	}
}

func TestAddressLifetimesExpire(t *testing.T) {
	ns, _ := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	rec := x.record()
	ns.MustIP("addr", "add", "192.0.2.50/24", "dev", "eth1", "valid_lft", "3", "preferred_lft", "1")
	ns.MustIP("addr", "add", "2001:db8::50/64", "dev", "eth1", "nodad", "valid_lft", "3", "preferred_lft", "1")
	s := x.converge(10 * time.Second)
	found := 0
	x.call(func() {
		for _, tt := range []ObjectType{TypeIP4Address, TypeIP6Address} {
			for _, a := range x.p.Addresses(tt, 0) {
				if strings.HasSuffix(a.Address.String(), ".50") || strings.HasSuffix(a.Address.String(), "::50") {
					found++
					if a.Valid < 2 || a.Valid > 4 || a.Preferred > 2 {
						t.Errorf("lifetimes of %s: valid %d preferred %d, want about 3 and 1", a, a.Valid, a.Preferred)
					}
				}
			}
		}
	})
	if found != 2 {
		t.Fatalf("found %d of the 2 short-lived addresses: %v", found, s.addrs)
	}
	// Wait until the kernel has deprecated and then removed them.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out := ns.MustIP("addr", "show", "dev", "eth1")
		if !strings.Contains(out, "192.0.2.50") && !strings.Contains(out, "2001:db8::50") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	x.converge(10 * time.Second)
	cs := rec.take()
	for _, a := range []string{"192.0.2.50", "2001:db8::50"} {
		if !has(cs, Changed, addrType(a), a, "deprecated") {
			t.Errorf("%s: deprecation not seen:\n%s", a, strings.Join(changeLines(cs), "\n"))
		}
		if !has(cs, Removed, addrType(a), a) {
			t.Errorf("%s: expiry not seen:\n%s", a, strings.Join(changeLines(cs), "\n"))
		}
	}
}

func addrType(a string) ObjectType {
	if strings.Contains(a, ":") {
		return TypeIP6Address
	}
	return TypeIP4Address
}

var _ = fmt.Sprint
