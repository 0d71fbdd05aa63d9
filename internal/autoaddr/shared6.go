package autoaddr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/platform"
)

// Delegation hands out /64 subnets of a delegated prefix to downstream
// interfaces as NetworkManager's policy does: the next unused subnet
// number, kept per interface so that an interface gets its subnet back.
type Delegation struct {
	Prefix  netip.Prefix
	next    uint64
	subnets map[int32]netip.Prefix
}

// NewDelegation starts handing out subnets of p (a prefix of /64 or
// shorter).
func NewDelegation(p netip.Prefix) *Delegation {
	return &Delegation{Prefix: p.Masked(), subnets: map[int32]netip.Prefix{}}
}

// Subnet returns the /64 of an interface, allocating the next one; false
// when the prefix has no subnet left.
func (d *Delegation) Subnet(ifindex int32) (netip.Prefix, bool) {
	if s, ok := d.subnets[ifindex]; ok {
		return s, true
	}
	bits := d.Prefix.Bits()
	if bits > 64 || bits < 64 && d.next >= 1<<(64-bits) || bits == 64 && d.next >= 1 {
		return netip.Prefix{}, false
	}
	a := d.Prefix.Addr().As16()
	hi := binary.BigEndian.Uint64(a[:8]) | d.next
	binary.BigEndian.PutUint64(a[:8], hi)
	s := netip.PrefixFrom(netip.AddrFrom16(a), 64)
	d.next++
	d.subnets[ifindex] = s
	return s, true
}

// shared6Run is ipv6.method shared's state: the router and the subnet in
// use.
type shared6Run struct {
	router *router
	subnet netip.Prefix
	ra     RAConfig
}

func (r *Runner) startShared6() error {
	r.set6(true, StatePending, nil)
	if err := r.l3.Platform().SysctlSet("net/ipv6/conf/all/forwarding", "1"); err != nil {
		err = fmt.Errorf("failure to enable ipv6 forwarding: %w", err)
		r.set6(true, StateFailed, err)
		return err
	}
	var rt *router
	err := r.o.InNetns(func() (err error) {
		rt, err = openRouter(r.l, int(r.p.IfIndex), r.post, func(err error) {
			r.o.Log6.Warn(fmt.Sprintf("ndisc (%s): %v", r.p.IfName, err))
		})
		return err
	})
	if err != nil {
		r.set6(true, StateFailed, err)
		return err
	}
	r.v6.shared.router = rt
	r.set6(true, StateReady, nil)
	return nil
}

// UseIP6Subnet gives an ipv6.method shared interface its /64 from a
// delegated prefix (NetworkManager's policy does this when an uplink gets
// a prefix delegated): the interface takes the subnet's ::1 with the
// delegation's lifetimes (zero: infinite) and announces the subnet.
func (r *Runner) UseIP6Subnet(subnet netip.Prefix, validUntil, preferredUntil time.Time) error {
	if r.p.Method6 != MethodShared || r.stopped {
		return errors.New("not an ipv6.method shared activation")
	}
	if subnet.Bits() != 64 || !subnet.Addr().Is6() {
		return fmt.Errorf("subnet %v is not an IPv6 /64", subnet)
	}
	a := subnet.Masked().Addr().As16()
	a[15] |= 1
	c := &l3cfg.Config{Source: "pd6"}
	c.IPv6.Addresses = []l3cfg.Address{{Prefix: netip.PrefixFrom(netip.AddrFrom16(a), 64), ValidUntil: validUntil, PreferredUntil: preferredUntil}}
	r.v6.shared.subnet = subnet.Masked()
	r.o.Log6.Debug(fmt.Sprintf("ipv6-pd (%s): using %v", r.p.IfName, c.IPv6.Addresses[0].Prefix))
	if r.l3.AddConfig(tag{r, tagPD6}, c, r.options6(l3cfg.PriorityPD6)) {
		r.l3.ScheduleCommit(l3cfg.CommitAuto)
	}
	return nil
}

// routerCheck announces what the interface carries: its /64 addresses
// (past DAD, with their remaining lifetimes) and the IPv6 DNS of the
// committed configuration. A change restarts the initial announcements.
func (r *Runner) routerCheck() {
	rt := r.v6.shared.router
	if rt == nil {
		return
	}
	var c RAConfig
	now := time.Now()
	if cfg := r.l3.Config(true); cfg != nil {
		for _, a := range cfg.IPv6.Addresses {
			if a.Prefix.Bits() != 64 || a.Prefix.Addr().IsLinkLocalUnicast() || a.Prefix.Addr().IsUnspecified() {
				continue
			}
			pa, ok := r.l3.Platform().LookupAddress(&platform.Address{Index: r.p.IfIndex, Address: a.Prefix.Addr(), PrefixLen: 64})
			if !ok || pa.Tentative() || pa.DADFailed() {
				continue
			}
			p := RAPrefix{Prefix: a.Prefix.Masked(), Valid: ^uint32(0), Preferred: ^uint32(0)}
			if !a.ValidUntil.IsZero() {
				if p.Valid = secondsUntil(a.ValidUntil, now); p.Valid == 0 {
					continue
				}
				p.Preferred = p.Valid
			}
			if !a.PreferredUntil.IsZero() {
				p.Preferred = min(secondsUntil(a.PreferredUntil, now), p.Valid)
			}
			c.Prefixes = append(c.Prefixes, p)
		}
		for _, ns := range cfg.IPv6.Nameservers {
			if a, err := netip.ParseAddr(ns); err == nil && a.Is6() {
				c.DNS = append(c.DNS, a)
			}
		}
		c.Domains = append(c.Domains, cfg.IPv6.Searches...)
	}
	if sameRA(c, r.v6.shared.ra) && rt.timer != nil {
		return
	}
	r.v6.shared.ra = c
	rt.setConfig(c)
}

// sameRA compares what two announcements say, lifetimes aside (they
// count down).
func sameRA(a, b RAConfig) bool {
	pa := func(c RAConfig) []netip.Prefix {
		var ps []netip.Prefix
		for _, p := range c.Prefixes {
			ps = append(ps, p.Prefix)
		}
		return ps
	}
	return slices.Equal(pa(a), pa(b)) && slices.Equal(a.DNS, b.DNS) && strings.Join(a.Domains, " ") == strings.Join(b.Domains, " ")
}

// secondsUntil rounds the time left up to whole seconds (0: passed).
func secondsUntil(t, now time.Time) uint32 {
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	return uint32((d + time.Second - 1) / time.Second)
}

func (r *Runner) stopShared6() {
	if rt := r.v6.shared.router; rt != nil {
		r.v6.shared.router = nil
		rt.close()
	}
}
