package platform

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// This file is the one table of link kinds: for each kernel kind
// (IFLA_INFO_KIND) its NetworkManager link type, how its settings
// (IFLA_INFO_DATA) are read, and how a link of that kind is created.
// Kinds this machine's kernel cannot create (bond, vlan, dummy, vrf,
// wireguard, team) are here too: their requests are unit-tested and their
// kernel tests skip until the kernel VM tier runs them.

// LinkData holds the kind-specific settings of a link. The same types
// describe a link to create (LinkAdd) and the settings read back from the
// kernel. Values are immutable once in the cache.
type LinkData interface {
	// Kind is the kernel's kind name ("bridge", "vlan", ...).
	Kind() string
	String() string
	equal(LinkData) bool
	// encode writes IFLA_INFO_DATA (and, for veth, the peer) into a
	// creation or change request.
	encode(b *nl.Builder)
}

type kindDesc struct {
	kind     string
	linkType LinkType
	// parse reads IFLA_INFO_DATA; nil for kinds without settings kept.
	parse func(data []byte) LinkData
}

// linkKinds lists every kind NetworkManager tells apart by its kind
// string. Kinds with no entry here are classified by ARP type and sysfs.
var linkKinds = map[string]kindDesc{
	"bond":        {"bond", LinkBond, parseBond},
	"bridge":      {"bridge", LinkBridge, parseBridge},
	"dummy":       {"dummy", LinkDummy, nil},
	"gre":         {"gre", LinkGRE, nil},
	"gretap":      {"gretap", LinkGRETAP, nil},
	"ifb":         {"ifb", LinkIFB, nil},
	"ip6gre":      {"ip6gre", LinkIP6GRE, nil},
	"ip6gretap":   {"ip6gretap", LinkIP6GRETAP, nil},
	"ip6tnl":      {"ip6tnl", LinkIP6TNL, nil},
	"ipip":        {"ipip", LinkIPIP, nil},
	"macsec":      {"macsec", LinkMACsec, nil},
	"macvlan":     {"macvlan", LinkMACVLAN, parseMacvlan(false)},
	"macvtap":     {"macvtap", LinkMACVTAP, parseMacvlan(true)},
	"openvswitch": {"openvswitch", LinkOpenVSwitch, nil},
	"sit":         {"sit", LinkSIT, nil},
	"team":        {"team", LinkTeam, nil},
	"tun":         {"tun", LinkTUN, parseTun},
	"veth":        {"veth", LinkVeth, nil},
	"vlan":        {"vlan", LinkVLAN, parseVlan},
	"vrf":         {"vrf", LinkVRF, parseVrf},
	"vti":         {"vti", LinkVTI, nil},
	"vti6":        {"vti6", LinkVTI6, nil},
	"vxlan":       {"vxlan", LinkVXLAN, parseVxlan},
	"wimax":       {"wimax", LinkWiMAX, nil},
	"wireguard":   {"wireguard", LinkWireGuard, nil},
}

// KindOnly describes a link to create that needs no settings (dummy, ifb,
// wireguard, team).
type KindOnly string

func (k KindOnly) Kind() string          { return string(k) }
func (k KindOnly) String() string        { return string(k) }
func (k KindOnly) equal(o LinkData) bool { return o == LinkData(k) }
func (k KindOnly) encode(b *nl.Builder)  {}
func boolU8(v bool) uint8 {
	if v {
		return 1
	}
	return 0
}
func u32p(b []byte) uint32 { v, _ := nl.U32(b); return v }
func u16p(b []byte) uint16 { v, _ := nl.U16(b); return v }
func u8p(b []byte) uint8   { v, _ := nl.U8(b); return v }

// VethData creates a veth pair; Peer names the other end. Veth links read
// from the kernel carry no data (the peer is Link.Parent).
type VethData struct {
	Peer string
	// PeerNetns, when not nil, is an open network namespace (file
	// descriptor) to create the peer in.
	PeerNetnsFD *int
}

