package ipconfig

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/l3cfg/l3cfgtest"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
)

// fx runs the manager on the fake platform, with the exporter's signals
// recorded with the time they left.
type fx struct {
	t    *testing.T
	loop *loop.Loop
	fake *l3cfgtest.Fake
	reg  *l3cfg.Registry
	exp  *bus.Exporter
	m    *Manager
	mu   sync.Mutex
	sigs []sig
}

type sig struct {
	at   time.Time
	path dbus.ObjectPath
	name string
	args []any
}

func newFx(t *testing.T) *fx {
	t.Helper()
	x := &fx{t: t, loop: loop.New()}
	x.exp = bus.New(x.loop, bus.Options{Strict: true, Sink: func(path dbus.ObjectPath, name string, args ...any) {
		x.mu.Lock()
		x.sigs = append(x.sigs, sig{time.Now(), path, name, args})
		x.mu.Unlock()
	}})
	ctx, cancel := context.WithCancel(context.Background())
	go x.loop.Run(ctx)
	x.do(func() {
		x.fake = l3cfgtest.New(x.loop)
		x.fake.AddLink(2, "eth0")
		x.reg = l3cfg.NewRegistry(x.loop, x.fake, l3cfg.Options{})
		x.m = NewManager(x.exp)
	})
	t.Cleanup(func() {
		cancel()
		<-x.loop.Done()
	})
	return x
}

func (x *fx) do(fn func()) {
	x.t.Helper()
	if err := x.loop.Call(context.Background(), fn); err != nil {
		x.t.Fatal(err)
	}
	if err := x.loop.Settle(context.Background()); err != nil {
		x.t.Fatal(err)
	}
}

// take returns the PropertiesChanged signals since the last take.
func (x *fx) take() []sig {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []sig
	for _, s := range x.sigs {
		if s.name == "org.freedesktop.DBus.Properties.PropertiesChanged" {
			out = append(out, s)
		}
	}
	x.sigs = nil
	return out
}

// get returns the current values of the object's properties.
func (x *fx) get(c *IPConfig) map[string]any {
	out := map[string]any{}
	x.do(func() {
		info := c.obj.Class().Interfaces[0].Info()
		for _, p := range info.Properties {
			out[p.Name] = c.obj.Get(c.iface, p.Name)
		}
	})
	return out
}

func show(v any) string {
	switch v := v.(type) {
	case []map[string]dbus.Variant:
		var parts []string
		for _, m := range v {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var kv []string
			for _, k := range keys {
				kv = append(kv, fmt.Sprintf("%s=%v", k, m[k].Value()))
			}
			parts = append(parts, "{"+strings.Join(kv, " ")+"}")
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprintf("%v", v)
}

func render(vals map[string]any) string {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, show(vals[k]))
	}
	return b.String()
}

func golden(t *testing.T, what, got, want string) {
	t.Helper()
	want = strings.TrimLeft(want, "\n")
	if got != want {
		t.Errorf("%s:\n--- got\n%s--- want\n%s", what, got, want)
	}
}

var ethOpts = l3cfg.ConfigOptions{Priority: l3cfg.PriorityManual, RouteMetric4: 100, RouteMetric6: 100,
	DNSPriority4: l3cfg.DNSPriorityDefaultNormal, DNSPriority6: l3cfg.DNSPriorityDefaultNormal}

func staticConfig() *l3cfg.Config {
	c := &l3cfg.Config{Source: "static"}
	c.IPv4.Addresses = []l3cfg.Address{{Prefix: netip.MustParsePrefix("192.0.2.10/24")}, {Prefix: netip.MustParsePrefix("198.51.100.7/25"), Label: "eth0:1"}}
	c.IPv4.Routes = []l3cfg.Route{l3cfg.DefaultRoute(netip.MustParseAddr("192.0.2.1")),
		{Route: platform.Route{Dst: netip.MustParsePrefix("10.2.0.0/16"), Gateway: netip.MustParseAddr("192.0.2.253"), Table: 100, Metric: 55, Protocol: unix.RTPROT_STATIC}}}
	c.IPv4.Nameservers = []string{"9.9.9.9", "1.1.1.1#dns.example"}
	c.IPv4.Searches = []string{"example.org"}
	c.IPv4.DNSOptions = []string{"rotate"}
	c.IPv4.DNSPriority, c.IPv4.HasDNSPriority = 0, true
	c.IPv6.Addresses = []l3cfg.Address{{Prefix: netip.MustParsePrefix("2001:db8::10/64")}}
	c.IPv6.Routes = []l3cfg.Route{l3cfg.DefaultRoute(netip.MustParseAddr("2001:db8::1"))}
	c.IPv6.Nameservers = []string{"2001:4860:4860::8888"}
	c.IPv6.DNSPriority, c.IPv6.HasDNSPriority = 50, true
	c.WINS = []netip.Addr{netip.MustParseAddr("192.0.2.44")}
	return c
}

