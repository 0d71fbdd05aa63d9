package l3cfg

import (
	"net/netip"
	"slices"
	"sort"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
)

// entry is one contribution registered with AddConfig.
type entry struct {
	tag       any
	cfg       *Config
	opts      ConfigOptions
	seq       uint64 // order of registration, for equal priorities
	forceOnce bool
}

// merged is the combination of every contribution: what the interface
// should carry. Addresses and routes are in merge order (most important
// contribution first, each in its own order, then the routes that depend
// on the addresses); routes are normalized as the kernel reports them.
type merged struct {
	cfg    *Config
	addrs  [2][]mAddr
	routes [2][]mRoute
	rules  [2][]platform.Rule
	// keys finds an object of the merge by identity.
	addrIdx  map[addrKey]int
	routeIdx map[routeKey]int
}

type mAddr struct {
	Address
	key addrKey
	// acdPending: an IPv4 address waiting for (or failing) conflict
	// detection, not to be configured yet.
	acdPending bool
	force      bool
}

type mRoute struct {
	r     platform.Route
	force bool
}

func fi(f Family) int {
	if f == IPv4 {
		return 0
	}
	return 1
}

// sortEntries orders contributions as NetworkManager merges them: higher
// priority first, then older registrations first.
func sortEntries(es []*entry) []*entry {
	out := slices.Clone(es)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].opts.Priority != out[j].opts.Priority {
			return out[i].opts.Priority > out[j].opts.Priority
		}
		return out[i].seq < out[j].seq
	})
	return out
}

// addClamped adds without wrapping past the largest metric.
func addClamped(a, b uint32) uint32 {
	if s := uint64(a) + uint64(b); s < 0xffffffff {
		return uint32(s)
	}
	return 0xffffffff
}