func (v *VethData) Kind() string   { return "veth" }
func (v *VethData) String() string { return "peer " + v.Peer }
func (v *VethData) equal(o LinkData) bool {
	x, ok := o.(*VethData)
	return ok && x.Peer == v.Peer
}
func (v *VethData) encode(b *nl.Builder) {
	data := b.Nest(unix.IFLA_INFO_DATA)
	defer b.End(data)
	peer := b.Nest(vethInfoPeer)
	// The peer's ifinfomsg comes first, then its attributes.
	b.Raw(make([]byte, unix.SizeofIfInfomsg))
	b.String(unix.IFLA_IFNAME, v.Peer)
	if v.PeerNetnsFD != nil {
		b.U32(unix.IFLA_NET_NS_FD, uint32(*v.PeerNetnsFD))
	}
	b.End(peer)
}

// BridgeData are a bridge's settings. Times are in hundredths of a second
// as the kernel takes them. Has* fields say which values to send when
// creating or changing a bridge; values read from the kernel are complete.
type BridgeData struct {
	ForwardDelay, HelloTime, MaxAge, AgeingTime uint32
	STPState                                    uint32
	Priority                                    uint16
	VlanFiltering                               bool
	VlanProtocol                                uint16 // ETH_P_8021Q 0x8100 or 0x88a8
	VlanDefaultPVID                             uint16
	VlanStatsEnabled                            bool
	GroupFwdMask                                uint16
	GroupAddr                                   HWAddr
	MulticastSnooping                           bool
	MulticastRouter                             uint8
	MulticastQuerier                            bool
	MulticastQueryUseIfaddr                     bool
	MulticastHashMax                            uint32
	// Set, for requests, lists the IFLA_BR_* attributes to send; empty
	// sends nothing (kernel defaults).
	Set []uint16
}

func (d *BridgeData) Kind() string { return "bridge" }
func (d *BridgeData) String() string {
	return fmt.Sprintf("bridge stp %d prio %d fwd-delay %d hello %d max-age %d ageing %d vlan-filtering %t",
		d.STPState, d.Priority, d.ForwardDelay, d.HelloTime, d.MaxAge, d.AgeingTime, d.VlanFiltering)
}
func (d *BridgeData) equal(o LinkData) bool {
	x, ok := o.(*BridgeData)
	if !ok {
		return false
	}
	a, b := *d, *x
	a.Set, b.Set = nil, nil
	return a.ForwardDelay == b.ForwardDelay && a.HelloTime == b.HelloTime && a.MaxAge == b.MaxAge &&
		a.AgeingTime == b.AgeingTime && a.STPState == b.STPState && a.Priority == b.Priority &&
		a.VlanFiltering == b.VlanFiltering && a.VlanProtocol == b.VlanProtocol &&
		a.VlanDefaultPVID == b.VlanDefaultPVID && a.VlanStatsEnabled == b.VlanStatsEnabled &&
		a.GroupFwdMask == b.GroupFwdMask && a.GroupAddr == b.GroupAddr &&
		a.MulticastSnooping == b.MulticastSnooping && a.MulticastRouter == b.MulticastRouter &&
		a.MulticastQuerier == b.MulticastQuerier &&
		a.MulticastQueryUseIfaddr == b.MulticastQueryUseIfaddr && a.MulticastHashMax == b.MulticastHashMax
}

