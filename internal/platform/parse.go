package platform

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// Decoding of rtnetlink messages into cache objects. Decoders never panic
// on malformed input (they are fuzzed); they return errMalformed, or
// ok=false for messages about objects the cache does not keep.

var errMalformed = errors.New("malformed rtnetlink message")

// Attribute numbers newer than golang.org/x/sys knows.
const (
	ifaProto = 11 // IFA_PROTO
	rtaNHID  = 30 // RTA_NH_ID
)

func malformed(what string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(what, args...))
}

// addrFrom converts an address attribute of the given family.
func addrFrom(family uint8, b []byte) (netip.Addr, bool) {
	switch {
	case family == unix.AF_INET && len(b) == 4:
		return netip.AddrFrom4([4]byte(b)), true
	case family == unix.AF_INET6 && len(b) == 16:
		return netip.AddrFrom16([16]byte(b)), true
	}
	return netip.Addr{}, false
}

func zeroAddr(family uint8) netip.Addr {
	if family == unix.AF_INET {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// parseLink decodes RTM_NEWLINK / RTM_DELLINK. Type is set from the kind
// and ARP type only; the driver and sysfs refinements happen on the loop.
// ok is false for messages of another family: the bridge module reports
// its ports' state as AF_BRIDGE link messages (and an AF_BRIDGE
// RTM_DELLINK when a port leaves), which are not about the link itself.
func parseLink(p []byte) (l Link, ok bool, err error) {
	if len(p) < unix.SizeofIfInfomsg {
		return l, false, malformed("ifinfomsg of %d bytes", len(p))
	}
	if p[0] != unix.AF_UNSPEC {
		return l, false, nil
	}
	l.ARPType = ne.Uint16(p[2:4])
	l.Index = int32(ne.Uint32(p[4:8]))
	l.Flags = ne.Uint32(p[8:12])
	l.LinkNetNSID = -1
	if l.Index <= 0 {
		return l, false, malformed("link index %d", l.Index)
	}
	var infoData []byte
	for it := nl.NewAttrs(p[unix.SizeofIfInfomsg:]); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.IFLA_IFNAME:
			l.Name = nl.String(v)
		case unix.IFLA_MTU:
			l.MTU = u32p(v)
		case unix.IFLA_MIN_MTU:
			l.MinMTU = u32p(v)
		case unix.IFLA_MAX_MTU:
			l.MaxMTU = u32p(v)
		case unix.IFLA_MASTER:
			l.Master = int32(u32p(v))
		case unix.IFLA_LINK:
			l.Parent = int32(u32p(v))
		case unix.IFLA_LINK_NETNSID:
			if x, ok := nl.U32(v); ok {
				l.LinkNetNSID = int32(x)
			}
		case unix.IFLA_ADDRESS:
			l.Addr = MakeHWAddr(v)
		case unix.IFLA_BROADCAST:
			l.Broadcast = MakeHWAddr(v)
		case unix.IFLA_PERM_ADDRESS:
			l.PermAddr = MakeHWAddr(v)
		case unix.IFLA_OPERSTATE:
			l.OperState = u8p(v)
		case unix.IFLA_TXQLEN:
			l.TxQueueLen = u32p(v)
		case unix.IFLA_LINKINFO:
			for li := nl.NewAttrs(v); li.Next(); {
				switch li.Type() {
				case unix.IFLA_INFO_KIND:
					l.Kind = internKind(li.Value())
				case unix.IFLA_INFO_SLAVE_KIND:
					l.PortKind = internKind(li.Value())
				case unix.IFLA_INFO_DATA:
					infoData = li.Value()
				}
			}
		case unix.IFLA_AF_SPEC:
			for af := nl.NewAttrs(v); af.Next(); {
				if af.Type() != unix.AF_INET6 {
					continue
				}
				for i6 := nl.NewAttrs(af.Value()); i6.Next(); {
					if i6.Type() == unix.IFLA_INET6_ADDR_GEN_MODE {
						if m, ok := nl.U8(i6.Value()); ok {
							l.AddrGenMode, l.HasAddrGenMode = m, true
						}
					}
				}
			}
		}
	}
	if l.Kind != "" {
		if d, ok := linkKinds[l.Kind]; ok {
			l.Type = d.linkType
			if d.parse != nil && infoData != nil {
				l.Data = d.parse(infoData)
			}
		}
	}
	if l.Type == LinkNone {
		l.Type = linkTypeFromARP(l.ARPType)
	}
	return l, true, nil
}