// mergeConfigs combines the contributions (sorted with sortEntries) for
// interface ifindex. acdPending tells which IPv4 addresses must wait for
// conflict detection. Where two contributions configure the same object,
// the first (more important) one wins, as NetworkManager's exclusive merge
// does; DNS lists are concatenated without duplicates; single values come
// from the first contribution that has them.
func mergeConfigs(ifindex int32, es []*entry, loopback bool, acdPending func(*entry, netip.Addr) bool) *merged {
	m := &merged{cfg: &Config{Source: "merged"}, addrIdx: map[addrKey]int{}, routeIdx: map[routeKey]int{}}
	out := m.cfg
	var mtuSet, ip6mtuSet bool
	for _, e := range es {
		if e.opts.Flags&OnlyForACD != 0 {
			continue
		}
		src := e.cfg
		for _, f := range Families {
			sf, df := src.Family(f), out.Family(f)
			for _, a := range sf.Addresses {
				if !a.Prefix.IsValid() || a.family() != f {
					continue
				}
				k := a.key()
				if _, dup := m.addrIdx[k]; dup {
					continue
				}
				ma := mAddr{Address: a, key: k, force: e.forceOnce}
				if f == IPv4 && acdPending != nil && acdPending(e, a.Prefix.Addr()) {
					ma.acdPending = true
				}
				m.addrIdx[k] = len(m.addrs[fi(f)])
				m.addrs[fi(f)] = append(m.addrs[fi(f)], ma)
			}
			if e.opts.Merge&MergeNoRoutes == 0 {
				for _, r := range sf.Routes {
					if !r.Dst.IsValid() || r.family() != f {
						continue
					}
					pr := r.Route
					pr.Nexthops = slices.Clone(pr.Nexthops)
					if r.TableAny {
						pr.Table = e.opts.routeTable(f)
					}
					if r.MetricAny {
						pr.Metric = addClamped(pr.Metric, e.opts.routeMetric(f))
					}
					if r.IsDefault() && !nodevRoute(pr.Type) {
						if e.opts.Merge&MergeNoDefaultRoutes != 0 && !src.IgnoreNoDefaultRoutes {
							continue
						}
						pr.Metric = addClamped(pr.Metric, e.opts.penalty(f))
					}
					normalizeRoute(&pr, ifindex)
					m.addRoute(f, pr, e.forceOnce)
				}
			}
			if e.opts.Merge&MergeNoDNS == 0 {
				df.Nameservers = appendUnique(df.Nameservers, sf.Nameservers...)
				df.Domains = appendUnique(df.Domains, sf.Domains...)
				df.Searches = appendUnique(df.Searches, sf.Searches...)
				df.DNSOptions = appendUnique(df.DNSOptions, sf.DNSOptions...)
			}
			if !df.HasDNSPriority && sf.HasDNSPriority {
				p := sf.DNSPriority
				if p == 0 {
					p = e.opts.dnsPriority(f)
				}
				df.DNSPriority, df.HasDNSPriority = p, true
			}
			if df.RouteTableSync == RouteTableSyncNone {
				df.RouteTableSync = sf.RouteTableSync
			}
			if df.NeverDefault == Default {
				df.NeverDefault = sf.NeverDefault
			}
			for _, r := range sf.Rules {
				rr := r
				if !slices.ContainsFunc(m.rules[fi(f)], func(x platform.Rule) bool { return x.Equal(&rr) }) {
					m.rules[fi(f)] = append(m.rules[fi(f)], rr)
				}
			}
		}
		if e.opts.Merge&MergeNoDNS == 0 {
			out.WINS = appendUniqueAddr(out.WINS, src.WINS...)
		}
		if !mtuSet && src.MTU != 0 {
			out.MTU, mtuSet = src.MTU, true
		}
		if !ip6mtuSet && src.IP6MTU != 0 {
			out.IP6MTU, ip6mtuSet = src.IP6MTU, true
		}
		if out.IP6Privacy == IP6PrivacyUnset {
			out.IP6Privacy = src.IP6Privacy
		}
		if out.NDiscReachableTime == 0 {
			out.NDiscReachableTime = src.NDiscReachableTime
		}
		if out.NDiscRetransTimer == 0 {
			out.NDiscRetransTimer = src.NDiscRetransTimer
		}
	}
	if loopback && len(es) > 0 {
		m.addLoopback(ifindex)
	}
	// The routes an address implies: its prefix route, with the metric and
	// table of the contribution it came from (the kernel's own prefix route
	// is suppressed with noprefixroute).
	for _, e := range es {
		if e.opts.Flags&OnlyForACD != 0 {
			continue
		}
		for _, f := range Families {
			for _, a := range e.cfg.Family(f).Addresses {
				i, ok := m.addrIdx[a.key()]
				if !ok || familyOfAddr(a.Prefix.Addr()) != f {
					continue
				}
				if m.addrs[fi(f)][i].acdPending {
					continue
				}
				for _, r := range deviceRoutes(&a, ifindex, e.opts.routeTable(f), e.opts.routeMetric(f)) {
					m.addRoute(f, r, e.forceOnce)
				}
			}
		}
	}
	m.addOnlinkRoutes()
	// The public view.
	for _, f := range Families {
		df := out.Family(f)
		for _, a := range m.addrs[fi(f)] {
			df.Addresses = append(df.Addresses, a.Address)
		}
		for _, r := range m.routes[fi(f)] {
			df.Routes = append(df.Routes, Route{Route: r.r})
		}
		df.Rules = cloneRules(m.rules[fi(f)])
	}
	return m
}

func (m *merged) addRoute(f Family, r platform.Route, force bool) bool {
	k := routeKeyOf(&r)
	if _, dup := m.routeIdx[k]; dup {
		return false
	}
	m.routeIdx[k] = len(m.routes[fi(f)])
	m.routes[fi(f)] = append(m.routes[fi(f)], mRoute{r: r, force: force})
	return true
}