// attrs pairs each IFLA_BR_* attribute gonm keeps with its field, once
// for both directions: encode sends the fields Set names, parseBridge
// fills them from the kernel's answer. It is an array so that it costs no
// allocation per bridge.
func (d *BridgeData) attrs() [17]linkAttr {
	return [17]linkAttr{
		{unix.IFLA_BR_FORWARD_DELAY, &d.ForwardDelay},
		{unix.IFLA_BR_HELLO_TIME, &d.HelloTime},
		{unix.IFLA_BR_MAX_AGE, &d.MaxAge},
		{unix.IFLA_BR_AGEING_TIME, &d.AgeingTime},
		{unix.IFLA_BR_STP_STATE, &d.STPState},
		{unix.IFLA_BR_PRIORITY, &d.Priority},
		{unix.IFLA_BR_VLAN_FILTERING, &d.VlanFiltering},
		{unix.IFLA_BR_VLAN_PROTOCOL, (*bigEndian16)(&d.VlanProtocol)},
		{unix.IFLA_BR_VLAN_DEFAULT_PVID, &d.VlanDefaultPVID},
		{unix.IFLA_BR_VLAN_STATS_ENABLED, &d.VlanStatsEnabled},
		{unix.IFLA_BR_GROUP_FWD_MASK, &d.GroupFwdMask},
		{unix.IFLA_BR_GROUP_ADDR, &d.GroupAddr},
		{unix.IFLA_BR_MCAST_SNOOPING, &d.MulticastSnooping},
		{unix.IFLA_BR_MCAST_ROUTER, &d.MulticastRouter},
		{unix.IFLA_BR_MCAST_QUERIER, &d.MulticastQuerier},
		{unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, &d.MulticastQueryUseIfaddr},
		{unix.IFLA_BR_MCAST_HASH_MAX, &d.MulticastHashMax},
	}
}

func (d *BridgeData) encode(b *nl.Builder) {
	if len(d.Set) == 0 {
		return
	}
	attrs := d.attrs()
	data := b.Nest(unix.IFLA_INFO_DATA)
	for _, typ := range d.Set {
		for _, a := range attrs {
			if a.typ == typ {
				a.put(b)
			}
		}
	}
	b.End(data)
}

func parseBridge(data []byte) LinkData {
	d := &BridgeData{}
	attrs := d.attrs()
	for it := nl.NewAttrs(data); it.Next(); {
		for _, a := range attrs {
			if a.typ == it.Type() {
				a.get(it.Value())
			}
		}
	}
	return d
}

// linkAttr is one netlink attribute of a kind's settings and the field it
// goes to and comes from. The field's type says the attribute's wire
// form: *uint32, *uint16 and *uint8 in host order, *bool as a u8,
// *bigEndian16 in network order, *HWAddr as raw bytes.
type linkAttr struct {
	typ   uint16
	field any
}

// bigEndian16 marks a 16-bit field the kernel carries in network order.
type bigEndian16 uint16

func (a linkAttr) put(b *nl.Builder) {
	switch f := a.field.(type) {
	case *uint32:
		b.U32(a.typ, *f)
	case *uint16:
		b.U16(a.typ, *f)
	case *uint8:
		b.U8(a.typ, *f)
	case *bool:
		b.U8(a.typ, boolU8(*f))
	case *bigEndian16:
		b.BE16(a.typ, uint16(*f))
	case *HWAddr:
		b.Bytes(a.typ, f.Bytes())
	default:
		panic(fmt.Sprintf("platform: attribute %d has a field of unhandled type %T", a.typ, a.field))
	}
}

// get sets the field from an attribute's value; a value too short for the
// field reads as zero, as the kernel never sends one.
func (a linkAttr) get(v []byte) {
	switch f := a.field.(type) {
	case *uint32:
		*f = u32p(v)
	case *uint16:
		*f = u16p(v)
	case *uint8:
		*f = u8p(v)
	case *bool:
		*f = u8p(v) != 0
	case *bigEndian16:
		n, _ := nl.BE16(v)
		*f = bigEndian16(n)
	case *HWAddr:
		*f = MakeHWAddr(v)
	default:
		panic(fmt.Sprintf("platform: attribute %d has a field of unhandled type %T", a.typ, a.field))
	}
}

// Bond modes (IFLA_BOND_MODE).
const (
	BondBalanceRR = iota
	BondActiveBackup
	BondBalanceXOR
	BondBroadcast
	Bond8023AD
	BondBalanceTLB
	BondBalanceALB
)

// BondData are a bond's main settings.
type BondData struct {
	Mode           uint8
	Miimon         uint32
	UpDelay        uint32
	DownDelay      uint32
	XmitHashPolicy uint8
	LACPRate       uint8
	MinLinks       uint32
	ARPInterval    uint32
	ARPIPTargets   []netip.Addr
	Primary        int32
	UseCarrier     bool
}

