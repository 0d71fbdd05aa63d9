package platform

import (
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// LinkType is NetworkManager's classification of a link (NMLinkType),
// derived from the kernel's link kind, ARP hardware type and driver. The
// names are NetworkManager's.
type LinkType uint8

const (
	LinkNone LinkType = iota
	LinkUnknown
	LinkEthernet
	LinkInfiniband
	LinkOLPCMesh
	LinkWiFi
	LinkWWANNet
	LinkWiMAX
	LinkWPAN
	Link6LoWPAN
	LinkBNEP
	LinkDummy
	LinkGRE
	LinkGRETAP
	LinkIFB
	LinkIP6TNL
	LinkIP6GRE
	LinkIP6GRETAP
	LinkIPIP
	LinkLoopback
	LinkMACsec
	LinkMACVLAN
	LinkMACVTAP
	LinkOpenVSwitch
	LinkPPP
	LinkSIT
	LinkTUN
	LinkVeth
	LinkVLAN
	LinkVRF
	LinkVTI
	LinkVTI6
	LinkVXLAN
	LinkWireGuard
	LinkBridge
	LinkBond
	LinkTeam
	numLinkTypes
)

var linkTypeNames = [numLinkTypes]string{
	LinkNone: "none", LinkUnknown: "unknown", LinkEthernet: "ethernet",
	LinkInfiniband: "infiniband", LinkOLPCMesh: "olpc-mesh", LinkWiFi: "wifi",
	LinkWWANNet: "wwan", LinkWiMAX: "wimax", LinkWPAN: "wpan", Link6LoWPAN: "6lowpan",
	LinkBNEP: "bluetooth", LinkDummy: "dummy", LinkGRE: "gre", LinkGRETAP: "gretap",
	LinkIFB: "ifb", LinkIP6TNL: "ip6tnl", LinkIP6GRE: "ip6gre", LinkIP6GRETAP: "ip6gretap",
	LinkIPIP: "ipip", LinkLoopback: "loopback", LinkMACsec: "macsec", LinkMACVLAN: "macvlan",
	LinkMACVTAP: "macvtap", LinkOpenVSwitch: "openvswitch", LinkPPP: "ppp", LinkSIT: "sit",
	LinkTUN: "tun", LinkVeth: "veth", LinkVLAN: "vlan", LinkVRF: "vrf", LinkVTI: "vti",
	LinkVTI6: "vti6", LinkVXLAN: "vxlan", LinkWireGuard: "wireguard", LinkBridge: "bridge",
	LinkBond: "bond", LinkTeam: "team",
}

func (t LinkType) String() string {
	if t < numLinkTypes {
		return linkTypeNames[t]
	}
	return fmt.Sprintf("LinkType(%d)", t)
}

// IsSoftware reports whether links of this type are created by software
// (as NetworkManager's nm_link_type_is_software).
func (t LinkType) IsSoftware() bool { return t >= LinkBNEP && t <= LinkTeam }

// SupportsPorts reports whether links of this type take ports (bridge,
// bond, team).
func (t LinkType) SupportsPorts() bool { return t >= LinkBridge && t <= LinkTeam }

// HWAddr is a link-layer address of up to 32 bytes (infiniband uses 20),
// kept inline so links need no extra allocation for it.
type HWAddr struct {
	b [32]byte
	n uint8
}

// MakeHWAddr copies b (truncated to 32 bytes).
func MakeHWAddr(b []byte) HWAddr {
	var h HWAddr
	h.n = uint8(copy(h.b[:], b))
	return h
}

// ParseHWAddr parses "aa:bb:cc:dd:ee:ff" (any length, ':' or '-').
func ParseHWAddr(s string) (HWAddr, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '-' })
	if len(parts) == 0 || len(parts) > 32 {
		return HWAddr{}, fmt.Errorf("invalid hardware address %q", s)
	}
	var h HWAddr
	for i, p := range parts {
		if len(p) != 2 {
			return HWAddr{}, fmt.Errorf("invalid hardware address %q", s)
		}
		v, err := hex.DecodeString(p)
		if err != nil {
			return HWAddr{}, fmt.Errorf("invalid hardware address %q", s)
		}
		h.b[i] = v[0]
	}
	h.n = uint8(len(parts))
	return h, nil
}

// Bytes returns a copy of the address bytes.
func (h HWAddr) Bytes() []byte { return append([]byte(nil), h.b[:h.n]...) }

// Len is the address length in bytes.
func (h HWAddr) Len() int { return int(h.n) }

// IsZero reports an empty address.
func (h HWAddr) IsZero() bool { return h.n == 0 }

