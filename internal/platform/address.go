package platform

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"
)

// Lifetime value meaning "forever" (INFINITY_LIFE_TIME).
const LifetimeInfinite = ^uint32(0)

// Address is an IPv4 or IPv6 address on a link. As in NetworkManager,
// Address is the local address (IFA_LOCAL when the kernel gives one) and
// Peer the other end of a point-to-point address (IFA_ADDRESS); for
// ordinary addresses Peer equals Address (IPv4) or is invalid (IPv6).
type Address struct {
	Index     int32
	Address   netip.Addr
	PrefixLen uint8
	Peer      netip.Addr
	Broadcast netip.Addr // IPv4 only
	Label     string     // IPv4 only
	Flags     uint32     // IFA_F_*: noprefixroute, nodad, tentative, dadfailed, deprecated ...
	Scope     uint8
	Proto     uint8 // IFA_PROTO, who added it (kernel 5.18+)
	// RoutePriority is the metric of the prefix route (IFA_RT_PRIORITY).
	RoutePriority uint32
	// Valid and Preferred are the lifetimes in seconds counted from
	// Updated (LifetimeInfinite for none).
	Valid, Preferred uint32
	// Updated is when the kernel last set the address (its cacheinfo
	// tstamp), in hundredths of a second since boot.
	Updated uint32
}

// Is4 reports an IPv4 address.
func (a *Address) Is4() bool { return a.Address.Is4() }

// Type is TypeIP4Address or TypeIP6Address.
func (a *Address) Type() ObjectType {
	if a.Is4() {
		return TypeIP4Address
	}
	return TypeIP6Address
}

// Prefix is the address with its prefix length.
func (a *Address) Prefix() netip.Prefix { return netip.PrefixFrom(a.Address, int(a.PrefixLen)) }

// Tentative reports an IPv6 address still doing duplicate address detection.
func (a *Address) Tentative() bool { return a.Flags&unix.IFA_F_TENTATIVE != 0 }

// DADFailed reports an IPv6 address whose duplicate address detection failed.
func (a *Address) DADFailed() bool { return a.Flags&unix.IFA_F_DADFAILED != 0 }

// addrKey is an address's identity, as the kernel defines it: IPv6
// addresses are one per (link, address); IPv4 addresses may repeat the
// local address on a link as long as the peer's network differs.
type addrKey struct {
	index   int32
	addr    netip.Addr
	plen    uint8
	peerNet netip.Addr
}

func (a *Address) key() addrKey {
	k := addrKey{index: a.Index, addr: a.Address}
	if a.Is4() {
		k.plen = a.PrefixLen
		if a.Peer.IsValid() {
			if p, err := a.Peer.Prefix(int(a.PrefixLen)); err == nil {
				k.peerNet = p.Addr()
			}
		}
	}
	return k
}

// SameID reports whether a and o are the same kernel object.
func (a *Address) SameID(o *Address) bool { return a.key() == o.key() }

// Equal reports whether two snapshots hold the same values. The kernel
// restamps Updated whenever it sets an address, so lifetimes (which are
// reconstructed from the remaining time the kernel reports) are allowed
// one second of rounding.
func (a *Address) Equal(o *Address) bool {
	return a.Index == o.Index && a.Address == o.Address && a.PrefixLen == o.PrefixLen &&
		a.Peer == o.Peer && a.Broadcast == o.Broadcast && a.Label == o.Label &&
		a.Flags == o.Flags && a.Scope == o.Scope && a.Proto == o.Proto &&
		a.RoutePriority == o.RoutePriority && a.Updated == o.Updated &&
		sameLifetime(a.Valid, o.Valid) && sameLifetime(a.Preferred, o.Preferred)
}

// sameLifetime compares lifetimes reconstructed from two looks at the
// kernel: each is the remaining time plus the whole seconds elapsed since
// Updated, so they may differ by the rounding of one second.
func sameLifetime(a, b uint32) bool {
	if a == LifetimeInfinite || b == LifetimeInfinite {
		return a == b
	}
	d := int64(a) - int64(b)
	return d >= -1 && d <= 1
}

var ifaFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFA_F_SECONDARY, "secondary"}, {unix.IFA_F_NODAD, "nodad"},
	{unix.IFA_F_OPTIMISTIC, "optimistic"}, {unix.IFA_F_DADFAILED, "dadfailed"},
	{unix.IFA_F_HOMEADDRESS, "home"}, {unix.IFA_F_DEPRECATED, "deprecated"},
	{unix.IFA_F_TENTATIVE, "tentative"}, {unix.IFA_F_PERMANENT, "permanent"},
	{unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"}, {unix.IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{unix.IFA_F_MCAUTOJOIN, "autojoin"}, {unix.IFA_F_STABLE_PRIVACY, "stable-privacy"},
}

func (a *Address) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%d", a.Address, a.PrefixLen)
	if a.Peer.IsValid() && a.Peer != a.Address {
		fmt.Fprintf(&b, " ptp %s", a.Peer)
	}
	fmt.Fprintf(&b, " dev %d", a.Index)
	if a.Broadcast.IsValid() {
		fmt.Fprintf(&b, " brd %s", a.Broadcast)
	}
	if a.Label != "" {
		fmt.Fprintf(&b, " label %s", a.Label)
	}
	if a.Valid != LifetimeInfinite {
		fmt.Fprintf(&b, " lft %d pref %d", a.Valid, a.Preferred)
	} else {
		b.WriteString(" lft forever")
	}
	for _, f := range ifaFlagNames {
		if a.Flags&f.bit != 0 {
			b.WriteString(" " + f.name)
		}
	}
	return b.String()
}