func (d *BondData) Kind() string { return "bond" }
func (d *BondData) String() string {
	return fmt.Sprintf("bond mode %d miimon %d updelay %d downdelay %d", d.Mode, d.Miimon, d.UpDelay, d.DownDelay)
}
func (d *BondData) equal(o LinkData) bool {
	x, ok := o.(*BondData)
	if !ok || d.Mode != x.Mode || d.Miimon != x.Miimon || d.UpDelay != x.UpDelay ||
		d.DownDelay != x.DownDelay || d.XmitHashPolicy != x.XmitHashPolicy ||
		d.LACPRate != x.LACPRate || d.MinLinks != x.MinLinks || d.ARPInterval != x.ARPInterval ||
		d.Primary != x.Primary || d.UseCarrier != x.UseCarrier || len(d.ARPIPTargets) != len(x.ARPIPTargets) {
		return false
	}
	for i := range d.ARPIPTargets {
		if d.ARPIPTargets[i] != x.ARPIPTargets[i] {
			return false
		}
	}
	return true
}
func (d *BondData) encode(b *nl.Builder) {
	data := b.Nest(unix.IFLA_INFO_DATA)
	b.U8(unix.IFLA_BOND_MODE, d.Mode)
	b.U32(unix.IFLA_BOND_MIIMON, d.Miimon)
	// The bonding driver refuses up/down delays (EPERM) while MII
	// monitoring is off, even zero ones; they mean nothing without it.
	if d.Miimon > 0 {
		b.U32(unix.IFLA_BOND_UPDELAY, d.UpDelay)
		b.U32(unix.IFLA_BOND_DOWNDELAY, d.DownDelay)
	}
	if d.Mode == BondBalanceXOR || d.Mode == Bond8023AD || d.Mode == BondBalanceTLB {
		b.U8(unix.IFLA_BOND_XMIT_HASH_POLICY, d.XmitHashPolicy)
	}
	if d.Mode == Bond8023AD {
		b.U8(unix.IFLA_BOND_AD_LACP_RATE, d.LACPRate)
	}
	b.U32(unix.IFLA_BOND_MIN_LINKS, d.MinLinks)
	if d.ARPInterval > 0 {
		b.U32(unix.IFLA_BOND_ARP_INTERVAL, d.ARPInterval)
		t := b.Nest(unix.IFLA_BOND_ARP_IP_TARGET)
		for i, a := range d.ARPIPTargets {
			ip := a.As4()
			b.Bytes(uint16(i), ip[:])
		}
		b.End(t)
	}
	if d.Primary > 0 {
		b.U32(unix.IFLA_BOND_PRIMARY, uint32(d.Primary))
	}
	b.End(data)
}

func parseBond(data []byte) LinkData {
	d := &BondData{}
	for it := nl.NewAttrs(data); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.IFLA_BOND_MODE:
			d.Mode = u8p(v)
		case unix.IFLA_BOND_MIIMON:
			d.Miimon = u32p(v)
		case unix.IFLA_BOND_UPDELAY:
			d.UpDelay = u32p(v)
		case unix.IFLA_BOND_DOWNDELAY:
			d.DownDelay = u32p(v)
		case unix.IFLA_BOND_XMIT_HASH_POLICY:
			d.XmitHashPolicy = u8p(v)
		case unix.IFLA_BOND_AD_LACP_RATE:
			d.LACPRate = u8p(v)
		case unix.IFLA_BOND_MIN_LINKS:
			d.MinLinks = u32p(v)
		case unix.IFLA_BOND_ARP_INTERVAL:
			d.ARPInterval = u32p(v)
		case unix.IFLA_BOND_PRIMARY:
			d.Primary = int32(u32p(v))
		case unix.IFLA_BOND_USE_CARRIER:
			d.UseCarrier = u8p(v) != 0
		case unix.IFLA_BOND_ARP_IP_TARGET:
			for t := nl.NewAttrs(v); t.Next(); {
				if a, ok := netip.AddrFromSlice(t.Value()); ok {
					d.ARPIPTargets = append(d.ARPIPTargets, a.Unmap())
				}
			}
		}
	}
	return d
}

