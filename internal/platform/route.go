package platform

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"
)

// Route table numbers.
const (
	TableMain  = unix.RT_TABLE_MAIN
	TableLocal = unix.RT_TABLE_LOCAL
)

// RouteMetrics are the RTA_METRICS values NetworkManager manages. Zero
// means unset. Lock is a bit set of RTAX_* numbers (1<<RTAX_MTU ...).
type RouteMetrics struct {
	Window, CWnd, InitCWnd, InitRWnd uint32
	AdvMSS                           uint32
	RTOMin                           uint32
	QuickAck                         uint32
	Lock                             uint32
}

// Nexthop is one hop of an IPv4 multipath route.
type Nexthop struct {
	Index   int32
	Gateway netip.Addr
	// Weight is 1..256 (the kernel's rtnh_hops + 1).
	Weight uint16
	// Flags holds RTNH_F_ONLINK when set.
	Flags uint8
}

// Route is an IPv4 or IPv6 route. IPv6 multipath routes are split into
// one route per hop, as the kernel keeps them internally; IPv4 multipath
// routes keep their further hops in Nexthops (the first hop is Index and
// Gateway).
type Route struct {
	Table   uint32
	Dst     netip.Prefix
	Src     netip.Prefix // IPv6 source routing (RTA_SRC); invalid if none
	Gateway netip.Addr   // invalid if none
	PrefSrc netip.Addr   // invalid if none
	Index   int32
	Metric  uint32
	// Protocol is rtm_protocol: who installed the route (RTPROT_*).
	Protocol uint8
	Scope    uint8
	Type     uint8 // RTN_*
	TOS      uint8 // IPv4 only
	// Flags keeps RTNH_F_ONLINK; the kernel's run-time flags (dead,
	// linkdown, offload) are not kept, as they change without events.
	Flags uint8
	// Pref is the IPv6 router preference (ICMPV6_ROUTER_PREF_*).
	Pref    uint8
	MTU     uint32
	Metrics RouteMetrics
	// NHID is the nexthop object id (RTA_NH_ID) for routes using one.
	NHID uint32
	// Weight of the first hop, for IPv4 multipath routes (else 0).
	Weight uint16
	// Nexthops are the further hops of an IPv4 multipath route.
	Nexthops []Nexthop
}

// Is4 reports an IPv4 route.
func (r *Route) Is4() bool { return r.Dst.Addr().Is4() }

// Type is TypeIP4Route or TypeIP6Route.
func (r *Route) ObjectType() ObjectType {
	if r.Is4() {
		return TypeIP4Route
	}
	return TypeIP6Route
}

// Equal compares every field.
func (r *Route) Equal(o *Route) bool {
	if r.Table != o.Table || r.Dst != o.Dst || r.Src != o.Src || r.Gateway != o.Gateway ||
		r.PrefSrc != o.PrefSrc || r.Index != o.Index || r.Metric != o.Metric ||
		r.Protocol != o.Protocol || r.Scope != o.Scope || r.Type != o.Type || r.TOS != o.TOS ||
		r.Flags != o.Flags || r.Pref != o.Pref || r.MTU != o.MTU || r.Metrics != o.Metrics ||
		r.NHID != o.NHID || r.Weight != o.Weight ||
		len(r.Nexthops) != len(o.Nexthops) {
		return false
	}
	for i := range r.Nexthops {
		if r.Nexthops[i] != o.Nexthops[i] {
			return false
		}
	}
	return true
}

// SameID reports whether r and o are the same kernel route. For IPv4 the
// kernel tells routes of one destination, table, TOS and metric apart by
// everything else they carry (type, protocol, scope, preferred source,
// metrics, next hops), so every field is identity. IPv6 keys a route by
// table, destination, source prefix and metric, and keeps separate routes
// per next hop (device and gateway) and type; protocol, preferred source,
// MTU, metrics and preference can change in place.
func (r *Route) SameID(o *Route) bool {
	if r.Is4() != o.Is4() {
		return false
	}
	if r.Is4() {
		return r.Equal(o)
	}
	return r.Table == o.Table && r.Dst == o.Dst && r.Src == o.Src && r.Metric == o.Metric &&
		r.Index == o.Index && r.Type == o.Type && r.Gateway == o.Gateway
}

