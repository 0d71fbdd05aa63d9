package platform

import (
	"net/netip"
)

// r4rec is the compact form of an IPv4 route. Every field is identity
// for IPv4 (see Route.SameID).
type r4rec struct {
	dst, gw, prefSrc [4]byte
	table, metric    uint32
	mtu              uint32
	plen, tos, typ   uint8
	proto, scope     uint8
	flags            uint8
	st               uint8
	h                recHdr
}

func (r *r4rec) hdr() *recHdr  { return &r.h }
func (r *r4rec) state() *uint8 { return &r.st }

// hashID hashes only the weak identity (what a replace matches), so that
// routes sharing it sit in one probe run of the index and a replace can
// find its siblings cheaply.
func (r *r4rec) hashID() uint64 {
	h := mix(uint64(ne.Uint32(r.dst[:]))<<32|uint64(r.table), uint64(r.metric)<<16|uint64(r.plen)<<8|uint64(r.tos))
	return mix(h, 0x5bd1e995)
}

func (r *r4rec) sameWeak(o *r4rec, _, _ *routeExtra) bool { return r.weak() == o.weak() }

func (r *r4rec) sameID(o *r4rec, ex, ox *routeExtra) bool {
	if r.dst != o.dst || r.gw != o.gw || r.prefSrc != o.prefSrc || r.table != o.table ||
		r.metric != o.metric || r.mtu != o.mtu || r.plen != o.plen || r.tos != o.tos ||
		r.typ != o.typ || r.proto != o.proto || r.scope != o.scope || r.flags != o.flags ||
		r.h.index != o.h.index || (ex == nil) != (ox == nil) {
		return false
	}
	return ex == nil || ex.equal(ox)
}

func (r *r4rec) sameValue(o *r4rec, ex, ox *routeExtra) bool { return true }

// weakID4 is what the kernel matches when an IPv4 route is replaced:
// table, destination, TOS and metric.
type weakID4 struct {
	table, metric uint32
	dst           [4]byte
	plen, tos     uint8
}

func (r *r4rec) weak() weakID4 {
	return weakID4{table: r.table, metric: r.metric, dst: r.dst, plen: r.plen, tos: r.tos}
}

func as4(a netip.Addr) [4]byte {
	if a.Is4() {
		return a.As4()
	}
	return [4]byte{}
}

// toRec4 compacts r; the extras are nil when r needs none.
func toRec4(r *Route) (r4rec, *routeExtra) {
	rec := r4rec{
		dst: as4(r.Dst.Addr()), gw: as4(r.Gateway), prefSrc: as4(r.PrefSrc),
		table: r.Table, metric: r.Metric, mtu: r.MTU, plen: uint8(r.Dst.Bits()),
		tos: r.TOS, typ: r.Type, proto: r.Protocol, scope: r.Scope, flags: r.Flags,
		h: recHdr{index: r.Index},
	}
	if r.Metrics == (RouteMetrics{}) && r.NHID == 0 && r.Weight == 0 && len(r.Nexthops) == 0 {
		return rec, nil
	}
	ex := &routeExtra{metrics: r.Metrics, nhid: r.NHID, weight: r.Weight}
	if len(r.Nexthops) > 0 {
		ex.hops = append([]Nexthop(nil), r.Nexthops...)
	}
	return rec, ex
}

func fromRec4(rec *r4rec, ex *routeExtra) Route {
	r := Route{
		Table: rec.table, Metric: rec.metric, MTU: rec.mtu, TOS: rec.tos, Type: rec.typ,
		Protocol: rec.proto, Scope: rec.scope, Flags: rec.flags, Index: rec.h.index,
		Dst: netip.PrefixFrom(netip.AddrFrom4(rec.dst), int(rec.plen)),
	}
	if rec.gw != ([4]byte{}) {
		r.Gateway = netip.AddrFrom4(rec.gw)
	}
	if rec.prefSrc != ([4]byte{}) {
		r.PrefSrc = netip.AddrFrom4(rec.prefSrc)
	}
	if ex != nil {
		r.Metrics, r.NHID, r.Weight = ex.metrics, ex.nhid, ex.weight
		if len(ex.hops) > 0 {
			r.Nexthops = append([]Nexthop(nil), ex.hops...)
		}
	}
	return r
}