// internKind returns a shared string for the few kind names the kernel
// uses, so links do not each hold a copy.
func internKind(b []byte) string {
	n := len(b)
	for i, c := range b {
		if c == 0 {
			n = i
			break
		}
	}
	if d, ok := linkKinds[string(b[:n])]; ok {
		return d.kind
	}
	return string(b[:n])
}

// linkTypeFromARP classifies links without a kind by hardware type, as
// NetworkManager does before looking at the driver and sysfs. LinkNone
// means "look further".
func linkTypeFromARP(arp uint16) LinkType {
	switch arp {
	case unix.ARPHRD_LOOPBACK:
		return LinkLoopback
	case unix.ARPHRD_INFINIBAND:
		return LinkInfiniband
	case unix.ARPHRD_SIT:
		return LinkSIT
	case unix.ARPHRD_TUNNEL6:
		return LinkIP6TNL
	case unix.ARPHRD_PPP:
		return LinkPPP
	case unix.ARPHRD_IEEE802154:
		return LinkWPAN
	case unix.ARPHRD_6LOWPAN:
		return Link6LoWPAN
	}
	return LinkNone
}

// parseLinkStats reads IFLA_STATS64 from an RTM_NEWLINK.
func parseLinkStats(p []byte) (LinkStats, bool) {
	var s LinkStats
	if len(p) < unix.SizeofIfInfomsg {
		return s, false
	}
	for it := nl.NewAttrs(p[unix.SizeofIfInfomsg:]); it.Next(); {
		if it.Type() == unix.IFLA_STATS64 && len(it.Value()) >= 32 {
			v := it.Value()
			s.RxPackets = ne.Uint64(v[0:])
			s.TxPackets = ne.Uint64(v[8:])
			s.RxBytes = ne.Uint64(v[16:])
			s.TxBytes = ne.Uint64(v[24:])
			return s, true
		}
	}
	return s, false
}

// parseAddr decodes RTM_NEWADDR / RTM_DELADDR. nowCS is the current time
// in hundredths of a second since boot, to turn the remaining lifetimes
// the kernel reports into lifetimes counted from the address's Updated
// stamp. ok is false for families the cache does not keep.
func parseAddr(p []byte, nowCS uint32) (a Address, ok bool, err error) {
	if len(p) < unix.SizeofIfAddrmsg {
		return a, false, malformed("ifaddrmsg of %d bytes", len(p))
	}
	family := p[0]
	if family != unix.AF_INET && family != unix.AF_INET6 {
		return a, false, nil
	}
	a.PrefixLen = p[1]
	a.Flags = uint32(p[2])
	a.Scope = p[3]
	a.Index = int32(ne.Uint32(p[4:8]))
	a.Valid, a.Preferred = LifetimeInfinite, LifetimeInfinite
	maxLen := uint8(32)
	if family == unix.AF_INET6 {
		maxLen = 128
	}
	if a.PrefixLen > maxLen || a.Index <= 0 {
		return a, false, malformed("address prefix length %d, index %d", a.PrefixLen, a.Index)
	}
	var local, address netip.Addr
	var cache []byte
	for it := nl.NewAttrs(p[unix.SizeofIfAddrmsg:]); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.IFA_ADDRESS:
			address, _ = addrFrom(family, v)
		case unix.IFA_LOCAL:
			local, _ = addrFrom(family, v)
		case unix.IFA_BROADCAST:
			a.Broadcast, _ = addrFrom(family, v)
		case unix.IFA_LABEL:
			a.Label = nl.String(v)
		case unix.IFA_FLAGS:
			if f, ok := nl.U32(v); ok {
				a.Flags = f
			}
		case unix.IFA_CACHEINFO:
			cache = v
		case unix.IFA_RT_PRIORITY:
			a.RoutePriority = u32p(v)
		case ifaProto:
			a.Proto = u8p(v)
		}
	}
	switch {
	case local.IsValid():
		a.Address, a.Peer = local, address
	case address.IsValid():
		a.Address = address
		if family == unix.AF_INET {
			a.Peer = address
		}
	default:
		return a, false, malformed("address message without address")
	}
	if len(cache) >= 16 {
		pref, valid := ne.Uint32(cache[0:4]), ne.Uint32(cache[4:8])
		a.Updated = ne.Uint32(cache[12:16])
		elapsed := uint32(0)
		if nowCS > a.Updated {
			elapsed = (nowCS - a.Updated) / 100
		}
		if valid != LifetimeInfinite {
			a.Valid = valid + elapsed
		}
		if pref != LifetimeInfinite {
			a.Preferred = pref + elapsed
		}
	}
	return a, true, nil
}

