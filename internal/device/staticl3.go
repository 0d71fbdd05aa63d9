package device

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/platform"
)

// staticL3 is the IP layer gonm uses until internal/l3cfg takes over: it
// puts a profile's static addresses and routes (and the IPv6 link-local
// address) into the kernel for one interface, the way NetworkManager's
// l3cfg does for manual configuration, and removes what it added when the
// device lets go. It never touches what it finds already there, so taking
// over a configured interface changes nothing.
type staticL3 struct {
	r       *Devices
	ifindex int32
	changed func()
	cfg     [2]*IPConfig
	// added are the objects this layer put into the kernel.
	addrs  []platform.Address
	routes []platform.Route
}

func newStaticL3(r *Devices, ifindex int32, changed func()) L3 {
	return &staticL3{r: r, ifindex: ifindex, changed: changed}
}

// Set replaces one family's configuration and commits it.
func (s *staticL3) Set(f Family, cfg *IPConfig) {
	s.cfg[f] = cfg
	s.commit()
}

// wanted lists the addresses and routes the configuration asks for.
func (s *staticL3) wanted() ([]platform.Address, []platform.Route) {
	var addrs []platform.Address
	var routes []platform.Route
	for f, cfg := range s.cfg {
		if cfg == nil {
			continue
		}
		table := cfg.Table
		if table == 0 {
			table = platform.TableMain
		}
		if f == int(fam6) && cfg.LinkLocal6 {
			if ll, ok := s.linkLocal(cfg); ok {
				if have, ok := s.existingLinkLocal(ll); ok {
					ll = have
				}
				addrs = append(addrs, platform.Address{Index: s.ifindex, Address: ll, PrefixLen: 64,
					Flags: unix.IFA_F_NOPREFIXROUTE | unix.IFA_F_PERMANENT,
					Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
				routes = append(routes, platform.Route{Table: platform.TableMain, Dst: netip.MustParsePrefix("fe80::/64"),
					Index: s.ifindex, Metric: 256, Protocol: unix.RTPROT_KERNEL, Type: unix.RTN_UNICAST})
			}
		}
		for _, p := range cfg.Addresses {
			a := platform.Address{Index: s.ifindex, Address: p.Addr(), PrefixLen: uint8(p.Bits()),
				Flags: unix.IFA_F_NOPREFIXROUTE, Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite}
			if p.Addr().Is4() {
				// The kernel reports the local address as the peer of an
				// ordinary IPv4 address; the identity includes it.
				a.Peer = p.Addr()
				if p.Bits() < 31 {
					a.Broadcast = broadcastOf(p)
				}
			} else {
				a.Flags |= unix.IFA_F_PERMANENT
			}
			addrs = append(addrs, a)
			// The prefix route NetworkManager adds itself (with the
			// device's metric) instead of the kernel's.
			if (p.Addr().Is4() && p.Bits() < 32) || (p.Addr().Is6() && p.Bits() < 128) {
				r := platform.Route{Table: table, Dst: p.Masked(), Index: s.ifindex, Metric: cfg.Metric,
					Protocol: unix.RTPROT_KERNEL, Type: unix.RTN_UNICAST}
				if p.Addr().Is4() {
					r.Scope, r.PrefSrc = unix.RT_SCOPE_LINK, p.Addr()
				}
				routes = append(routes, r)
			}
		}
		if cfg.Gateway.IsValid() && !cfg.NeverDefault && len(cfg.Addresses) > 0 {
			dst := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
			if cfg.Gateway.Is6() {
				dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
			}
			routes = append(routes, platform.Route{Table: table, Dst: dst, Gateway: cfg.Gateway, Index: s.ifindex,
				Metric: cfg.Metric, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST})
		}
		for _, sr := range cfg.Routes {
			metric := cfg.Metric
			if sr.Metric >= 0 {
				metric = uint32(sr.Metric)
			}
			r := platform.Route{Table: table, Dst: netip.PrefixFrom(sr.Dest, int(sr.Prefix)), Index: s.ifindex,
				Metric: metric, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST}
			if sr.NextHop.IsValid() && !sr.NextHop.IsUnspecified() {
				r.Gateway = sr.NextHop
			} else if sr.Dest.Is4() {
				r.Scope = unix.RT_SCOPE_LINK
			}
			routes = append(routes, r)
		}
	}
	return addrs, routes
}

func broadcastOf(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	bits := p.Bits()
	for i := 0; i < 32; i++ {
		if i >= bits {
			b[i/8] |= 1 << (7 - i%8)
		}
	}
	return netip.AddrFrom4(b)
}

// linkLocal computes the IPv6 link-local address (EUI-64 or stable
// privacy, as the profile says).
func (s *staticL3) linkLocal(cfg *IPConfig) (netip.Addr, bool) {
	prefix := netip.MustParseAddr("fe80::")
	if cfg.AddrGenMode == "stable-privacy" && s.r.hostKey != nil {
		a, err := hostid.StablePrivacyAddr(prefix, hostid.StableTypeUUID, cfg.Iface, cfg.StableID, 0, s.r.hostKey)
		if err == nil {
			return a, true
		}
	}
	if len(cfg.MAC) == 0 {
		return netip.Addr{}, false
	}
	a, err := hostid.EUI64Addr(prefix, cfg.MAC)
	return a, err == nil
}

// existingLinkLocal finds the link-local address the interface has
// already: gen itself if present, else any other usable one. Such an
// address is kept rather than joined by a new one, so that taking over a
// configured interface (whose hardware address may have changed since,
// as a bridge's does when it gets ports) adds nothing.
func (s *staticL3) existingLinkLocal(gen netip.Addr) (netip.Addr, bool) {
	var other netip.Addr
	for _, x := range s.r.plat.Addresses(platform.TypeIP6Address, s.ifindex) {
		if !x.Address.IsLinkLocalUnicast() || x.DADFailed() {
			continue
		}
		if x.Address == gen {
			return gen, true
		}
		if !other.IsValid() {
			other = x.Address
		}
	}
	return other, other.IsValid()
}

// commit adds what is wanted and missing, and removes what this layer
// added and is no longer wanted. Objects already in the kernel are left
// alone (no replace), so nothing changes when all is in place.
func (s *staticL3) commit() {
	addrs, routes := s.wanted()
	p := s.r.plat
	var keepA []platform.Address
	for _, old := range s.addrs {
		if !containsAddr(addrs, &old) {
			if err := p.AddrDelete(&old); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) && !errors.Is(err, unix.ENODEV) {
				s.r.log.Debug(fmt.Sprintf("l3: %v", err))
			}
		}
	}
	var keepR []platform.Route
	for _, old := range s.routes {
		if !containsRoute(routes, &old) {
			if err := p.RouteDelete(&old); err != nil && !errors.Is(err, unix.ESRCH) && !errors.Is(err, unix.ENODEV) {
				s.r.log.Debug(fmt.Sprintf("l3: %v", err))
			}
		}
	}
	for i := range addrs {
		a := &addrs[i]
		if !s.addrPresent(a) {
			if err := p.AddrAdd(a); err != nil && !errors.Is(err, unix.EEXIST) {
				s.r.log.Warn(fmt.Sprintf("l3: %v", err))
				continue
			}
		}
		keepA = append(keepA, *a)
	}
	for i := range routes {
		r := &routes[i]
		if !s.routePresent(r) {
			if err := p.RouteAdd(r); err != nil && !errors.Is(err, unix.EEXIST) {
				// A gateway may not be reachable before its address is in
				// place; the next commit retries.
				s.r.log.Debug(fmt.Sprintf("l3: %v", err))
				continue
			}
		}
		keepR = append(keepR, *r)
	}
	s.addrs, s.routes = keepA, keepR
}

func containsAddr(list []platform.Address, a *platform.Address) bool {
	for i := range list {
		if list[i].SameID(a) {
			return true
		}
	}
	return false
}

func containsRoute(list []platform.Route, r *platform.Route) bool {
	for i := range list {
		if list[i].SameID(r) {
			return true
		}
	}
	return false
}

func (s *staticL3) addrPresent(a *platform.Address) bool {
	t := platform.TypeIP4Address
	if !a.Address.Is4() {
		t = platform.TypeIP6Address
	}
	for _, x := range s.r.plat.Addresses(t, s.ifindex) {
		if x.SameID(a) {
			return true
		}
	}
	return false
}

func (s *staticL3) routePresent(r *platform.Route) bool {
	t := platform.TypeIP4Route
	if !r.Dst.Addr().Is4() {
		t = platform.TypeIP6Route
	}
	found := false
	s.r.plat.Routes(t, s.ifindex, false, func(x *platform.Route) bool {
		if x.Dst == r.Dst && x.Table == r.Table && x.Metric == r.Metric && x.Gateway == r.Gateway {
			found = true
			return false
		}
		return true
	})
	return found
}

// Ready: every wanted address of the family is in the kernel and, for
// IPv6, no longer tentative. Addresses whose duplicate address detection
// failed are conflicts.
func (s *staticL3) Ready(f Family) (bool, []netip.Addr, error) {
	if s.cfg[f] == nil {
		return true, nil, nil
	}
	switch m := s.cfg[f].Method; {
	case f == fam4 && m == "link-local":
		return false, nil, errors.New("ipv4.method link-local needs the IPv4 link-local engine, which is not wired into the IP layer yet")
	case m == "auto" || m == "dhcp" || m == "shared":
		// The static part of an automatic method is ready like a manual
		// one; the automatic part is not this layer's.
	}
	s.commit()
	addrs, _ := s.wanted()
	t := platform.TypeIP4Address
	if f == fam6 {
		t = platform.TypeIP6Address
	}
	have := s.r.plat.Addresses(t, s.ifindex)
	var conflicts []netip.Addr
	ready := true
	for i := range addrs {
		a := &addrs[i]
		if a.Address.Is4() != (f == fam4) {
			continue
		}
		var got *platform.Address
		for _, x := range have {
			if x.SameID(a) {
				got = x
			}
		}
		switch {
		case got == nil:
			ready = false
		case got.DADFailed():
			conflicts = append(conflicts, a.Address)
		case got.Tentative():
			ready = false
		}
	}
	return ready && len(conflicts) == 0, conflicts, nil
}

// Release removes what this layer added, unless keep.
func (s *staticL3) Release(keep bool) {
	if !keep {
		s.cfg = [2]*IPConfig{}
		s.commit()
	}
	s.addrs, s.routes = nil, nil
	s.cfg = [2]*IPConfig{}
}
