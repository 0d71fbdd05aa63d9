package platform

import (
	"context"
	"fmt"
	"math/rand"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/loop"
)

// These tests drive the cache directly, without a kernel: the platform is
// created but not started, and objects are applied as the reader would
// hand them over.

func newTestPlatform(t *testing.T) (*Platform, *loop.Loop) {
	t.Helper()
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	t.Cleanup(func() { cancel(); <-l.Done() })
	return New(l, Options{}), l
}

func onLoop(t *testing.T, l *loop.Loop, fn func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Call(ctx, fn); err != nil {
		t.Fatal(err)
	}
	if err := l.Settle(ctx); err != nil {
		t.Fatal(err)
	}
}

func link(index int32, name string, up bool) *Link {
	l := &Link{Index: index, Name: name, Type: LinkEthernet, Flags: unix.IFF_BROADCAST, LinkNetNSID: -1}
	if up {
		l.Flags |= unix.IFF_UP | unix.IFF_LOWER_UP
	}
	return l
}

func r4(dst, gw string, index int32, metric uint32) *Route {
	r := &Route{Table: TableMain, Dst: netip.MustParsePrefix(dst), Index: index, Metric: metric,
		Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST}
	if gw != "" {
		r.Gateway = netip.MustParseAddr(gw)
	} else {
		r.Scope = unix.RT_SCOPE_LINK
	}
	return r
}

func r6(dst, gw string, index int32, metric uint32) *Route {
	r := &Route{Table: TableMain, Dst: netip.MustParsePrefix(dst), Index: index, Metric: metric,
		Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST}
	if gw != "" {
		r.Gateway = netip.MustParseAddr(gw)
	}
	return r
}

func TestSubscriptionsCoalesceOnIdle(t *testing.T) {
	p, l := newTestPlatform(t)
	calls := 0
	var deltas []Delta
	var eth1Only []Delta
	onLoop(t, l, func() {
		p.Subscribe(Filter{Types: RouteTypes, Details: true}, func(s *Subscription) {
			calls++
			deltas = append(deltas, s.TakeAll()...)
		})
		p.Subscribe(Filter{Index: 2}, func(s *Subscription) {
			eth1Only = append(eth1Only, s.Since(2))
		})
	})
	onLoop(t, l, func() {
		p.c.setLink(link(2, "eth1", true))
		p.c.setLink(link(3, "eth2", true))
		for i := 0; i < 1000; i++ {
			p.c.setRoute(r4(fmt.Sprintf("10.0.%d.%d/32", i>>8, i&255), "", 2, 0), 0, false)
		}
		p.c.setRoute(r6("2001:db8::/64", "", 3, 1024), 0, false)
	})
	if calls != 1 {
		t.Fatalf("subscriber called %d times for one burst, want 1", calls)
	}
	if len(deltas) != 2 || deltas[0].Index != 2 || len(deltas[0].Changes) != 1000 ||
		deltas[0].Types != TypeIP4Route.Bit() || deltas[1].Index != 3 || deltas[1].Types != TypeIP6Route.Bit() {
		t.Fatalf("deltas %+v", summarize(deltas))
	}
	if len(eth1Only) != 1 || eth1Only[0].Types != TypeLink.Bit()|TypeIP4Route.Bit() || eth1Only[0].Changes != nil {
		t.Fatalf("per-link subscription got %+v", summarize(eth1Only))
	}
	// More than MaxDetails changes for one link between two looks
	// overflow into "re-read the cache".
	deltas = nil
	onLoop(t, l, func() {
		for i := 0; i < MaxDetails+1; i++ {
			p.c.setRoute(r4(fmt.Sprintf("10.1.%d.%d/32", i>>8, i&255), "", 2, 0), 0, false)
		}
	})
	if len(deltas) != 1 || !deltas[0].Overflow || deltas[0].Changes != nil {
		t.Fatalf("overflow not reported: %+v", summarize(deltas))
	}
}

