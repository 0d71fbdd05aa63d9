package l3cfg

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
)

// The identities of the objects an L3Cfg configures, as the kernel tells
// them apart (platform.Route.SameID, platform.Address.SameID), as map keys.

type routeKey struct {
	family   Family
	table    uint32
	dst, src netip.Prefix
	gateway  netip.Addr
	prefSrc  netip.Addr
	index    int32
	metric   uint32
	protocol uint8
	scope    uint8
	typ      uint8
	tos      uint8
	flags    uint8
	mtu      uint32
	metrics  platform.RouteMetrics
	nhid     uint32
	weight   uint16
	hops     string // further IPv4 multipath hops, encoded
}

// routeKeyOf is the identity of a normalized route: for IPv4 everything it
// carries (the kernel keeps IPv4 routes that differ in any attribute apart);
// for IPv6 table, destination, source prefix, metric, device, type and
// gateway (the rest changes in place).
func routeKeyOf(r *platform.Route) routeKey {
	k := routeKey{table: r.Table, dst: r.Dst, src: r.Src, gateway: r.Gateway, index: r.Index,
		metric: r.Metric, typ: r.Type}
	if !r.Is4() {
		k.family = IPv6
		return k
	}
	k.family = IPv4
	k.prefSrc, k.protocol, k.scope, k.tos, k.flags = r.PrefSrc, r.Protocol, r.Scope, r.TOS, r.Flags
	k.mtu, k.metrics, k.nhid, k.weight = r.MTU, r.Metrics, r.NHID, r.Weight
	if len(r.Nexthops) > 0 {
		var b strings.Builder
		for _, h := range r.Nexthops {
			fmt.Fprintf(&b, "%d/%s/%d/%d;", h.Index, h.Gateway, h.Weight, h.Flags)
		}
		k.hops = b.String()
	}
	return k
}

// nodevRoute reports route types that go through no interface.
func nodevRoute(t uint8) bool {
	switch t {
	case unix.RTN_BLACKHOLE, unix.RTN_UNREACHABLE, unix.RTN_PROHIBIT, unix.RTN_THROW:
		return true
	}
	return false
}

// normalizeRoute fills in what the kernel fills in, so that the route
// compares equal to the one the platform will report once it is added
// (NetworkManager's nm_platform_ip_route_normalize).
func normalizeRoute(r *platform.Route, ifindex int32) {
	r.Dst = r.Dst.Masked()
	if r.Src.IsValid() {
		r.Src = r.Src.Masked()
	}
	if r.Type == unix.RTN_UNSPEC {
		r.Type = unix.RTN_UNICAST
	}
	if r.Table == 0 {
		r.Table = platform.TableMain
	}
	if r.Protocol == unix.RTPROT_UNSPEC {
		r.Protocol = unix.RTPROT_STATIC
	}
	if nodevRoute(r.Type) {
		r.Index = 0
		r.Gateway = netip.Addr{}
	} else {
		r.Index = ifindex
	}
	if r.Is4() {
		// An unset scope follows from the type and the gateway (a
		// blackhole route, without gateway, gets scope link too).
		if r.Scope == unix.RT_SCOPE_UNIVERSE {
			switch {
			case r.Type == unix.RTN_LOCAL:
				r.Scope = unix.RT_SCOPE_HOST
			case !r.Gateway.IsValid():
				r.Scope = unix.RT_SCOPE_LINK
			}
		}
		if !r.Gateway.IsValid() {
			// The kernel only keeps "onlink" on a next hop.
			r.Flags &^= unix.RTNH_F_ONLINK
		}
	} else {
		r.Scope = unix.RT_SCOPE_UNIVERSE
		if r.Metric == 0 {
			r.Metric = DefaultRouteMetric6
		}
		r.TOS = 0
	}
}

// sameRoute reports whether the cached route p is what the wanted route w
// asks for (NetworkManager compares "semantically": the run-time details
// the kernel adds do not count).
func sameRoute(w, p *platform.Route) bool {
	if w.Is4() {
		return routeKeyOf(w) == routeKeyOf(p)
	}
	return routeKeyOf(w) == routeKeyOf(p) && w.Protocol == p.Protocol && w.PrefSrc == p.PrefSrc &&
		w.MTU == p.MTU && w.Metrics == p.Metrics && w.Pref == p.Pref && w.Flags == p.Flags
}

// ruleKey is a rule's identity, as the platform defines it.
type ruleKey = platform.RuleKey

func ruleKeyOf(r *platform.Rule) ruleKey { return r.Key() }

// objKey names any object an L3Cfg configures on its interface.
type objKey struct {
	isRoute bool
	family  Family
	addr    addrKey
	route   routeKey
}

func addrObjKey(k addrKey) objKey {
	return objKey{family: familyOfAddr(k.addr), addr: k}
}

func routeObjKey(r *platform.Route) objKey {
	k := routeKeyOf(r)
	return objKey{isRoute: true, family: k.family, route: k}
}

func (k objKey) String() string {
	if k.isRoute {
		return fmt.Sprintf("route %s metric %d table %d dev %d", k.route.dst, k.route.metric, k.route.table, k.route.index)
	}
	return "address " + k.addr.addr.String()
}
