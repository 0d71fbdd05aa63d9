package l3cfg

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
)

// Family is an address family.
type Family uint8

const (
	IPv4 Family = 4
	IPv6 Family = 6
)

func (f Family) String() string {
	switch f {
	case IPv4:
		return "IPv4"
	case IPv6:
		return "IPv6"
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// Families lists both families, IPv4 first (the order NetworkManager
// commits them in).
var Families = [2]Family{IPv4, IPv6}

func familyOfAddr(a netip.Addr) Family {
	if a.Is4() {
		return IPv4
	}
	return IPv6
}

func (f Family) addrType() platform.ObjectType {
	if f == IPv4 {
		return platform.TypeIP4Address
	}
	return platform.TypeIP6Address
}

func (f Family) routeType() platform.ObjectType {
	if f == IPv4 {
		return platform.TypeIP4Route
	}
	return platform.TypeIP6Route
}

func (f Family) ruleType() platform.ObjectType {
	if f == IPv4 {
		return platform.TypeIP4Rule
	}
	return platform.TypeIP6Rule
}

// Ternary is an optional boolean: unset (the zero value), false or true.
type Ternary int8

const (
	Default Ternary = iota
	False
	True
)

// RouteTableSync says which routes of an interface a reapply prunes:
// NetworkManager's NMIPRouteTableSyncMode. NetworkManager 1.42 always syncs
// the main table (its device code leaves the mode at NONE, which commit
// treats as MAIN); the other modes are kept for profiles that ask.
type RouteTableSync uint8

const (
	RouteTableSyncNone RouteTableSync = iota
	RouteTableSyncMain
	RouteTableSyncFull
	RouteTableSyncAll
)

// Address is an address to configure on the interface.
type Address struct {
	// Prefix is the local address and its prefix length.
	Prefix netip.Prefix
	// Peer is the other end of a point-to-point address; the zero Addr
	// for none.
	Peer netip.Addr
	// Label is the IPv4 address label (ip addr ... label).
	Label string
	// Flags are IFA_F_* flags to set (nodad, mngtmpaddr, noprefixroute
	// for IPv6 ...). Commit adds noprefixroute to every address except on
	// loopback: the prefix routes are NetworkManager's own routes, with the
	// contribution's metric and table.
	Flags uint32
	// ValidUntil and PreferredUntil are when the address expires and stops
	// being preferred; the zero Time means forever. An expired address is
	// not configured.
	ValidUntil, PreferredUntil time.Time
}

func (a *Address) family() Family { return familyOfAddr(a.Prefix.Addr()) }

// key is the address's identity, the kernel's: IPv6 addresses are one per
// address; IPv4 ones per address, prefix length and peer network.
func (a *Address) key() addrKey {
	k := addrKey{addr: a.Prefix.Addr()}
	if k.addr.Is4() {
		k.plen = uint8(a.Prefix.Bits())
		if a.Peer.IsValid() && a.Peer != k.addr {
			if p, err := a.Peer.Prefix(a.Prefix.Bits()); err == nil {
				k.peerNet = p.Addr()
			}
		} else if p, err := k.addr.Prefix(a.Prefix.Bits()); err == nil {
			k.peerNet = p.Addr()
		}
	}
	return k
}

type addrKey struct {
	addr    netip.Addr
	plen    uint8
	peerNet netip.Addr
}

func platformAddrKey(a *platform.Address) addrKey {
	k := addrKey{addr: a.Address}
	if k.addr.Is4() {
		k.plen = a.PrefixLen
		peer := a.Peer
		if !peer.IsValid() {
			peer = a.Address
		}
		if p, err := peer.Prefix(int(a.PrefixLen)); err == nil {
			k.peerNet = p.Addr()
		}
	}
	return k
}

func (a Address) String() string {
	var b strings.Builder
	b.WriteString(a.Prefix.String())
	if a.Peer.IsValid() && a.Peer != a.Prefix.Addr() {
		fmt.Fprintf(&b, " peer %s", a.Peer)
	}
	if a.Label != "" {
		fmt.Fprintf(&b, " label %s", a.Label)
	}
	if !a.ValidUntil.IsZero() {
		fmt.Fprintf(&b, " valid-until %s", a.ValidUntil.Format(time.RFC3339))
	}
	if a.Flags&unix.IFA_F_NODAD != 0 {
		b.WriteString(" nodad")
	}
	if a.Flags&unix.IFA_F_MANAGETEMPADDR != 0 {
		b.WriteString(" mngtmpaddr")
	}
	if a.Flags&unix.IFA_F_NOPREFIXROUTE != 0 {
		b.WriteString(" noprefixroute")
	}
	return b.String()
}

// Route is a route to configure. Index is set by the L3Cfg (a route always
// goes through its interface), except for routes of types without a device
// (blackhole, unreachable, prohibit, throw), which NetworkManager installs
// without one.
type Route struct {
	platform.Route
	// MetricAny: Metric is an offset added to the contribution's default
	// metric (ConfigOptions.RouteMetric4/6): profile routes without a
	// metric, the gateway's default route, DHCP routes.
	MetricAny bool
	// TableAny: the route goes to the contribution's default table
	// (ConfigOptions.RouteTable4/6, from ipv4.route-table) instead of Table.
	TableAny bool
}

// IsDefault reports a default route (0.0.0.0/0 or ::/0) of a type that
// carries traffic.
func (r *Route) IsDefault() bool { return r.Dst.Bits() == 0 }

func (r *Route) family() Family { return familyOfAddr(r.Dst.Addr()) }

func (r Route) String() string {
	s := r.Route.String()
	if r.MetricAny {
		s += " metric-any"
	}
	if r.TableAny {
		s += " table-any"
	}
	return s
}

// FamilyConfig is the per-family part of a Config.
type FamilyConfig struct {
	// Addresses, most important first (the first IPv4 address of a subnet
	// becomes its primary address).
	Addresses []Address
	Routes    []Route
	// Rules are routing rules (ip rule); they belong to the namespace, not
	// to the interface, and are shared by every L3Cfg that wants them.
	Rules []platform.Rule

	// DNS: nameservers as the profile has them (an address, optionally
	// with "#server-name"), DHCP domain names, search domains, resolver
	// options.
	Nameservers []string
	Domains     []string
	Searches    []string
	DNSOptions  []string
	// DNSPriority is ipv4/ipv6.dns-priority; it only counts when
	// HasDNSPriority is set. Zero means the contribution's default
	// (ConfigOptions.DNSPriority4/6).
	DNSPriority    int32
	HasDNSPriority bool

	// NeverDefault is the profile's never-default (the policy layer reads
	// it from the merged config; the static config simply has no default
	// route then).
	NeverDefault   Ternary
	RouteTableSync RouteTableSync
}

// Config is one contribution to an interface's IP configuration: what a
// profile, a lease, a router advertisement ... asks for. It is a value:
// once handed to AddConfig it must not be modified (build a new one to
// change anything).
type Config struct {
	// Source names the contributor in logs ("static", "dhcp4", "ndisc" ...).
	Source     string
	IPv4, IPv6 FamilyConfig
	// WINS servers (DHCPv4 option 44), shown on IP4Config.
	WINS []netip.Addr
	// MTU is the interface MTU the contributor wants (0: none); IP6MTU the
	// IPv6 MTU (from router advertisements).
	MTU, IP6MTU uint32
	// IP6Privacy is ipv6.ip6-privacy as resolved by the device (unset:
	// leave the interface's use_tempaddr alone).
	IP6Privacy IP6Privacy
	// NDiscReachableTime and NDiscRetransTimer are the router
	// advertisement's neighbour timers in milliseconds (0: none), set on
	// the interface's neighbour table.
	NDiscReachableTime, NDiscRetransTimer uint32
	// IgnoreNoDefaultRoutes makes the contribution's default routes
	// survive MergeNoDefaultRoutes (NetworkManager's
	// IGNORE_MERGE_NO_DEFAULT_ROUTES, used by VPNs).
	IgnoreNoDefaultRoutes bool
}

// IP6Privacy is the use of IPv6 temporary addresses (RFC 4941): the
// interface's use_tempaddr.
type IP6Privacy int8

const (
	IP6PrivacyUnset        IP6Privacy = iota
	IP6PrivacyDisabled                // use_tempaddr 0
	IP6PrivacyPreferPublic            // 1
	IP6PrivacyPreferTemp              // 2
)

// IP6PrivacyFromSetting converts ipv6.ip6-privacy (-1 unknown, 0, 1, 2).
func IP6PrivacyFromSetting(v int32) IP6Privacy {
	if v < 0 || v > 2 {
		return IP6PrivacyUnset
	}
	return IP6Privacy(v + 1)
}

// Family returns the per-family part.
func (c *Config) Family(f Family) *FamilyConfig {
	if f == IPv4 {
		return &c.IPv4
	}
	return &c.IPv6
}

// Empty reports a config that asks for nothing.
func (c *Config) Empty() bool {
	return c == nil || c.Equal(&Config{Source: c.Source})
}

// Clone returns a deep copy.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	n := *c
	for _, f := range Families {
		fc := n.Family(f)
		fc.Addresses = slices.Clone(fc.Addresses)
		fc.Routes = slices.Clone(fc.Routes)
		for i := range fc.Routes {
			fc.Routes[i].Nexthops = slices.Clone(fc.Routes[i].Nexthops)
		}
		fc.Rules = cloneRules(fc.Rules)
		fc.Nameservers = slices.Clone(fc.Nameservers)
		fc.Domains = slices.Clone(fc.Domains)
		fc.Searches = slices.Clone(fc.Searches)
		fc.DNSOptions = slices.Clone(fc.DNSOptions)
	}
	n.WINS = slices.Clone(n.WINS)
	return &n
}

func cloneRules(rs []platform.Rule) []platform.Rule {
	out := slices.Clone(rs)
	for i := range out {
		if r := out[i].UIDRange; r != nil {
			v := *r
			out[i].UIDRange = &v
		}
		if r := out[i].SPortRange; r != nil {
			v := *r
			out[i].SPortRange = &v
		}
		if r := out[i].DPortRange; r != nil {
			v := *r
			out[i].DPortRange = &v
		}
	}
	return out
}

// Equal compares two configs field by field (Source included).
func (c *Config) Equal(o *Config) bool {
	if c == nil || o == nil {
		return c == o
	}
	if c.Source != o.Source || c.MTU != o.MTU || c.IP6MTU != o.IP6MTU || c.IP6Privacy != o.IP6Privacy ||
		c.NDiscReachableTime != o.NDiscReachableTime || c.NDiscRetransTimer != o.NDiscRetransTimer ||
		c.IgnoreNoDefaultRoutes != o.IgnoreNoDefaultRoutes || !slices.Equal(c.WINS, o.WINS) {
		return false
	}
	for _, f := range Families {
		if !c.Family(f).equal(o.Family(f)) {
			return false
		}
	}
	return true
}

func (a *FamilyConfig) equal(b *FamilyConfig) bool {
	return slices.Equal(a.Addresses, b.Addresses) &&
		slices.EqualFunc(a.Routes, b.Routes, func(x, y Route) bool {
			return x.MetricAny == y.MetricAny && x.TableAny == y.TableAny && x.Route.Equal(&y.Route)
		}) &&
		slices.EqualFunc(a.Rules, b.Rules, func(x, y platform.Rule) bool { return x.Equal(&y) }) &&
		slices.Equal(a.Nameservers, b.Nameservers) && slices.Equal(a.Domains, b.Domains) &&
		slices.Equal(a.Searches, b.Searches) && slices.Equal(a.DNSOptions, b.DNSOptions) &&
		a.DNSPriority == b.DNSPriority && a.HasDNSPriority == b.HasDNSPriority &&
		a.NeverDefault == b.NeverDefault && a.RouteTableSync == b.RouteTableSync
}

// String renders the config for logs and tests, one item per line.
func (c *Config) String() string {
	if c == nil {
		return "(none)"
	}
	var b strings.Builder
	for _, f := range Families {
		fc := c.Family(f)
		v := "ipv4"
		if f == IPv6 {
			v = "ipv6"
		}
		for _, a := range fc.Addresses {
			fmt.Fprintf(&b, "%s address %s\n", v, a)
		}
		for _, r := range fc.Routes {
			fmt.Fprintf(&b, "%s route %s\n", v, r)
		}
		for _, r := range fc.Rules {
			fmt.Fprintf(&b, "%s rule %s\n", v, r.String())
		}
		for _, n := range fc.Nameservers {
			fmt.Fprintf(&b, "%s nameserver %s\n", v, n)
		}
		for _, d := range fc.Domains {
			fmt.Fprintf(&b, "%s domain %s\n", v, d)
		}
		for _, d := range fc.Searches {
			fmt.Fprintf(&b, "%s search %s\n", v, d)
		}
		for _, d := range fc.DNSOptions {
			fmt.Fprintf(&b, "%s dns-option %s\n", v, d)
		}
		if fc.HasDNSPriority {
			fmt.Fprintf(&b, "%s dns-priority %d\n", v, fc.DNSPriority)
		}
		if fc.NeverDefault != Default {
			fmt.Fprintf(&b, "%s never-default %v\n", v, fc.NeverDefault == True)
		}
	}
	for _, w := range c.WINS {
		fmt.Fprintf(&b, "wins %s\n", w)
	}
	if c.MTU != 0 {
		fmt.Fprintf(&b, "mtu %d\n", c.MTU)
	}
	if c.IP6MTU != 0 {
		fmt.Fprintf(&b, "ip6-mtu %d\n", c.IP6MTU)
	}
	if c.IP6Privacy != IP6PrivacyUnset {
		fmt.Fprintf(&b, "ip6-privacy %d\n", c.IP6Privacy-1)
	}
	if c.NDiscReachableTime != 0 || c.NDiscRetransTimer != 0 {
		fmt.Fprintf(&b, "ndisc reachable %d ms retrans %d ms\n", c.NDiscReachableTime, c.NDiscRetransTimer)
	}
	return b.String()
}

// DefaultRoute returns the default route through gateway gw that a
// profile's ipv4.gateway / ipv6.gateway stands for: in the contribution's
// table, with its metric (NetworkManager marks it table-any and metric-any).
func DefaultRoute(gw netip.Addr) Route {
	dst := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	if gw.Is6() {
		dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return Route{
		Route: platform.Route{Dst: dst, Gateway: gw, Protocol: unix.RTPROT_STATIC,
			Type: unix.RTN_UNICAST, Table: platform.TableMain},
		MetricAny: true, TableAny: true,
	}
}