// String formats the address as NetworkManager shows it: upper-case hex
// bytes separated by colons.
func (h HWAddr) String() string {
	if h.n == 0 {
		return ""
	}
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, int(h.n)*3)
	for i := 0; i < int(h.n); i++ {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[h.b[i]>>4], digits[h.b[i]&0xf])
	}
	return string(out)
}

// Link is a network interface as the cache holds it. Values are
// immutable snapshots; the cache replaces them on change.
type Link struct {
	Index int32
	Name  string
	Type  LinkType
	// Kind is the kernel's IFLA_INFO_KIND ("veth", "bridge", ...), empty
	// for plain hardware and loopback.
	Kind string
	// PortKind is IFLA_INFO_SLAVE_KIND: the kind of the controller this
	// link is a port of ("bridge", "bond").
	PortKind string
	// Driver is the driver name ethtool reports ("veth", "bridge",
	// "e1000e"); empty where ethtool has none.
	Driver      string
	Flags       uint32 // IFF_*
	ARPType     uint16
	MTU         uint32
	MinMTU      uint32
	MaxMTU      uint32
	Master      int32 // controller ifindex, 0 for none
	Parent      int32 // IFLA_LINK: lower device (or veth peer), 0 for none
	LinkNetNSID int32 // namespace id of Parent's namespace, -1 if the same
	Addr        HWAddr
	Broadcast   HWAddr
	PermAddr    HWAddr
	OperState   uint8
	TxQueueLen  uint32
	// AddrGenMode is the IPv6 address generation mode
	// (IN6_ADDR_GEN_MODE_*), valid when HasAddrGenMode.
	AddrGenMode    uint8
	HasAddrGenMode bool
	// Data holds kind-specific settings (*BridgeData, *VlanData, ...),
	// nil for kinds without any.
	Data LinkData
}

// Up reports IFF_UP: the link is administratively up.
func (l *Link) Up() bool { return l.Flags&unix.IFF_UP != 0 }

// Carrier reports IFF_LOWER_UP: the link has carrier.
func (l *Link) Carrier() bool { return l.Flags&unix.IFF_LOWER_UP != 0 }

// Equal reports whether two snapshots hold the same values.
func (l *Link) Equal(o *Link) bool {
	if l.Index != o.Index || l.Name != o.Name || l.Type != o.Type || l.Kind != o.Kind ||
		l.PortKind != o.PortKind || l.Driver != o.Driver || l.Flags != o.Flags ||
		l.ARPType != o.ARPType || l.MTU != o.MTU || l.MinMTU != o.MinMTU || l.MaxMTU != o.MaxMTU ||
		l.Master != o.Master || l.Parent != o.Parent || l.LinkNetNSID != o.LinkNetNSID ||
		l.Addr != o.Addr || l.Broadcast != o.Broadcast || l.PermAddr != o.PermAddr ||
		l.OperState != o.OperState || l.TxQueueLen != o.TxQueueLen ||
		l.AddrGenMode != o.AddrGenMode || l.HasAddrGenMode != o.HasAddrGenMode {
		return false
	}
	if (l.Data == nil) != (o.Data == nil) {
		return false
	}
	return l.Data == nil || l.Data.equal(o.Data)
}

func (l *Link) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d: %s", l.Index, l.Name)
	if l.Master > 0 {
		fmt.Fprintf(&b, " master %d", l.Master)
	}
	if l.Parent > 0 {
		fmt.Fprintf(&b, "@%d", l.Parent)
	}
	fmt.Fprintf(&b, " <%s> mtu %d %s", flagString(l.Flags), l.MTU, l.Type)
	if l.Kind != "" && l.Kind != l.Type.String() {
		fmt.Fprintf(&b, " kind %s", l.Kind)
	}
	if l.Driver != "" {
		fmt.Fprintf(&b, " driver %s", l.Driver)
	}
	if !l.Addr.IsZero() {
		fmt.Fprintf(&b, " addr %s", l.Addr)
	}
	if l.Data != nil {
		fmt.Fprintf(&b, " %s", l.Data)
	}
	return b.String()
}

var ifFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_UP, "UP"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_LOOPBACK, "LOOPBACK"},
	{unix.IFF_POINTOPOINT, "POINTOPOINT"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_PROMISC, "PROMISC"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"},
}

func flagString(f uint32) string {
	var s []string
	for _, n := range ifFlagNames {
		if f&n.bit != 0 {
			s = append(s, n.name)
		}
	}
	return strings.Join(s, ",")
}

// LinkStats are a link's traffic counters (IFLA_STATS64), as
// Device.Statistics shows them.
type LinkStats struct {
	RxPackets, TxPackets uint64
	RxBytes, TxBytes     uint64
}