// The values of a committed static configuration, in NetworkManager's
// encodings (checked against NetworkManager 1.42 over D-Bus by
// TestDBusMatchesReference).
func TestValues(t *testing.T) {
	x := newFx(t)
	var ip4, ip6 *IPConfig
	x.do(func() {
		l := x.reg.Acquire(2)
		l.RegisterCommitType(l3cfg.CommitUpdate, "test")
		l.AddConfig("static", staticConfig(), ethOpts)
		l.Commit(l3cfg.CommitAuto)
		ip4 = x.m.Acquire(l, l3cfg.IPv4)
		ip6 = x.m.Acquire(l, l3cfg.IPv6)
	})
	if ip4.Path() != "/org/freedesktop/NetworkManager/IP4Config/1" || ip6.Path() != "/org/freedesktop/NetworkManager/IP6Config/1" {
		t.Errorf("paths %s %s", ip4.Path(), ip6.Path())
	}
	// Legacy forms: IPv4 addresses as network-byte-order integers read on
	// this (little-endian) host: 192.0.2.10 = 0x0a0200c0.
	golden(t, "IP4Config", render(x.get(ip4)), `
AddressData: {address=198.51.100.7 label=eth0:1 prefix=25} {address=192.0.2.10 prefix=24}
Addresses: [[124007366 25 16908480] [167903424 24 0]]
ClatAddress: 
DnsOptions: [rotate]
DnsPriority: 100
Domains: []
Gateway: 192.0.2.1
NameserverData: {address=9.9.9.9} {address=1.1.1.1}
Nameservers: [151587081 16843009]
RouteData: {dest=192.0.2.0 metric=100 prefix=24} {dest=198.51.100.0 metric=100 prefix=25} {dest=0.0.0.0 metric=100 next-hop=192.0.2.1 prefix=0} {dest=10.2.0.0 metric=55 next-hop=192.0.2.253 prefix=16 table=100}
Routes: [[131264 24 0 100] [6566854 25 0 100]]
Searches: [example.org]
WinsServerData: [192.0.2.44]
WinsServers: [738328768]
`)
	golden(t, "IP6Config", render(x.get(ip6)), `
AddressData: {address=2001:db8::10 prefix=64}
Addresses: [{[32 1 13 184 0 0 0 0 0 0 0 0 0 0 0 16] 64 [32 1 13 184 0 0 0 0 0 0 0 0 0 0 0 1]}]
ClatAddress: 
ClatPref64: 
DnsOptions: []
DnsPriority: 50
Domains: []
Gateway: 2001:db8::1
Nameservers: [[32 1 72 96 72 96 0 0 0 0 0 0 0 0 136 136]]
RouteData: {dest=2001:db8:: metric=100 prefix=64} {dest=:: metric=100 next-hop=2001:db8::1 prefix=0}
Routes: [{[32 1 13 184 0 0 0 0 0 0 0 0 0 0 0 0] 64 [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0] 100}]
Searches: []
`)
	// Released: the object leaves the bus; the next one gets a new number.
	x.do(func() {
		ip4.Release()
		ip4 = x.m.Acquire(ip6.l, l3cfg.IPv4)
	})
	if ip4.Path() != "/org/freedesktop/NetworkManager/IP4Config/2" {
		t.Errorf("new object at %s", ip4.Path())
	}
}

// The lists stop at NetworkManager 1.46's caps: 100 unicast routes,
// 101 addresses (its off-by-one).
func TestCaps(t *testing.T) {
	x := newFx(t)
	var ip4 *IPConfig
	x.do(func() {
		l := x.reg.Acquire(2)
		for i := range 150 {
			x.fake.SetAddress(&platform.Address{Index: 2, Address: netip.AddrFrom4([4]byte{10, 0, byte(i), 1}), PrefixLen: 32,
				Flags: unix.IFA_F_NOPREFIXROUTE, Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
			x.fake.AddRoute(platform.Route{Table: 254, Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(i), 0}), 24),
				Index: 2, Protocol: unix.RTPROT_BOOT, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST})
		}
		ip4 = x.m.Acquire(l, l3cfg.IPv4)
	})
	v := x.get(ip4)
	ad, rd := v["AddressData"].([]map[string]dbus.Variant), v["RouteData"].([]map[string]dbus.Variant)
	if len(ad) != 101 || len(v["Addresses"].([][]uint32)) != 101 {
		t.Errorf("%d addresses exported, want 101", len(ad))
	}
	// The newest address first, as NetworkManager's cache lists them.
	if ad[0]["address"].Value() != "10.0.149.1" {
		t.Errorf("first address %v", ad[0]["address"].Value())
	}
	// The local routes of the 150 addresses come first in the cache but
	// are not unicast: the 100 routes are the oldest unicast ones.
	if len(rd) != 100 || rd[0]["dest"].Value() != "172.16.0.0" || rd[99]["dest"].Value() != "172.16.99.0" {
		t.Errorf("%d routes exported, first %v, last %v", len(rd), rd[0]["dest"].Value(), rd[len(rd)-1]["dest"].Value())
	}
}