// VlanData are a VLAN's settings; the parent link is Link.Parent.
type VlanData struct {
	ID       uint16
	Protocol uint16 // ETH_P_8021Q (0x8100) or ETH_P_8021AD (0x88a8); 0 means 802.1Q
	Flags    uint32 // VLAN_FLAG_*
}

// vlanFlagsAll are the VLAN flags NetworkManager manages (NM_VLAN_FLAGS_ALL).
const vlanFlagsAll = 0xf

func (d *VlanData) Kind() string { return "vlan" }
func (d *VlanData) String() string {
	return fmt.Sprintf("vlan id %d proto %#x flags %#x", d.ID, d.Protocol, d.Flags)
}
func (d *VlanData) equal(o LinkData) bool {
	x, ok := o.(*VlanData)
	return ok && *x == *d
}
func (d *VlanData) encode(b *nl.Builder) {
	data := b.Nest(unix.IFLA_INFO_DATA)
	b.U16(unix.IFLA_VLAN_ID, d.ID)
	if d.Protocol != 0 {
		b.BE16(unix.IFLA_VLAN_PROTOCOL, d.Protocol)
	}
	if d.Flags != 0 {
		// The mask names the flags being set: the kernel refuses
		// (EINVAL) a mask with bits it does not know, so it covers
		// NetworkManager's four (reorder-headers, GVRP, loose binding,
		// MVRP) only.
		f := ne32(d.Flags & vlanFlagsAll)
		b.Bytes(unix.IFLA_VLAN_FLAGS, append(f, ne32(vlanFlagsAll)...))
	}
	b.End(data)
}

func parseVlan(data []byte) LinkData {
	d := &VlanData{}
	for it := nl.NewAttrs(data); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.IFLA_VLAN_ID:
			d.ID = u16p(v)
		case unix.IFLA_VLAN_PROTOCOL:
			d.Protocol, _ = nl.BE16(v)
		case unix.IFLA_VLAN_FLAGS:
			d.Flags = u32p(v)
		}
	}
	return d
}

// Macvlan modes (IFLA_MACVLAN_MODE).
const (
	MacvlanPrivate  = 1
	MacvlanVEPA     = 2
	MacvlanBridge   = 4
	MacvlanPassthru = 8
	MacvlanSource   = 16
)

// MacvlanData are a macvlan's or macvtap's settings; the parent is
// Link.Parent.
type MacvlanData struct {
	Mode  uint32
	Flags uint16 // MACVLAN_FLAG_NOPROMISC ...
	Tap   bool
}

func (d *MacvlanData) Kind() string {
	if d.Tap {
		return "macvtap"
	}
	return "macvlan"
}
func (d *MacvlanData) String() string {
	return fmt.Sprintf("%s mode %d flags %#x", d.Kind(), d.Mode, d.Flags)
}
func (d *MacvlanData) equal(o LinkData) bool {
	x, ok := o.(*MacvlanData)
	return ok && *x == *d
}
func (d *MacvlanData) encode(b *nl.Builder) {
	data := b.Nest(unix.IFLA_INFO_DATA)
	if d.Mode != 0 {
		b.U32(unix.IFLA_MACVLAN_MODE, d.Mode)
	}
	if d.Flags != 0 {
		b.U16(unix.IFLA_MACVLAN_FLAGS, d.Flags)
	}
	b.End(data)
}

func parseMacvlan(tap bool) func([]byte) LinkData {
	return func(data []byte) LinkData {
		d := &MacvlanData{Tap: tap}
		for it := nl.NewAttrs(data); it.Next(); {
			switch it.Type() {
			case unix.IFLA_MACVLAN_MODE:
				d.Mode = u32p(it.Value())
			case unix.IFLA_MACVLAN_FLAGS:
				d.Flags = u16p(it.Value())
			}
		}
		return d
	}
}