func summarize(ds []Delta) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("link %d types %s changes %d overflow %v", d.Index, d.Types, len(d.Changes), d.Overflow))
	}
	return out
}

func TestRouteIdentity(t *testing.T) {
	p, l := newTestPlatform(t)
	var got []Change
	onLoop(t, l, func() {
		p.Subscribe(Filter{Details: true}, func(s *Subscription) {
			for _, d := range s.TakeAll() {
				got = append(got, d.Changes...)
			}
		})
		p.c.setLink(link(2, "eth1", true))
	})
	got = nil
	onLoop(t, l, func() {
		// IPv6: MTU, protocol, preferred source are not identity.
		a := r6("2001:db8::/64", "fe80::1", 2, 1024)
		p.c.setRoute(a, 0, false)
		b := *a
		b.MTU, b.Protocol = 1400, unix.RTPROT_RA
		p.c.setRoute(&b, unix.NLM_F_REPLACE, false)
		// A different gateway is a different route.
		c := *a
		c.Gateway = netip.MustParseAddr("fe80::2")
		p.c.setRoute(&c, 0, false)
		// IPv4: every field is identity; another MTU is another route.
		x := r4("10.0.0.0/8", "192.0.2.1", 2, 10)
		p.c.setRoute(x, 0, false)
		y := *x
		y.MTU = 1400
		p.c.setRoute(&y, unix.NLM_F_CREATE|unix.NLM_F_APPEND, false)
	})
	want := []string{
		"ip6-route added: 2001:db8::/64 via fe80::1 dev 2 proto static metric 1024",
		"ip6-route changed: 2001:db8::/64 via fe80::1 dev 2 proto ra metric 1024 mtu 1400",
		"ip6-route added: 2001:db8::/64 via fe80::2 dev 2 proto static metric 1024",
		"ip4-route added: 10.0.0.0/8 via 192.0.2.1 dev 2 proto static metric 10",
		"ip4-route added: 10.0.0.0/8 via 192.0.2.1 dev 2 proto static metric 10 mtu 1400",
	}
	if fmt.Sprint(changeLines(got)) != fmt.Sprint(want) {
		t.Fatalf("changes\n%s\nwant\n%s", changeLines(got), want)
	}
	var n4, n6 int
	onLoop(t, l, func() { n4, n6 = p.RouteCount(TypeIP4Route), p.RouteCount(TypeIP6Route) })
	if n4 != 2 || n6 != 2 {
		t.Fatalf("%d IPv4 and %d IPv6 routes cached, want 2 and 2", n4, n6)
	}
}

func TestReplaceAskForRouteDump(t *testing.T) {
	p, l := newTestPlatform(t)
	var before, after int64
	onLoop(t, l, func() {
		p.c.setLink(link(2, "eth1", true))
		p.c.setLink(link(3, "eth2", true))
		p.c.setRoute(r4("10.0.0.0/8", "192.0.2.1", 2, 10), 0, false)
		before = p.Stats().RouteResyncs
		// A replace whose weak identity matches nothing cached: nothing
		// can have been replaced that the cache holds.
		p.c.setRoute(r4("10.1.0.0/16", "192.0.2.1", 2, 10), unix.NLM_F_REPLACE, false)
		if p.Stats().RouteResyncs != before {
			t.Errorf("resync asked for a replace that hit nothing cached")
		}
		// Same table, destination, TOS and metric on another link: the
		// cached route may be the replaced one.
		p.c.setRoute(r4("10.0.0.0/8", "198.51.100.1", 3, 10), unix.NLM_F_REPLACE, false)
		after = p.Stats().RouteResyncs
	})
	if after != before+1 {
		t.Fatalf("route resyncs %d -> %d, want one more", before, after)
	}
}