// deviceRoutes returns the prefix routes NetworkManager installs for an
// address itself (nm_platform_ip4_address_generate_device_route and its
// IPv6 counterpart).
func deviceRoutes(a *Address, ifindex int32, table, metric uint32) []platform.Route {
	addr, plen := a.Prefix.Addr(), a.Prefix.Bits()
	if addr.Is4() {
		if plen == 0 {
			return nil
		}
		peer := a.Peer
		if !peer.IsValid() {
			peer = addr
		}
		if plen == 32 && peer == addr {
			return nil // the kernel adds none for a /32 without peer
		}
		net := netip.PrefixFrom(peer, plen).Masked()
		if net.Addr().As4()[0] == 0 {
			return nil // nor for 0.x.y.z networks
		}
		r := platform.Route{Table: table, Dst: net, PrefSrc: addr, Index: ifindex, Metric: metric,
			Protocol: unix.RTPROT_KERNEL, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST}
		normalizeRoute(&r, ifindex)
		return []platform.Route{r}
	}
	if a.Flags&unix.IFA_F_NOPREFIXROUTE != 0 {
		return nil
	}
	var dsts []netip.Prefix
	if a.Peer.IsValid() && !a.Peer.IsUnspecified() {
		dsts = append(dsts, netip.PrefixFrom(addr, 128))
		if a.Peer != addr {
			dsts = append(dsts, netip.PrefixFrom(a.Peer, 128))
		}
	} else {
		dsts = append(dsts, netip.PrefixFrom(addr, plen).Masked())
	}
	var out []platform.Route
	for _, d := range dsts {
		r := platform.Route{Table: table, Dst: d, Index: ifindex, Metric: metric,
			Protocol: unix.RTPROT_KERNEL, Type: unix.RTN_UNICAST}
		normalizeRoute(&r, ifindex)
		out = append(out, r)
	}
	return out
}

// addOnlinkRoutes adds, for each gateway route whose gateway no device
// route of the merge reaches, a host route to the gateway, so that the
// gateway route can be added at all (NetworkManager's dependent onlink
// routes).
func (m *merged) addOnlinkRoutes() {
	for _, f := range Families {
		var direct []netip.Prefix
		for _, mr := range m.routes[fi(f)] {
			if !mr.r.Gateway.IsValid() || mr.r.Gateway.IsUnspecified() {
				direct = append(direct, mr.r.Dst)
			}
		}
		var extra []mRoute
		for _, mr := range m.routes[fi(f)] {
			r := &mr.r
			if !r.Gateway.IsValid() || r.Gateway.IsUnspecified() || r.Flags&unix.RTNH_F_ONLINK != 0 {
				continue
			}
			if slices.ContainsFunc(direct, func(d netip.Prefix) bool { return d.Contains(r.Gateway) }) {
				continue
			}
			n := *r
			n.Dst = netip.PrefixFrom(r.Gateway, r.Gateway.BitLen())
			n.Gateway = netip.Addr{}
			n.Nexthops = nil
			// A copy of the gateway route otherwise, its scope included (the
			// kernel keeps what it is given), but an IPv4 route without a
			// gateway goes in with scope link as every route without one
			// does: the wanted route must have the kernel's identity, or it
			// is never seen on the interface and never removed.
			if n.Is4() && n.Scope == unix.RT_SCOPE_UNIVERSE {
				n.Scope = unix.RT_SCOPE_LINK
			}
			extra = append(extra, mRoute{r: n, force: mr.force})
		}
		for _, e := range extra {
			m.addRoute(f, e.r, e.force)
		}
	}
}

// addLoopback makes sure lo keeps 127.0.0.1/8, ::1 and the local route of
// 127.0.0.0/8, as NetworkManager does whenever it configures lo.
func (m *merged) addLoopback(ifindex int32) {
	for _, p := range []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("::1/128")} {
		a := Address{Prefix: p}
		k := a.key()
		if _, ok := m.addrIdx[k]; ok {
			continue
		}
		f := familyOfAddr(p.Addr())
		m.addrIdx[k] = len(m.addrs[fi(f)])
		m.addrs[fi(f)] = append(m.addrs[fi(f)], mAddr{Address: a, key: k})
	}
	r := platform.Route{Table: platform.TableLocal, Dst: netip.MustParsePrefix("127.0.0.0/8"),
		PrefSrc: netip.MustParseAddr("127.0.0.1"), Protocol: unix.RTPROT_KERNEL,
		Scope: unix.RT_SCOPE_HOST, Type: unix.RTN_LOCAL}
	normalizeRoute(&r, ifindex)
	m.addRoute(IPv4, r, false)
}

func appendUnique(dst []string, src ...string) []string {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

func appendUniqueAddr(dst []netip.Addr, src ...netip.Addr) []netip.Addr {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}