// VxlanData are a VXLAN's settings.
type VxlanData struct {
	ID         uint32
	Group      netip.Addr // remote or multicast group; invalid if none
	Local      netip.Addr
	ParentLink uint32 // IFLA_VXLAN_LINK
	TOS, TTL   uint8
	Learning   bool
	Ageing     uint32
	Limit      uint32
	DstPort    uint16
	SrcPortMin uint16
	SrcPortMax uint16
	Proxy      bool
	RSC        bool
	L2Miss     bool
	L3Miss     bool
}

func (d *VxlanData) Kind() string   { return "vxlan" }
func (d *VxlanData) String() string { return fmt.Sprintf("vxlan id %d dstport %d", d.ID, d.DstPort) }
func (d *VxlanData) equal(o LinkData) bool {
	x, ok := o.(*VxlanData)
	return ok && *x == *d
}
func (d *VxlanData) encode(b *nl.Builder) {
	data := b.Nest(unix.IFLA_INFO_DATA)
	b.U32(unix.IFLA_VXLAN_ID, d.ID)
	if d.Group.Is4() {
		g := d.Group.As4()
		b.Bytes(unix.IFLA_VXLAN_GROUP, g[:])
	} else if d.Group.Is6() {
		g := d.Group.As16()
		b.Bytes(unix.IFLA_VXLAN_GROUP6, g[:])
	}
	if d.Local.Is4() {
		l := d.Local.As4()
		b.Bytes(unix.IFLA_VXLAN_LOCAL, l[:])
	} else if d.Local.Is6() {
		l := d.Local.As16()
		b.Bytes(unix.IFLA_VXLAN_LOCAL6, l[:])
	}
	if d.ParentLink != 0 {
		b.U32(unix.IFLA_VXLAN_LINK, d.ParentLink)
	}
	b.U8(unix.IFLA_VXLAN_TOS, d.TOS)
	b.U8(unix.IFLA_VXLAN_TTL, d.TTL)
	b.U8(unix.IFLA_VXLAN_LEARNING, boolU8(d.Learning))
	if d.Ageing != 0 {
		b.U32(unix.IFLA_VXLAN_AGEING, d.Ageing)
	}
	if d.Limit != 0 {
		b.U32(unix.IFLA_VXLAN_LIMIT, d.Limit)
	}
	b.BE16(unix.IFLA_VXLAN_PORT, d.DstPort)
	if d.SrcPortMin != 0 || d.SrcPortMax != 0 {
		r := make([]byte, 4)
		r[0], r[1] = byte(d.SrcPortMin>>8), byte(d.SrcPortMin)
		r[2], r[3] = byte(d.SrcPortMax>>8), byte(d.SrcPortMax)
		b.Bytes(unix.IFLA_VXLAN_PORT_RANGE, r)
	}
	b.U8(unix.IFLA_VXLAN_PROXY, boolU8(d.Proxy))
	b.U8(unix.IFLA_VXLAN_RSC, boolU8(d.RSC))
	b.U8(unix.IFLA_VXLAN_L2MISS, boolU8(d.L2Miss))
	b.U8(unix.IFLA_VXLAN_L3MISS, boolU8(d.L3Miss))
	b.End(data)
}

func parseVxlan(data []byte) LinkData {
	d := &VxlanData{}
	for it := nl.NewAttrs(data); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case unix.IFLA_VXLAN_ID:
			d.ID = u32p(v)
		case unix.IFLA_VXLAN_GROUP, unix.IFLA_VXLAN_GROUP6:
			if a, ok := netip.AddrFromSlice(v); ok && !a.IsUnspecified() {
				d.Group = a
			}
		case unix.IFLA_VXLAN_LOCAL, unix.IFLA_VXLAN_LOCAL6:
			if a, ok := netip.AddrFromSlice(v); ok && !a.IsUnspecified() {
				d.Local = a
			}
		case unix.IFLA_VXLAN_LINK:
			d.ParentLink = u32p(v)
		case unix.IFLA_VXLAN_TOS:
			d.TOS = u8p(v)
		case unix.IFLA_VXLAN_TTL:
			d.TTL = u8p(v)
		case unix.IFLA_VXLAN_LEARNING:
			d.Learning = u8p(v) != 0
		case unix.IFLA_VXLAN_AGEING:
			d.Ageing = u32p(v)
		case unix.IFLA_VXLAN_LIMIT:
			d.Limit = u32p(v)
		case unix.IFLA_VXLAN_PORT:
			d.DstPort, _ = nl.BE16(v)
		case unix.IFLA_VXLAN_PORT_RANGE:
			if len(v) >= 4 {
				d.SrcPortMin = uint16(v[0])<<8 | uint16(v[1])
				d.SrcPortMax = uint16(v[2])<<8 | uint16(v[3])
			}
		case unix.IFLA_VXLAN_PROXY:
			d.Proxy = u8p(v) != 0
		case unix.IFLA_VXLAN_RSC:
			d.RSC = u8p(v) != 0
		case unix.IFLA_VXLAN_L2MISS:
			d.L2Miss = u8p(v) != 0
		case unix.IFLA_VXLAN_L3MISS:
			d.L3Miss = u8p(v) != 0
		}
	}
	return d
}

