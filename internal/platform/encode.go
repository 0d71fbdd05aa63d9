package platform

import (
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// Encoding of rtnetlink requests. Builders are pure functions of their
// arguments so that each request can be checked byte by byte in unit
// tests, including for link kinds this kernel cannot create.

// rtextFilterSkipStats (RTEXT_FILTER_SKIP_STATS) leaves the counters out
// of link dumps: the cache does not keep them.
const rtextFilterSkipStats = 1 << 3

func ifinfomsg(family uint8, index int32, flags, change uint32) []byte {
	b := make([]byte, unix.SizeofIfInfomsg)
	b[0] = family
	ne.PutUint32(b[4:8], uint32(index))
	ne.PutUint32(b[8:12], flags)
	ne.PutUint32(b[12:16], change)
	return b
}

func linkDumpRequest() []byte {
	b := nl.NewRequest(unix.RTM_GETLINK, 0, ifinfomsg(unix.AF_UNSPEC, 0, 0, 0))
	b.U32(unix.IFLA_EXT_MASK, rtextFilterSkipStats)
	return b.Message()
}

// linkGetRequest asks for one link, by index or (index 0) by name.
func linkGetRequest(index int32, name string) []byte {
	b := nl.NewRequest(unix.RTM_GETLINK, 0, ifinfomsg(unix.AF_UNSPEC, index, 0, 0))
	if index == 0 {
		b.String(unix.IFLA_IFNAME, name)
	}
	b.U32(unix.IFLA_EXT_MASK, rtextFilterSkipStats)
	return b.Message()
}

func linkStatsRequest(index int32) []byte {
	return nl.NewRequest(unix.RTM_GETLINK, 0, ifinfomsg(unix.AF_UNSPEC, index, 0, 0)).Message()
}

func addrDumpRequest(family uint8) []byte { return addrDumpRequestFor(family, 0) }

// addrDumpRequestFor dumps the addresses of one family, of one link when
// index is not 0 (the kernel filters, with strict checking).
func addrDumpRequestFor(family uint8, index int32) []byte {
	h := make([]byte, unix.SizeofIfAddrmsg)
	h[0] = family
	ne.PutUint32(h[4:8], uint32(index))
	return nl.NewRequest(unix.RTM_GETADDR, 0, h).Message()
}

func rtmsg(family, dstLen, srcLen, tos uint8, table uint32, proto, scope, typ uint8, flags uint32) []byte {
	b := make([]byte, unix.SizeofRtMsg)
	b[rtmFamily], b[rtmDstLen], b[rtmSrcLen], b[rtmTOS] = family, dstLen, srcLen, tos
	if table < 256 {
		b[rtmTable] = uint8(table)
	} else {
		b[rtmTable] = unix.RT_TABLE_UNSPEC
	}
	b[rtmProtocol], b[rtmScope], b[rtmType] = proto, scope, typ
	ne.PutUint32(b[rtmFlags:], flags)
	return b
}

// routeDumpRequest asks for the routes of one family, filtered by the
// kernel (strict checking) to one protocol (0: all) and one table (0:
// all).
func routeDumpRequest(family, proto uint8, table uint32) []byte {
	b := nl.NewRequest(unix.RTM_GETROUTE, 0, rtmsg(family, 0, 0, 0, 0, proto, 0, 0, 0))
	if table != 0 {
		b.U32(unix.RTA_TABLE, table)
	}
	return b.Message()
}

func ruleDumpRequest(family uint8) []byte {
	h := make([]byte, frhSize)
	h[frhFamily] = family
	return nl.NewRequest(unix.RTM_GETRULE, 0, h).Message()
}

// ---- links ----

// LinkChange lists changes to make to an existing link in one request;
// nil fields are left alone.
type LinkChange struct {
	Up          *bool
	MTU         *uint32
	Addr        *HWAddr
	Name        *string
	Master      *int32 // 0 detaches from the controller
	AddrGenMode *uint8
	NetnsFD     *int // move into this namespace
	TxQueueLen  *uint32
	// Data changes kind-specific settings (for example BridgeData with
	// Set listing the attributes to change).
	Data LinkData
}

func linkChangeRequest(index int32, c *LinkChange) []byte {
	var flags, change uint32
	if c.Up != nil {
		change = unix.IFF_UP
		if *c.Up {
			flags = unix.IFF_UP
		}
	}
	b := nl.NewRequest(unix.RTM_NEWLINK, 0, ifinfomsg(unix.AF_UNSPEC, index, flags, change))
	if c.MTU != nil {
		b.U32(unix.IFLA_MTU, *c.MTU)
	}
	if c.Addr != nil {
		b.Bytes(unix.IFLA_ADDRESS, c.Addr.Bytes())
	}
	if c.Name != nil {
		b.String(unix.IFLA_IFNAME, *c.Name)
	}
	if c.Master != nil {
		b.U32(unix.IFLA_MASTER, uint32(*c.Master))
	}
	if c.TxQueueLen != nil {
		b.U32(unix.IFLA_TXQLEN, *c.TxQueueLen)
	}
	if c.NetnsFD != nil {
		b.U32(unix.IFLA_NET_NS_FD, uint32(*c.NetnsFD))
	}
	if c.AddrGenMode != nil {
		af := b.Nest(unix.IFLA_AF_SPEC)
		i6 := b.Nest(unix.AF_INET6)
		b.U8(unix.IFLA_INET6_ADDR_GEN_MODE, *c.AddrGenMode)
		b.End(i6)
		b.End(af)
	}
	if c.Data != nil {
		li := b.Nest(unix.IFLA_LINKINFO)
		b.String(unix.IFLA_INFO_KIND, c.Data.Kind())
		c.Data.encode(b)
		b.End(li)
	}
	return b.Message()
}

// LinkSpec describes a link to create.
type LinkSpec struct {
	Name string
	// Data gives the kind and its settings (&BridgeData{}, &VethData{Peer:
	// "x"}, KindOnly("dummy") ...).
	Data LinkData
	// Parent is the lower link for stacked kinds (vlan, macvlan, macvtap).
	Parent int32
	MTU    uint32
	Addr   HWAddr
	Master int32
	Up     bool
}

func linkAddRequest(s *LinkSpec) []byte {
	var flags uint32
	if s.Up {
		flags = unix.IFF_UP
	}
	b := nl.NewRequest(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL,
		ifinfomsg(unix.AF_UNSPEC, 0, flags, flags))
	b.String(unix.IFLA_IFNAME, s.Name)
	if s.Parent != 0 {
		b.U32(unix.IFLA_LINK, uint32(s.Parent))
	}
	if s.MTU != 0 {
		b.U32(unix.IFLA_MTU, s.MTU)
	}
	if !s.Addr.IsZero() {
		b.Bytes(unix.IFLA_ADDRESS, s.Addr.Bytes())
	}
	if s.Master != 0 {
		b.U32(unix.IFLA_MASTER, uint32(s.Master))
	}
	li := b.Nest(unix.IFLA_LINKINFO)
	b.String(unix.IFLA_INFO_KIND, s.Data.Kind())
	s.Data.encode(b)
	b.End(li)
	return b.Message()
}

func linkDelRequest(index int32) []byte {
	return nl.NewRequest(unix.RTM_DELLINK, 0, ifinfomsg(unix.AF_UNSPEC, index, 0, 0)).Message()
}

// ---- addresses ----

func familyOf(a netip.Addr) uint8 {
	if a.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

func addrBytes(a netip.Addr) []byte {
	if a.Is4() {
		b := a.As4()
		return b[:]
	}
	b := a.As16()
	return b[:]
}

// addrRequest builds RTM_NEWADDR (replace or exclusive create) or
// RTM_DELADDR.
func addrRequest(msgType, nlflags uint16, a *Address) []byte {
	h := make([]byte, unix.SizeofIfAddrmsg)
	h[0] = familyOf(a.Address)
	h[1] = a.PrefixLen
	h[2] = uint8(a.Flags)
	h[3] = a.Scope
	ne.PutUint32(h[4:8], uint32(a.Index))
	b := nl.NewRequest(msgType, nlflags, h)
	b.Bytes(unix.IFA_LOCAL, addrBytes(a.Address))
	peer := a.Address
	if a.Peer.IsValid() {
		peer = a.Peer
	}
	b.Bytes(unix.IFA_ADDRESS, addrBytes(peer))
	if msgType == unix.RTM_DELADDR {
		return b.Message()
	}
	if a.Address.Is4() {
		if a.Broadcast.IsValid() {
			b.Bytes(unix.IFA_BROADCAST, addrBytes(a.Broadcast))
		}
		if a.Label != "" {
			b.String(unix.IFA_LABEL, a.Label)
		}
	}
	if a.Flags&^0xff != 0 {
		b.U32(unix.IFA_FLAGS, a.Flags)
	}
	if a.Valid != LifetimeInfinite || a.Preferred != LifetimeInfinite {
		ci := make([]byte, 16)
		valid, pref := a.Valid, a.Preferred
		if valid == 0 {
			valid = LifetimeInfinite
		}
		if pref > valid {
			pref = valid
		}
		ne.PutUint32(ci[0:4], pref)
		ne.PutUint32(ci[4:8], valid)
		b.Bytes(unix.IFA_CACHEINFO, ci)
	}
	if a.RoutePriority != 0 {
		b.U32(unix.IFA_RT_PRIORITY, a.RoutePriority)
	}
	return b.Message()
}

// ---- routes ----

// routeScope picks the scope NetworkManager gives an IPv4 route when the
// caller leaves it at universe: link for device routes (no gateway), host
// for local routes.
func routeScope(r *Route) uint8 {
	if !r.Is4() || r.Scope != unix.RT_SCOPE_UNIVERSE {
		return r.Scope
	}
	switch {
	case r.Type == unix.RTN_LOCAL:
		return unix.RT_SCOPE_HOST
	case r.Type == unix.RTN_UNICAST && !r.Gateway.IsValid() && len(r.Nexthops) == 0:
		return unix.RT_SCOPE_LINK
	}
	return r.Scope
}

func routeRequest(msgType, nlflags uint16, r *Route) []byte {
	family := familyOf(r.Dst.Addr())
	typ := r.Type
	if typ == unix.RTN_UNSPEC {
		typ = unix.RTN_UNICAST
	}
	scope := routeScope(r)
	proto := r.Protocol
	if msgType == unix.RTM_DELROUTE {
		// Match any scope, as ip route del does.
		scope = unix.RT_SCOPE_NOWHERE
	}
	srcLen := uint8(0)
	if r.Src.IsValid() {
		srcLen = uint8(r.Src.Bits())
	}
	b := nl.NewRequest(msgType, nlflags, rtmsg(family, uint8(r.Dst.Bits()), srcLen, r.TOS, r.Table,
		proto, scope, typ, uint32(r.Flags&unix.RTNH_F_ONLINK)))
	b.U32(unix.RTA_TABLE, r.Table)
	b.Bytes(unix.RTA_DST, addrBytes(r.Dst.Masked().Addr()))
	if r.Src.IsValid() {
		b.Bytes(unix.RTA_SRC, addrBytes(r.Src.Masked().Addr()))
	}
	b.U32(unix.RTA_PRIORITY, r.Metric)
	if r.PrefSrc.IsValid() {
		b.Bytes(unix.RTA_PREFSRC, addrBytes(r.PrefSrc))
	}
	if !nodevRouteType(typ) {
		if len(r.Nexthops) == 0 {
			if r.Index != 0 {
				b.U32(unix.RTA_OIF, uint32(r.Index))
			}
			if r.Gateway.IsValid() {
				b.Bytes(unix.RTA_GATEWAY, addrBytes(r.Gateway))
			}
		} else {
			mp := b.Nest(unix.RTA_MULTIPATH)
			hops := append([]Nexthop{{Index: r.Index, Gateway: r.Gateway, Weight: r.Weight, Flags: r.Flags}}, r.Nexthops...)
			for _, h := range hops {
				b.Raw(rtnexthop(h, family))
			}
			b.End(mp)
		}
	}
	if msgType == unix.RTM_NEWROUTE {
		if r.MTU != 0 || r.Metrics != (RouteMetrics{}) {
			mt := b.Nest(unix.RTA_METRICS)
			// Zero means unset: only the metrics that have a value go out.
			for _, f := range r.metricFields() {
				if *f.v != 0 {
					b.U32(f.typ, *f.v)
				}
			}
			b.End(mt)
		}
		if family == unix.AF_INET6 && r.Pref != 0 {
			b.U8(unix.RTA_PREF, r.Pref)
		}
	}
	return b.Message()
}

// rtnexthop encodes one hop of RTA_MULTIPATH.
func rtnexthop(h Nexthop, family uint8) []byte {
	gw := []byte(nil)
	if h.Gateway.IsValid() {
		gw = addrBytes(h.Gateway)
	}
	l := unix.SizeofRtNexthop
	if gw != nil {
		l += 4 + len(gw)
	}
	b := make([]byte, l)
	ne.PutUint16(b[0:2], uint16(l))
	b[2] = h.Flags & unix.RTNH_F_ONLINK
	w := h.Weight
	if w == 0 {
		w = 1
	}
	b[3] = uint8(w - 1)
	ne.PutUint32(b[4:8], uint32(h.Index))
	if gw != nil {
		ne.PutUint16(b[8:10], uint16(4+len(gw)))
		ne.PutUint16(b[10:12], unix.RTA_GATEWAY)
		copy(b[12:], gw)
	}
	return b
}

// ---- rules ----

func ruleRequest(msgType, nlflags uint16, r *Rule) []byte {
	h := make([]byte, frhSize)
	h[frhFamily] = r.Family
	if r.Dst.IsValid() {
		h[frhDstLen] = uint8(r.Dst.Bits())
	}
	if r.Src.IsValid() {
		h[frhSrcLen] = uint8(r.Src.Bits())
	}
	h[frhTOS] = r.TOS
	if r.Table < 256 {
		h[frhTable] = uint8(r.Table)
	}
	h[frhAction] = r.Action
	ne.PutUint32(h[frhFlags:], r.Flags&ruleFlagsKept)
	b := nl.NewRequest(msgType, nlflags, h)
	b.U32(unix.FRA_PRIORITY, r.Priority)
	if r.Table != 0 {
		b.U32(unix.FRA_TABLE, r.Table)
	}
	if r.Src.IsValid() && r.Src.Bits() > 0 {
		b.Bytes(unix.FRA_SRC, addrBytes(r.Src.Masked().Addr()))
	}
	if r.Dst.IsValid() && r.Dst.Bits() > 0 {
		b.Bytes(unix.FRA_DST, addrBytes(r.Dst.Masked().Addr()))
	}
	if r.IIFName != "" {
		b.String(unix.FRA_IIFNAME, r.IIFName)
	}
	if r.OIFName != "" {
		b.String(unix.FRA_OIFNAME, r.OIFName)
	}
	if r.FwMark != 0 || r.FwMask != 0 {
		b.U32(unix.FRA_FWMARK, r.FwMark)
		b.U32(unix.FRA_FWMASK, r.FwMask)
	}
	if r.Flow != 0 {
		b.U32(unix.FRA_FLOW, r.Flow)
	}
	if r.TunID != 0 {
		v := make([]byte, 8)
		for i := range 8 {
			v[i] = byte(r.TunID >> (56 - 8*i))
		}
		b.Bytes(unix.FRA_TUN_ID, v)
	}
	if r.Action == unix.FR_ACT_GOTO {
		b.U32(unix.FRA_GOTO, r.Goto)
	}
	if r.SuppressPrefixLen >= 0 {
		b.U32(unix.FRA_SUPPRESS_PREFIXLEN, uint32(r.SuppressPrefixLen))
	}
	if r.SuppressIfGroup >= 0 {
		b.U32(unix.FRA_SUPPRESS_IFGROUP, uint32(r.SuppressIfGroup))
	}
	if r.L3MDev != 0 {
		b.U8(unix.FRA_L3MDEV, r.L3MDev)
	}
	if r.UIDRange != nil {
		v := make([]byte, 8)
		ne.PutUint32(v[0:], r.UIDRange.Start)
		ne.PutUint32(v[4:], r.UIDRange.End)
		b.Bytes(unix.FRA_UID_RANGE, v)
	}
	if r.Protocol != 0 {
		b.U8(unix.FRA_PROTOCOL, r.Protocol)
	}
	if r.IPProto != 0 {
		b.U8(unix.FRA_IP_PROTO, r.IPProto)
	}
	for _, pr := range []struct {
		t uint16
		r *Range
	}{{unix.FRA_SPORT_RANGE, r.SPortRange}, {unix.FRA_DPORT_RANGE, r.DPortRange}} {
		if pr.r != nil {
			v := make([]byte, 4)
			ne.PutUint16(v[0:], uint16(pr.r.Start))
			ne.PutUint16(v[2:], uint16(pr.r.End))
			b.Bytes(pr.t, v)
		}
	}
	return b.Message()
}