var routeTypeNames = map[uint8]string{
	unix.RTN_UNSPEC: "none", unix.RTN_UNICAST: "unicast", unix.RTN_LOCAL: "local",
	unix.RTN_BROADCAST: "broadcast", unix.RTN_ANYCAST: "anycast", unix.RTN_MULTICAST: "multicast",
	unix.RTN_BLACKHOLE: "blackhole", unix.RTN_UNREACHABLE: "unreachable",
	unix.RTN_PROHIBIT: "prohibit", unix.RTN_THROW: "throw", unix.RTN_NAT: "nat",
}

// protocolNames are iproute2's names for the tracked protocols.
var protocolNames = map[uint8]string{
	unix.RTPROT_UNSPEC: "unspec", unix.RTPROT_REDIRECT: "redirect", unix.RTPROT_KERNEL: "kernel",
	unix.RTPROT_BOOT: "boot", unix.RTPROT_STATIC: "static", unix.RTPROT_RA: "ra",
	unix.RTPROT_DHCP: "dhcp",
}

func (r *Route) String() string {
	var b strings.Builder
	if r.Type != unix.RTN_UNICAST {
		if n, ok := routeTypeNames[r.Type]; ok {
			b.WriteString(n + " ")
		} else {
			fmt.Fprintf(&b, "type-%d ", r.Type)
		}
	}
	b.WriteString(r.Dst.String())
	if r.Src.IsValid() {
		fmt.Fprintf(&b, " from %s", r.Src)
	}
	if r.Gateway.IsValid() {
		fmt.Fprintf(&b, " via %s", r.Gateway)
	}
	if r.Index != 0 {
		fmt.Fprintf(&b, " dev %d", r.Index)
	}
	for _, nh := range r.Nexthops {
		fmt.Fprintf(&b, " nexthop via %s dev %d weight %d", nh.Gateway, nh.Index, nh.Weight)
	}
	if r.Table != TableMain {
		fmt.Fprintf(&b, " table %d", r.Table)
	}
	if n, ok := protocolNames[r.Protocol]; ok {
		fmt.Fprintf(&b, " proto %s", n)
	} else {
		fmt.Fprintf(&b, " proto %d", r.Protocol)
	}
	if r.Is4() && r.Scope != unix.RT_SCOPE_UNIVERSE {
		fmt.Fprintf(&b, " scope %d", r.Scope)
	}
	if r.PrefSrc.IsValid() {
		fmt.Fprintf(&b, " src %s", r.PrefSrc)
	}
	fmt.Fprintf(&b, " metric %d", r.Metric)
	if r.TOS != 0 {
		fmt.Fprintf(&b, " tos %d", r.TOS)
	}
	if r.MTU != 0 {
		fmt.Fprintf(&b, " mtu %d", r.MTU)
	}
	if r.Flags&unix.RTNH_F_ONLINK != 0 {
		b.WriteString(" onlink")
	}
	return b.String()
}

// trackedProtocol reports whether routes of this protocol are cached.
// NetworkManager only ever installs routes of these protocols, so others
// (bird, bgp, zebra ...) are left out of the cache entirely: a host with a
// full BGP table costs nothing.
func trackedProtocol(p uint8) bool {
	switch p {
	case unix.RTPROT_UNSPEC, unix.RTPROT_REDIRECT, unix.RTPROT_KERNEL, unix.RTPROT_BOOT,
		unix.RTPROT_STATIC, unix.RTPROT_RA, unix.RTPROT_DHCP:
		return true
	}
	return false
}

// trackedRouteType reports whether routes of this type are cached.
func trackedRouteType(t uint8) bool {
	switch t {
	case unix.RTN_UNICAST, unix.RTN_LOCAL, unix.RTN_BLACKHOLE, unix.RTN_UNREACHABLE,
		unix.RTN_PROHIBIT, unix.RTN_THROW:
		return true
	}
	return false
}

// nodevRouteType reports types that have no device or gateway.
func nodevRouteType(t uint8) bool {
	switch t {
	case unix.RTN_BLACKHOLE, unix.RTN_UNREACHABLE, unix.RTN_PROHIBIT, unix.RTN_THROW:
		return true
	}
	return false
}