// IFLA_TUN_* (include/uapi/linux/if_link.h).
const (
	iflaTunOwner      = 1
	iflaTunGroup      = 2
	iflaTunType       = 3
	iflaTunPI         = 4
	iflaTunVnetHdr    = 5
	iflaTunPersist    = 6
	iflaTunMultiQueue = 7
)

// TunData are a tun or tap device's settings. The kernel creates these
// through /dev/net/tun, not rtnetlink (see LinkAddTun).
type TunData struct {
	Tap        bool // tap (ethernet frames) rather than tun (IP packets)
	Owner      int64
	Group      int64 // -1 when unset
	PI         bool
	VnetHdr    bool
	MultiQueue bool
	Persist    bool
}

// Mode is "tap" or "tun", as NetworkManager names it.
func (d *TunData) Mode() string {
	if d.Tap {
		return "tap"
	}
	return "tun"
}
func (d *TunData) Kind() string { return "tun" }
func (d *TunData) String() string {
	return fmt.Sprintf("tun mode %s owner %d group %d", d.Mode(), d.Owner, d.Group)
}
func (d *TunData) equal(o LinkData) bool {
	x, ok := o.(*TunData)
	return ok && *x == *d
}
func (d *TunData) encode(b *nl.Builder) {}

func parseTun(data []byte) LinkData {
	d := &TunData{Owner: -1, Group: -1}
	for it := nl.NewAttrs(data); it.Next(); {
		v := it.Value()
		switch it.Type() {
		case iflaTunOwner:
			d.Owner = int64(u32p(v))
		case iflaTunGroup:
			d.Group = int64(u32p(v))
		case iflaTunType:
			d.Tap = u8p(v) == unix.IFF_TAP
		case iflaTunPI:
			d.PI = u8p(v) != 0
		case iflaTunVnetHdr:
			d.VnetHdr = u8p(v) != 0
		case iflaTunPersist:
			d.Persist = u8p(v) != 0
		case iflaTunMultiQueue:
			d.MultiQueue = u8p(v) != 0
		}
	}
	return d
}

// VrfData is a VRF's routing table.
type VrfData struct{ Table uint32 }

func (d *VrfData) Kind() string   { return "vrf" }
func (d *VrfData) String() string { return fmt.Sprintf("vrf table %d", d.Table) }
func (d *VrfData) equal(o LinkData) bool {
	x, ok := o.(*VrfData)
	return ok && *x == *d
}
func (d *VrfData) encode(b *nl.Builder) {
	data := b.Nest(unix.IFLA_INFO_DATA)
	b.U32(unix.IFLA_VRF_TABLE, d.Table)
	b.End(data)
}

func parseVrf(data []byte) LinkData {
	d := &VrfData{}
	for it := nl.NewAttrs(data); it.Next(); {
		if it.Type() == unix.IFLA_VRF_TABLE {
			d.Table = u32p(it.Value())
		}
	}
	return d
}

func ne32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

// vethInfoPeer is VETH_INFO_PEER (include/uapi/linux/veth.h).
const vethInfoPeer = 1