// rtmsg field offsets.
const (
	rtmFamily   = 0
	rtmDstLen   = 1
	rtmSrcLen   = 2
	rtmTOS      = 3
	rtmTable    = 4
	rtmProtocol = 5
	rtmScope    = 6
	rtmType     = 7
	rtmFlags    = 8
)

// routeTracked looks only at the fixed header, so untracked routes (other
// protocols, broadcast/multicast types, cached clones) are dropped before
// any attribute is read.
func routeTracked(p []byte) bool {
	if len(p) < unix.SizeofRtMsg {
		return false
	}
	if f := p[rtmFamily]; f != unix.AF_INET && f != unix.AF_INET6 {
		return false
	}
	if ne.Uint32(p[rtmFlags:])&unix.RTM_F_CLONED != 0 {
		return false
	}
	return trackedProtocol(p[rtmProtocol]) && trackedRouteType(p[rtmType])
}

// parseRoute decodes RTM_NEWROUTE / RTM_DELROUTE for a tracked route and
// appends it to out: one route for IPv4, one per next hop for IPv6
// multipath routes. ok is false for routes the cache does not keep. The
// route is built in place, so decoding allocates nothing.
func parseRoute(p []byte, out []Route) (_ []Route, ok bool, err error) {
	if !routeTracked(p) {
		return out, false, nil
	}
	n := len(out)
	out = append(out, Route{})
	out, ok, err = decodeRoute(p, out, n)
	if !ok || err != nil {
		clear(out[n:])
		out = out[:n]
	}
	return out, ok, err
}

// decodeRoute fills out[n] (and appends further IPv6 hops).
func decodeRoute(p []byte, out []Route, n int) ([]Route, bool, error) {
	r := &out[n]
	family := p[rtmFamily]
	is4 := family == unix.AF_INET
	maxLen := uint8(128)
	if is4 {
		maxLen = 32
	}
	dstLen, srcLen := p[rtmDstLen], p[rtmSrcLen]
	if dstLen > maxLen || srcLen > maxLen || (is4 && srcLen != 0) {
		return out, false, malformed("route prefix lengths %d/%d", dstLen, srcLen)
	}
	if is4 {
		r.TOS = p[rtmTOS] // IPv6 routes have no TOS
	}
	r.Table = uint32(p[rtmTable])
	r.Protocol = p[rtmProtocol]
	r.Scope = p[rtmScope]
	r.Type = p[rtmType]
	r.Flags = uint8(ne.Uint32(p[rtmFlags:]) & unix.RTNH_F_ONLINK)
	dst, src := zeroAddr(family), zeroAddr(family)
	var gw netip.Addr
	var oif int32
	var hasOIF bool
	var multipath []byte
	for it := nl.NewAttrs(p[unix.SizeofRtMsg:]); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.RTA_TABLE:
			r.Table = u32p(v)
		case unix.RTA_DST:
			a, ok := addrFrom(family, v)
			if !ok {
				return out, false, malformed("route destination of %d bytes", len(v))
			}
			dst = a
		case unix.RTA_SRC:
			a, ok := addrFrom(family, v)
			if !ok {
				return out, false, malformed("route source of %d bytes", len(v))
			}
			src = a
		case unix.RTA_GATEWAY:
			a, ok := addrFrom(family, v)
			if !ok {
				return out, false, malformed("route gateway of %d bytes", len(v))
			}
			if !a.IsUnspecified() {
				gw = a
			}
		case unix.RTA_OIF:
			oif, hasOIF = int32(u32p(v)), true
		case unix.RTA_PRIORITY:
			r.Metric = u32p(v)
		case unix.RTA_PREFSRC:
			if a, ok := addrFrom(family, v); ok && !a.IsUnspecified() {
				r.PrefSrc = a
			}
		case unix.RTA_PREF:
			if !is4 {
				r.Pref = u8p(v) // an IPv6 router preference
			}
		case rtaNHID:
			r.NHID = u32p(v)
		case unix.RTA_MULTIPATH:
			multipath = v
		case unix.RTA_METRICS:
			parseMetrics(v, r)
		}
	}
	r.Dst = netip.PrefixFrom(dst, int(dstLen)).Masked()
	if !is4 && (srcLen > 0 || !src.IsUnspecified()) {
		r.Src = netip.PrefixFrom(src, int(srcLen)).Masked()
	}
	if nodevRouteType(r.Type) {
		// These have no device; IPv6 reports the loopback device.
		if is4 && (oif != 0 || gw.IsValid()) {
			return out, false, nil
		}
		r.Index, r.Gateway = 0, netip.Addr{}
		return out, true, nil
	}
	if multipath == nil {
		if !hasOIF && !gw.IsValid() {
			return out, false, nil // a route without a device is none NetworkManager handles
		}
		r.Index, r.Gateway = oif, gw
		return out, true, nil
	}
	hops, err := parseMultipath(family, multipath)
	if err != nil {
		return out, false, err
	}
	if len(hops) == 0 {
		return out, false, nil
	}
	if is4 {
		r.Index, r.Gateway, r.Weight = hops[0].Index, hops[0].Gateway, hops[0].Weight
		r.Flags |= hops[0].Flags
		if len(hops) > 1 {
			r.Nexthops = append([]Nexthop(nil), hops[1:]...)
		} else {
			r.Weight = 0
		}
		return out, true, nil
	}
	first := *r
	for i, h := range hops {
		rr := first
		rr.Index, rr.Gateway, rr.Flags = h.Index, h.Gateway, first.Flags|h.Flags
		if i == 0 {
			out[n] = rr
		} else {
			out = append(out, rr)
		}
	}
	return out, true, nil
}

