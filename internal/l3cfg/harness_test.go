package l3cfg

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/l3cfg/l3cfgtest"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
)

// fx is a registry on the fake platform, with a running loop.
type fx struct {
	t    *testing.T
	loop *loop.Loop
	fake *l3cfgtest.Fake
	reg  *Registry
	stop context.CancelFunc
}

func newFx(t *testing.T) *fx {
	t.Helper()
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	x := &fx{t: t, loop: l, stop: cancel}
	x.do(func() {
		x.fake = l3cfgtest.New(l)
		x.fake.AddLink(1, "lo")
		x.fake.AddLink(2, "eth0")
		x.fake.AddLink(3, "eth1")
		x.reg = NewRegistry(l, x.fake, Options{})
	})
	x.settle()
	x.do(func() { x.fake.TakeOps() })
	t.Cleanup(func() {
		x.do(func() { x.reg.Close() })
		cancel()
		<-l.Done()
	})
	return x
}

// do runs fn on the loop and waits.
func (x *fx) do(fn func()) {
	x.t.Helper()
	if err := x.loop.Call(context.Background(), fn); err != nil {
		x.t.Fatalf("loop: %v", err)
	}
}

// settle waits until every posted and idle callback ran (platform changes
// delivered, scheduled commits done).
func (x *fx) settle() {
	x.t.Helper()
	if err := x.loop.Settle(context.Background()); err != nil {
		x.t.Fatalf("settle: %v", err)
	}
}

// ops returns the operations made since the last call.
func (x *fx) ops() string {
	var s string
	x.do(func() { s = x.fake.TakeOps() })
	return s
}

func (x *fx) state(index int32) string {
	var s string
	x.do(func() { s = x.fake.State(index) })
	return s
}

func golden(t *testing.T, what, got, want string) {
	t.Helper()
	want = strings.TrimLeft(want, "\n")
	if got != want {
		t.Errorf("%s:\n--- got\n%s--- want\n%s", what, got, want)
	}
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

// staticCfg is a profile's static part: addresses, a gateway, routes.
func staticCfg(addrs []string, gw string, routes ...Route) *Config {
	c := &Config{Source: "static"}
	for _, a := range addrs {
		p := pfx(a)
		fc := c.Family(familyOfAddr(p.Addr()))
		fc.Addresses = append(fc.Addresses, Address{Prefix: p})
	}
	if gw != "" {
		g := ip(gw)
		fc := c.Family(familyOfAddr(g))
		fc.Routes = append(fc.Routes, DefaultRoute(g))
	}
	for _, r := range routes {
		fc := c.Family(r.family())
		fc.Routes = append(fc.Routes, r)
	}
	return c
}

func route(dst, gw string) Route {
	r := Route{Route: platform.Route{Dst: pfx(dst), Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST}, MetricAny: true, TableAny: true}
	if gw != "" {
		r.Gateway = ip(gw)
	}
	return r
}

// ethOpts are the options of an ethernet profile: metric 100 both ways.
var ethOpts = ConfigOptions{Priority: PriorityManual, RouteMetric4: 100, RouteMetric6: 100,
	DNSPriority4: DNSPriorityDefaultNormal, DNSPriority6: DNSPriorityDefaultNormal}
