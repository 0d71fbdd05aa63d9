package platform

import (
	"encoding/json"
	"net/netip"
	"slices"
	"testing"

	"github.com/gonm/gonm/internal/testbed"
)

// The order of a link's addresses and routes is NetworkManager's cache
// order (IP4Config/IP6Config show it): addresses announced since the last
// dump come first, newest first, then those of the dump in the kernel's
// order; routes oldest first, a dump putting those it shows last in the
// kernel's order.
func TestAddressAndRouteOrder(t *testing.T) {
	testbed.RequireRoot(t)
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	ns.MustIP("link", "set", "eth1", "up")
	ns.MustIP("addr", "add", "192.0.2.1/24", "dev", "eth1")
	ns.MustIP("addr", "add", "198.51.100.1/24", "dev", "eth1")
	ns.MustIP("route", "add", "10.1.0.0/16", "dev", "eth1")
	x := startTP(t, ns, tpOptions{})
	eth1 := x.index("eth1")

	addrs := func() []string {
		var out []string
		x.call(func() {
			for _, a := range x.p.Addresses(TypeIP4Address, eth1) {
				out = append(out, a.Address.String())
			}
		})
		return out
	}
	routes := func() []string {
		var out []string
		x.call(func() {
			x.p.Routes(TypeIP4Route, eth1, false, func(r *Route) bool {
				if r.Table == TableMain {
					out = append(out, r.Dst.String())
				}
				return true
			})
		})
		return out
	}
	// After the first dump: the kernel's order.
	if got, want := addrs(), kernelAddrOrder(t, ns); !slices.Equal(got, want) {
		t.Errorf("addresses after the dump %v, kernel %v", got, want)
	}
	if got, want := routes(), kernelRouteOrder(t, ns); !slices.Equal(got, want) {
		t.Errorf("routes after the dump %v, kernel %v", got, want)
	}

	ns.MustIP("addr", "add", "203.0.113.1/24", "dev", "eth1")
	ns.MustIP("addr", "add", "203.0.113.2/24", "dev", "eth1")
	ns.MustIP("route", "add", "10.9.0.0/16", "dev", "eth1")
	ns.MustIP("route", "add", "10.0.0.0/16", "dev", "eth1")
	x.converge(10e9)
	if got, want := addrs(), []string{"203.0.113.2", "203.0.113.1", "192.0.2.1", "198.51.100.1"}; !slices.Equal(got, want) {
		t.Errorf("addresses after events %v, want the new ones first, newest first: %v", got, want)
	}
	got := routes()
	if n := len(got); n < 2 || got[n-2] != "10.9.0.0/16" || got[n-1] != "10.0.0.0/16" {
		t.Errorf("routes after events %v, want the new ones last, oldest first", got)
	}

	// Lookups by identity.
	x.call(func() {
		a, ok := x.p.LookupAddress(&Address{Index: eth1, Address: netip.MustParseAddr("203.0.113.1"), PrefixLen: 24})
		if !ok || a.Address != netip.MustParseAddr("203.0.113.1") {
			t.Errorf("LookupAddress: %v %v", a, ok)
		}
		if _, ok := x.p.LookupAddress(&Address{Index: eth1, Address: netip.MustParseAddr("203.0.113.1"), PrefixLen: 25}); ok {
			t.Error("LookupAddress found an IPv4 address of another prefix length")
		}
		r, ok := x.p.LookupRoute(&Route{Table: TableMain, Dst: netip.MustParsePrefix("10.9.0.0/16"), Index: eth1,
			Protocol: 3, Scope: 253, Type: 1})
		if !ok || r.Dst.String() != "10.9.0.0/16" {
			t.Errorf("LookupRoute: %v %v", r, ok)
		}
		if _, ok := x.p.LookupRoute(&Route{Table: TableMain, Dst: netip.MustParsePrefix("10.9.0.0/16"), Index: eth1,
			Protocol: 3, Scope: 253, Type: 1, Metric: 5}); ok {
			t.Error("LookupRoute found a route of another metric")
		}
	})
}

func kernelAddrOrder(t *testing.T, ns *testbed.Netns) []string {
	var links []struct {
		AddrInfo []struct {
			Family string `json:"family"`
			Local  string `json:"local"`
		} `json:"addr_info"`
	}
	if err := json.Unmarshal([]byte(ns.MustIP("-j", "addr", "show", "dev", "eth1")), &links); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range links[0].AddrInfo {
		if a.Family == "inet" {
			out = append(out, a.Local)
		}
	}
	return out
}

func kernelRouteOrder(t *testing.T, ns *testbed.Netns) []string {
	var rs []struct {
		Dst string `json:"dst"`
	}
	if err := json.Unmarshal([]byte(ns.MustIP("-j", "-4", "route", "show", "table", "main", "dev", "eth1")), &rs); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		if r.Dst == "default" {
			r.Dst = "0.0.0.0/0"
		}
		out = append(out, r.Dst)
	}
	return out
}

// A link's chain keeps its order through removals, compaction and moves to
// the end.
func TestRouteChainOrder(t *testing.T) {
	s := newRouteStore[r4rec, *r4rec]()
	route := func(i int) Route {
		return Route{Table: TableMain, Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24),
			Index: int32(1 + i%2), Protocol: 3, Scope: 253, Type: 1}
	}
	for i := range 10000 {
		rec, ex := toRec4(ptr(route(i)))
		s.insert(rec, ex)
	}
	// Remove most of them: the store compacts itself on the way.
	var want []string
	for i := range 10000 {
		if i%97 != 0 {
			r := route(i)
			rec, ex := toRec4(&r)
			slot, ok := s.find(rec, ex)
			if !ok {
				t.Fatalf("route %d lost", i)
			}
			s.remove(slot)
		} else if i%2 == 0 {
			want = append(want, route(i).Dst.String())
		}
	}
	if len(s.chunks) > 1 {
		t.Fatalf("the store did not compact: %d chunks for %d routes", len(s.chunks), s.Len())
	}
	// Move the first survivor to the end.
	first := route(0)
	rec, ex := toRec4(&first)
	slot, _ := s.find(rec, ex)
	s.moveToTail(slot)
	want = append(want[1:], want[0])
	var got []string
	s.forIndex(1, func(_ uint32, p *r4rec) bool {
		r := fromRec4(p, s.extra(p))
		got = append(got, r.Dst.String())
		return true
	})
	if !slices.Equal(got, want) {
		t.Errorf("chain of link 1 (%d routes) out of order:\n got %v\nwant %v", len(got), got[:min(5, len(got))], want[:min(5, len(want))])
	}
}

func ptr[T any](v T) *T { return &v }