func parseMetrics(v []byte, r *Route) {
	fields := r.metricFields()
	for m := nl.NewAttrs(v); m.Next(); {
		for _, f := range fields {
			if f.typ == m.Type() {
				*f.v = u32p(m.Value())
				break
			}
		}
	}
}

// routeMetric is one RTAX_* attribute of RTA_METRICS and the field of a
// Route it goes to and comes from.
type routeMetric struct {
	typ uint16
	v   *uint32
}

// metricFields lists the metrics gonm keeps, in the order requests carry
// them, for both the route encoder and parseMetrics. It is an array so
// that it costs no allocation per route.
func (r *Route) metricFields() [9]routeMetric {
	m := &r.Metrics
	return [9]routeMetric{
		{unix.RTAX_LOCK, &m.Lock},
		{unix.RTAX_MTU, &r.MTU},
		{unix.RTAX_WINDOW, &m.Window},
		{unix.RTAX_CWND, &m.CWnd},
		{unix.RTAX_ADVMSS, &m.AdvMSS},
		{unix.RTAX_INITCWND, &m.InitCWnd},
		{unix.RTAX_INITRWND, &m.InitRWnd},
		{unix.RTAX_RTO_MIN, &m.RTOMin},
		{unix.RTAX_QUICKACK, &m.QuickAck},
	}
}

// parseMultipath decodes RTA_MULTIPATH: a sequence of struct rtnexthop
// (len u16, flags u8, hops u8, ifindex s32) each followed by attributes.
func parseMultipath(family uint8, b []byte) ([]Nexthop, error) {
	var hops []Nexthop
	for len(b) > 0 {
		if len(b) < unix.SizeofRtNexthop {
			return nil, malformed("rtnexthop of %d bytes", len(b))
		}
		l := int(ne.Uint16(b[0:2]))
		if l < unix.SizeofRtNexthop || l > len(b) {
			return nil, malformed("rtnexthop length %d of %d", l, len(b))
		}
		h := Nexthop{
			Flags:  b[2] & unix.RTNH_F_ONLINK,
			Weight: uint16(b[3]) + 1,
			Index:  int32(ne.Uint32(b[4:8])),
		}
		for it := nl.NewAttrs(b[unix.SizeofRtNexthop:l]); it.Next(); {
			if it.Type() == unix.RTA_GATEWAY {
				if a, ok := addrFrom(family, it.Value()); ok && !a.IsUnspecified() {
					h.Gateway = a
				}
			}
		}
		hops = append(hops, h)
		n := (l + 3) &^ 3
		if n > len(b) {
			n = len(b)
		}
		b = b[n:]
	}
	return hops, nil
}

