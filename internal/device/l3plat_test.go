package device

import (
	"fmt"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/platform"
)

// l3Plat shows the fake kernel to internal/l3cfg (its Platform
// interface), so that the devices' tests run the real L3 layer over the
// same in-memory kernel the devices see.
type l3Plat struct {
	f        *fakePlatform
	watchers []*l3Watch
}

type l3Watch struct {
	fn   func([]platform.Delta)
	dead bool
}

var _ l3cfg.Platform = (*l3Plat)(nil)

func (p *l3Plat) Link(index int32) (*platform.Link, bool) { return p.f.Link(index) }

func (p *l3Plat) Addresses(t platform.ObjectType, index int32) []*platform.Address {
	return p.f.Addresses(t, index)
}

func (p *l3Plat) LookupAddress(a *platform.Address) (*platform.Address, bool) {
	for _, x := range p.f.addrs[a.Index] {
		if x.SameID(a) {
			return x, true
		}
	}
	return nil, false
}

func (p *l3Plat) Routes(t platform.ObjectType, index int32, fn func(*platform.Route) bool) {
	p.f.Routes(t, index, false, func(r *platform.Route) bool {
		c := *r
		return fn(&c)
	})
}

func (p *l3Plat) LookupRoute(r *platform.Route) (platform.Route, bool) {
	for _, x := range p.f.routes[r.Index] {
		if x.SameID(r) {
			return *x, true
		}
	}
	return platform.Route{}, false
}

func (p *l3Plat) Rules(platform.ObjectType) []*platform.Rule { return nil }

func (p *l3Plat) SysctlGet(path string) (string, error) {
	if v, ok := p.f.sysctls["proc:"+path]; ok {
		return v, nil
	}
	return "0", nil
}

func (p *l3Plat) SysctlSet(path, value string) error {
	if p.f.sysctls["proc:"+path] != value {
		p.f.op("sysctl %s=%s", path, value)
		p.f.sysctls["proc:"+path] = value
	}
	return nil
}

// AddrReplace adds an address, or updates the one of the same identity
// in place (as NLM_F_REPLACE does).
func (p *l3Plat) AddrReplace(a *platform.Address) error {
	if x, ok := p.LookupAddress(a); ok {
		l, _ := p.f.link(a.Index)
		p.f.op("replace address %s/%d dev %s", a.Address, a.PrefixLen, l.Name)
		c := *a
		c.Flags |= x.Flags & (unix.IFA_F_TENTATIVE | unix.IFA_F_DADFAILED)
		list := p.f.addrs[a.Index]
		list[slices.Index(list, x)] = &c
		t := platform.TypeIP4Address
		if a.Address.Is6() {
			t = platform.TypeIP6Address
		}
		p.f.notify(a.Index, t)
		return nil
	}
	return p.f.AddrAdd(a)
}

func (p *l3Plat) AddrDelete(a *platform.Address) error { return p.f.AddrDelete(a) }

func (p *l3Plat) RouteAppend(r *platform.Route) error {
	if r.Index != 0 && r.Gateway.IsValid() && !(r.Gateway.Is6() && r.Gateway.IsLinkLocalUnicast()) {
		reach := false
		for _, x := range p.f.routes[r.Index] {
			if !x.Gateway.IsValid() && x.Dst.Contains(r.Gateway) {
				reach = true
			}
		}
		if !reach {
			if r.Is4() {
				return unix.ENETUNREACH
			}
			return unix.EHOSTUNREACH
		}
	}
	return p.f.RouteAdd(r)
}

func (p *l3Plat) RouteDelete(r *platform.Route) error { return p.f.RouteDelete(r) }

func (p *l3Plat) RuleAdd(r *platform.Rule) error {
	return fmt.Errorf("rule add: not in the fake kernel")
}

func (p *l3Plat) RuleDelete(r *platform.Rule) error {
	return fmt.Errorf("rule delete: not in the fake kernel")
}

func (p *l3Plat) Watch(fn func([]platform.Delta)) func() {
	w := &l3Watch{fn: fn}
	p.watchers = append(p.watchers, w)
	return func() { w.dead = true }
}

// deliver hands a burst to the L3 layer (without details: it re-reads
// the cache, as after an overflow).
func (p *l3Plat) deliver(ds []platform.Delta) {
	out := make([]platform.Delta, len(ds))
	for i, d := range ds {
		out[i] = platform.Delta{Index: d.Index, Types: d.Types, Overflow: true}
	}
	for _, w := range slices.Clone(p.watchers) {
		if !w.dead {
			w.fn(out)
		}
	}
}