// The rate limit as NetworkManager 1.46 has it, through the l3cfg's idle
// coalescing and the exporter: a single change goes out at once; a burst
// of 10 000 route changes within a second gives at most 3 signals while it
// lasts plus one trailing signal, never two closer than 333 ms, and the
// last one carries the settled state.
func TestRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x := newFx(t)
		var ip4 *IPConfig
		x.do(func() {
			l := x.reg.Acquire(2)
			x.fake.SetAddress(&platform.Address{Index: 2, Address: netip.MustParseAddr("192.0.2.10"), PrefixLen: 24,
				Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
			ip4 = x.m.Acquire(l, l3cfg.IPv4)
		})
		x.take()
		rt := func(i int) platform.Route {
			return platform.Route{Table: 254, Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32),
				Index: 2, Protocol: unix.RTPROT_BOOT, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST}
		}
		// Each change replaces the oldest route by a new one, so that
		// every change shows in the (capped) list.
		addRoute := func(i int) {
			if i >= 50 {
				old := rt(i - 50)
				x.fake.RemoveRoute(&old)
			}
			x.fake.AddRoute(rt(i))
		}

		// A single change after a quiet period: at once.
		time.Sleep(time.Second)
		start := time.Now()
		x.do(func() { addRoute(0) })
		if s := x.take(); len(s) != 1 || !s[0].at.Equal(start) {
			t.Fatalf("single change: %d signals %v", len(s), s)
		}

		// A burst: 10 000 changes over 990 ms, 10 per loop turn (the
		// first 50 only add).
		time.Sleep(time.Second)
		start = time.Now()
		for i := 1; i <= 10000; i += 10 {
			x.do(func() {
				for j := i; j < i+10; j++ {
					addRoute(j)
				}
			})
			time.Sleep(990 * time.Microsecond)
		}
		burstEnd := time.Now()
		time.Sleep(2 * time.Second)
		synctest.Wait()
		x.do(func() {})
		sigs := x.take()
		during, after := 0, 0
		for i, s := range sigs {
			if s.at.Before(burstEnd) {
				during++
			} else {
				after++
			}
			if i > 0 && s.at.Sub(sigs[i-1].at) < bus.RateLimitIPConfig {
				t.Errorf("signals %d and %d only %v apart", i-1, i, s.at.Sub(sigs[i-1].at))
			}
		}
		t.Logf("burst of 10000 changes over %v: %d signals during it, %d after", burstEnd.Sub(start), during, after)
		if during > 3 || after != 1 {
			t.Errorf("%d signals during the burst (want at most 3), %d after (want 1 trailing)", during, after)
		}
		// The last signal is the settled state: the prefix route of the
		// address and the last 50 routes.
		last := sigs[len(sigs)-1].args[1].(map[string]dbus.Variant)
		rd, ok := last["RouteData"]
		if !ok {
			t.Fatalf("last signal has no RouteData: %v", last)
		}
		var settled []map[string]dbus.Variant
		x.do(func() { settled = platformValues(x.fake, 2, l3cfg.IPv4).routeData })
		if show(rd.Value()) != show(settled) {
			t.Errorf("last signal %s\nsettled %s", show(rd.Value()), show(settled))
		}
		if n := len(settled); n != 51 {
			t.Errorf("settled list has %d routes", n)
		}
		// Nothing more once settled.
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if s := x.take(); len(s) != 0 {
			t.Errorf("%d signals after settling", len(s))
		}
		_ = ip4
	})
}

// DNS follows commits, not the kernel: it is not rate limited.
func TestDNSNotRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x := newFx(t)
		var l *l3cfg.L3Cfg
		x.do(func() {
			l = x.reg.Acquire(2)
			l.RegisterCommitType(l3cfg.CommitUpdate, "test")
			x.m.Acquire(l, l3cfg.IPv4)
		})
		x.take()
		for i := range 3 {
			x.do(func() {
				c := &l3cfg.Config{Source: "static"}
				c.IPv4.Nameservers = []string{fmt.Sprintf("192.0.2.%d", 50+i)}
				l.AddConfig("static", c, ethOpts)
				l.Commit(l3cfg.CommitAuto)
			})
			s := x.take()
			if len(s) != 1 {
				t.Fatalf("change %d: %d signals", i, len(s))
			}
			m := s[0].args[1].(map[string]dbus.Variant)
			want := fmt.Sprintf("{address=192.0.2.%d}", 50+i)
			if show(m["NameserverData"].Value()) != want {
				t.Errorf("change %d: %v", i, m)
			}
			if _, ok := m["RouteData"]; ok {
				t.Errorf("route data sent without a route change: %v", m)
			}
		}
	})
}