// fib_rule_hdr field offsets.
const (
	frhFamily = 0
	frhDstLen = 1
	frhSrcLen = 2
	frhTOS    = 3
	frhTable  = 4
	frhAction = 7
	frhFlags  = 8
	frhSize   = 12
)

// ruleFlagsKept are the rule flags that describe the rule itself; the
// kernel's run-time markers (iif/oif detached, unresolved) are dropped.
const ruleFlagsKept = unix.FIB_RULE_INVERT

// parseRule decodes RTM_NEWRULE / RTM_DELRULE.
func parseRule(p []byte) (r Rule, ok bool, err error) {
	if len(p) < frhSize {
		return r, false, malformed("fib_rule_hdr of %d bytes", len(p))
	}
	r.Family = p[frhFamily]
	if r.Family != unix.AF_INET && r.Family != unix.AF_INET6 {
		return r, false, nil
	}
	dstLen, srcLen := p[frhDstLen], p[frhSrcLen]
	r.TOS = p[frhTOS]
	r.Table = uint32(p[frhTable])
	r.Action = p[frhAction]
	r.Flags = ne.Uint32(p[frhFlags:]) & ruleFlagsKept
	r.SuppressPrefixLen, r.SuppressIfGroup = -1, -1
	var src, dst netip.Addr
	for it := nl.NewAttrs(p[frhSize:]); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.FRA_DST:
			dst, _ = addrFrom(r.Family, v)
		case unix.FRA_SRC:
			src, _ = addrFrom(r.Family, v)
		case unix.FRA_IIFNAME:
			r.IIFName = nl.String(v)
		case unix.FRA_OIFNAME:
			r.OIFName = nl.String(v)
		case unix.FRA_PRIORITY:
			r.Priority = u32p(v)
		case unix.FRA_FWMARK:
			r.FwMark = u32p(v)
		case unix.FRA_FWMASK:
			r.FwMask = u32p(v)
		case unix.FRA_FLOW:
			r.Flow = u32p(v)
		case unix.FRA_TUN_ID:
			if len(v) >= 8 {
				r.TunID = uint64(v[0])<<56 | uint64(v[1])<<48 | uint64(v[2])<<40 | uint64(v[3])<<32 |
					uint64(v[4])<<24 | uint64(v[5])<<16 | uint64(v[6])<<8 | uint64(v[7])
			}
		case unix.FRA_SUPPRESS_IFGROUP:
			r.SuppressIfGroup = int32(u32p(v))
		case unix.FRA_SUPPRESS_PREFIXLEN:
			r.SuppressPrefixLen = int32(u32p(v))
		case unix.FRA_TABLE:
			r.Table = u32p(v)
		case unix.FRA_GOTO:
			r.Goto = u32p(v)
		case unix.FRA_L3MDEV:
			r.L3MDev = u8p(v)
		case unix.FRA_UID_RANGE:
			if len(v) >= 8 {
				r.UIDRange = &Range{Start: ne.Uint32(v[0:]), End: ne.Uint32(v[4:])}
			}
		case unix.FRA_PROTOCOL:
			r.Protocol = u8p(v)
		case unix.FRA_IP_PROTO:
			r.IPProto = u8p(v)
		case unix.FRA_SPORT_RANGE:
			if len(v) >= 4 {
				r.SPortRange = &Range{Start: uint32(ne.Uint16(v[0:])), End: uint32(ne.Uint16(v[2:]))}
			}
		case unix.FRA_DPORT_RANGE:
			if len(v) >= 4 {
				r.DPortRange = &Range{Start: uint32(ne.Uint16(v[0:])), End: uint32(ne.Uint16(v[2:]))}
			}
		}
	}
	maxLen := uint8(32)
	if r.Family == unix.AF_INET6 {
		maxLen = 128
	}
	if dstLen > maxLen || srcLen > maxLen {
		return r, false, malformed("rule prefix lengths %d/%d", dstLen, srcLen)
	}
	if srcLen > 0 || src.IsValid() {
		if !src.IsValid() {
			src = zeroAddr(r.Family)
		}
		r.Src = netip.PrefixFrom(src, int(srcLen))
	}
	if dstLen > 0 || dst.IsValid() {
		if !dst.IsValid() {
			dst = zeroAddr(r.Family)
		}
		r.Dst = netip.PrefixFrom(dst, int(dstLen))
	}
	return r, true, nil
}