// TestRouteStoreMatchesModel applies random adds and removes to the store
// and to a plain map, checking they agree, including across the store
// compacting itself.
func TestRouteStoreMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	s := newRouteStore[r4rec, *r4rec]()
	model := map[string]bool{}
	key := func(r *Route) string { return r.String() }
	mk := func(i int) Route {
		r := *r4(fmt.Sprintf("10.%d.%d.0/24", i>>8&255, i&255), "", int32(2+i%5), uint32(i%3))
		if i%7 == 0 {
			r.Metrics.Window = 1000 // exercises the extras
		}
		return r
	}
	for step := 0; step < 200000; step++ {
		i := rng.Intn(20000)
		r := mk(i)
		rec, ex := toRec4(&r)
		slot, found := s.find(rec, ex)
		if found != model[key(&r)] {
			t.Fatalf("step %d: store has %s: %v, model %v", step, key(&r), found, model[key(&r)])
		}
		// Grow for the first half, then mostly shrink.
		add := rng.Intn(100) < 70
		if step > 100000 {
			add = rng.Intn(100) < 20
		}
		if add && !found {
			s.insert(rec, ex)
			model[key(&r)] = true
		} else if !add && found {
			got := fromRec4(s.at(slot), s.extra(s.at(slot)))
			if !got.Equal(&r) {
				t.Fatalf("step %d: stored %v, want %v", step, &got, &r)
			}
			s.remove(slot)
			delete(model, key(&r))
		}
		if s.Len() != len(model) {
			t.Fatalf("step %d: store holds %d, model %d", step, s.Len(), len(model))
		}
	}
	perIndex := map[int32]int{}
	s.forAll(func(_ uint32, p *r4rec) bool { perIndex[p.h.index]++; return true })
	for idx, n := range perIndex {
		m := 0
		s.forIndex(idx, func(uint32, *r4rec) bool { m++; return true })
		if m != n {
			t.Errorf("link %d: chain has %d routes, store %d", idx, m, n)
		}
	}
}

// TestRouteMemory checks the memory budget: at most 100 heap bytes per
// cached route, for IPv4 and IPv6.
func TestRouteMemory(t *testing.T) {
	const n = 100000
	for _, fam := range []string{"ipv4", "ipv6"} {
		p, l := newTestPlatform(t)
		onLoop(t, l, func() { p.c.setLink(link(2, "eth1", true)) })
		before := heapInUse()
		onLoop(t, l, func() {
			for i := 0; i < n; i++ {
				r := Route{Table: TableMain, Index: 2, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST}
				if fam == "ipv4" {
					r.Dst = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32)
				} else {
					r.Dst = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i >> 16), 6: byte(i >> 8), 7: byte(i)}), 64)
					r.Metric = 1024
				}
				p.c.setRoute(&r, 0, false)
			}
		})
		after := heapInUse()
		per := float64(int64(after)-int64(before)) / n
		t.Logf("%s: %.1f heap bytes per cached route", fam, per)
		if per > 100 {
			t.Errorf("%s: %.1f heap bytes per cached route, budget 100", fam, per)
		}
		onLoop(t, l, func() {
			if p.RouteCount(TypeIP4Route)+p.RouteCount(TypeIP6Route) != n {
				t.Errorf("cache holds %d routes", p.RouteCount(TypeIP4Route)+p.RouteCount(TypeIP6Route))
			}
			p.c.removeLink(2)
		})
		if h := heapInUse(); int64(h)-int64(before) > 1<<20 {
			t.Errorf("%s: %d bytes still in use after the routes went", fam, int64(h)-int64(before))
		}
		runtime.KeepAlive(p)
	}
}

func TestRecordSizes(t *testing.T) {
	var a r4rec
	var b r6rec
	if s := int(unsafeSizeof(a)); s != sizeofR4 {
		t.Errorf("r4rec is %d bytes, want %d", s, sizeofR4)
	}
	if s := int(unsafeSizeof(b)); s != sizeofR6 {
		t.Errorf("r6rec is %d bytes, want %d", s, sizeofR6)
	}
}