// r6rec is the compact form of an IPv6 route. Identity: table,
// destination, source prefix (in the extras), metric, interface, type and
// gateway; the rest may change in place.
type r6rec struct {
	dst, gw       [16]byte
	table, metric uint32
	mtu           uint32
	plen, typ     uint8
	proto, pref   uint8
	flags, scope  uint8
	st            uint8
	h             recHdr
}

func (r *r6rec) hdr() *recHdr  { return &r.h }
func (r *r6rec) state() *uint8 { return &r.st }

// hashID hashes the weak identity without the (rare) source prefix.
func (r *r6rec) hashID() uint64 {
	h := mix(ne.Uint64(r.dst[0:8]), ne.Uint64(r.dst[8:16]))
	return mix(h, uint64(r.table)<<32|uint64(r.metric)^uint64(r.plen)<<24)
}

func (r *r6rec) sameWeak(o *r6rec, ex, ox *routeExtra) bool { return r.weak(ex) == o.weak(ox) }

func src6(ex *routeExtra) netip.Prefix {
	if ex == nil {
		return netip.Prefix{}
	}
	return ex.src
}

func (r *r6rec) sameID(o *r6rec, ex, ox *routeExtra) bool {
	return r.dst == o.dst && r.gw == o.gw && r.table == o.table && r.metric == o.metric &&
		r.plen == o.plen && r.typ == o.typ && r.h.index == o.h.index && src6(ex) == src6(ox)
}

func (r *r6rec) sameValue(o *r6rec, ex, ox *routeExtra) bool {
	if r.mtu != o.mtu || r.proto != o.proto || r.pref != o.pref || r.flags != o.flags ||
		r.scope != o.scope || (ex == nil) != (ox == nil) {
		return false
	}
	return ex == nil || ex.equal(ox)
}

type weakID6 struct {
	table, metric uint32
	dst           [16]byte
	plen          uint8
	src           netip.Prefix
}

func (r *r6rec) weak(ex *routeExtra) weakID6 {
	return weakID6{table: r.table, metric: r.metric, dst: r.dst, plen: r.plen, src: src6(ex)}
}

func as16(a netip.Addr) [16]byte {
	if a.Is6() {
		return a.As16()
	}
	return [16]byte{}
}

func toRec6(r *Route) (r6rec, *routeExtra) {
	rec := r6rec{
		dst: as16(r.Dst.Addr()), gw: as16(r.Gateway), table: r.Table, metric: r.Metric,
		mtu: r.MTU, plen: uint8(r.Dst.Bits()), typ: r.Type, proto: r.Protocol, pref: r.Pref,
		flags: r.Flags, scope: r.Scope, h: recHdr{index: r.Index},
	}
	if r.Metrics == (RouteMetrics{}) && r.NHID == 0 && !r.Src.IsValid() && !r.PrefSrc.IsValid() {
		return rec, nil
	}
	return rec, &routeExtra{src: r.Src, prefSrc: r.PrefSrc, metrics: r.Metrics, nhid: r.NHID}
}

func fromRec6(rec *r6rec, ex *routeExtra) Route {
	r := Route{
		Table: rec.table, Metric: rec.metric, MTU: rec.mtu, Type: rec.typ, Protocol: rec.proto,
		Pref: rec.pref, Flags: rec.flags, Scope: rec.scope, Index: rec.h.index,
		Dst: netip.PrefixFrom(netip.AddrFrom16(rec.dst), int(rec.plen)),
	}
	if rec.gw != ([16]byte{}) {
		r.Gateway = netip.AddrFrom16(rec.gw)
	}
	if ex != nil {
		r.Src, r.PrefSrc, r.Metrics, r.NHID = ex.src, ex.prefSrc, ex.metrics, ex.nhid
	}
	return r
}

// Sizes the memory budget depends on; checked by a test.
const (
	sizeofR4 = 48
	sizeofR6 = 68
)
