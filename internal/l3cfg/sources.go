package l3cfg

import (
	"net/netip"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/dhcp6"
	"github.com/gonm/gonm/internal/ndisc"
	"github.com/gonm/gonm/internal/platform"
)

// The contributions of the automatic-addressing engines, as NetworkManager
// builds them from a lease or router advertisement. Routes are table-any
// and metric-any (the profile's table and metric apply when the device
// adds the config, with MergeNoRoutes, MergeNoDefaultRoutes and
// MergeNoDNS standing for ignore-auto-routes, never-default and
// ignore-auto-dns).

// FromDHCP4 is the contribution of a DHCPv4 lease: the address with the
// lease's lifetime, the routes (classless routes, then the routers as
// default routes; their metric offsets keep the server's order) through
// the leased address as preferred source, DNS servers, domain names
// (option 15), search domains (option 119), WINS servers and the MTU.
func FromDHCP4(l *dhcp4.Lease) *Config {
	c := &Config{Source: "dhcp4"}
	addr := Address{Prefix: l.Address}
	if exp := l.Expiry(); !exp.IsZero() {
		addr.ValidUntil, addr.PreferredUntil = exp, exp
	}
	c.IPv4.Addresses = []Address{addr}
	for _, r := range l.Routes {
		pr := platform.Route{Dst: r.Dest.Masked(), Gateway: r.Gateway, Metric: r.Metric, PrefSrc: r.PrefSrc,
			Protocol: unix.RTPROT_DHCP, Type: unix.RTN_UNICAST}
		if pr.Gateway.IsUnspecified() {
			pr.Gateway = netip.Addr{}
		}
		c.IPv4.Routes = append(c.IPv4.Routes, Route{Route: pr, MetricAny: true, TableAny: true})
	}
	for _, d := range l.DNS {
		c.IPv4.Nameservers = append(c.IPv4.Nameservers, d.String())
	}
	c.IPv4.Domains = append(c.IPv4.Domains, l.Domains...)
	c.IPv4.Searches = append(c.IPv4.Searches, l.Search...)
	c.WINS = append(c.WINS, l.WINS...)
	c.MTU = uint32(l.MTU)
	return c
}

// FromDHCP6 is the contribution of a DHCPv6 lease: its addresses as /128
// with their lifetimes from the lease's acquisition, DNS servers and search
// domains. Delegated prefixes are for downstream interfaces and not
// configured here.
func FromDHCP6(l *dhcp6.Lease) *Config {
	c := &Config{Source: "dhcp6"}
	for _, a := range l.Addresses {
		ad := Address{Prefix: netip.PrefixFrom(a.Addr, 128)}
		ad.ValidUntil = l.Acquired.Add(a.Valid)
		ad.PreferredUntil = l.Acquired.Add(min(a.Preferred, a.Valid))
		c.IPv6.Addresses = append(c.IPv6.Addresses, ad)
	}
	for _, d := range l.DNS {
		c.IPv6.Nameservers = append(c.IPv6.Nameservers, d.String())
	}
	c.IPv6.Searches = append(c.IPv6.Searches, l.Domains...)
	return c
}

// FromNDisc is the contribution of router advertisements
// (nm_ndisc_data_to_l3cd): SLAAC addresses as /64 with noprefixroute (and
// mngtmpaddr when temporary addresses are wanted, ipv6.ip6-privacy 1 or
// 2), the on-link prefixes and route-information routes, a default route
// per router with its preference, RDNSS servers and DNSSL domains, and the
// IPv6 MTU.
func FromNDisc(d *ndisc.Data, tempAddrs bool) *Config {
	c := &Config{Source: "ndisc"}
	flags := uint32(unix.IFA_F_NOPREFIXROUTE)
	if tempAddrs {
		flags |= unix.IFA_F_MANAGETEMPADDR
	}
	for _, a := range d.Addresses {
		ad := Address{Prefix: netip.PrefixFrom(a.Addr, 64), Flags: flags, ValidUntil: a.Expiry, PreferredUntil: a.PreferredExpiry}
		if !a.Expiry.IsZero() && (a.PreferredExpiry.IsZero() || a.PreferredExpiry.After(a.Expiry)) {
			ad.PreferredUntil = a.Expiry
		}
		if a.Deprecated {
			ad.PreferredUntil = time.Unix(0, 0)
		}
		c.IPv6.Addresses = append(c.IPv6.Addresses, ad)
	}
	for _, r := range d.Routes {
		pr := platform.Route{Dst: r.Prefix.Masked(), Protocol: unix.RTPROT_RA, Type: unix.RTN_UNICAST, Pref: uint8(r.Preference)}
		if !r.OnLink && r.Gateway.IsValid() {
			pr.Gateway = r.Gateway
		}
		c.IPv6.Routes = append(c.IPv6.Routes, Route{Route: pr, MetricAny: true, TableAny: true})
	}
	for _, g := range d.Gateways {
		r := DefaultRoute(g.Addr)
		r.Protocol, r.Pref = unix.RTPROT_RA, uint8(g.Preference)
		c.IPv6.Routes = append(c.IPv6.Routes, r)
	}
	for _, s := range d.DNSServers {
		c.IPv6.Nameservers = append(c.IPv6.Nameservers, s.Addr.String())
	}
	for _, s := range d.DNSDomains {
		c.IPv6.Searches = append(c.IPv6.Searches, s.Domain)
	}
	c.IP6MTU = d.MTU
	c.NDiscReachableTime, c.NDiscRetransTimer = d.ReachableTime, d.RetransTimer
	return c
}

// FromIPv4LL is the contribution of an IPv4 link-local address (the
// ipv4ll engine probed it already: add it without ACD), with the
// multicast route NetworkManager adds along with it (224.0.0.0/4 on the
// link, the profile's table and metric, protocol static).
func FromIPv4LL(addr netip.Addr) *Config {
	mc := platform.Route{Dst: netip.MustParsePrefix("224.0.0.0/4"), Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST}
	return &Config{Source: "ipv4ll", IPv4: FamilyConfig{Addresses: []Address{{Prefix: netip.PrefixFrom(addr, 16)}},
		Routes: []Route{{Route: mc, MetricAny: true, TableAny: true}}}}
}

// FromInterface is what is on the interface now (NetworkManager's
// nm_l3_config_data_new_from_platform), for taking over an interface
// configured outside: its addresses (primary IPv4 ones first, IPv6 without
// temporary addresses) and its unicast routes of every table but local,
// as they are (their metrics and tables fixed).
func FromInterface(p Platform, ifindex int32) *Config {
	c := &Config{Source: "external"}
	now := time.Now()
	nowCS := monoCentis()
	for _, f := range Families {
		fc := c.Family(f)
		var secondary []Address
		for _, a := range p.Addresses(f.addrType(), ifindex) {
			if f == IPv6 && a.Flags&unix.IFA_F_SECONDARY != 0 {
				continue // a temporary (privacy) address: the kernel makes those
			}
			ad := Address{Prefix: netip.PrefixFrom(a.Address, int(a.PrefixLen)), Label: aliasLabel(a.Label),
				Flags: a.Flags & addrFlagsSet}
			if a.Peer.IsValid() && a.Peer != a.Address && !a.Peer.IsUnspecified() {
				ad.Peer = a.Peer
			}
			if v := cachedRemaining(a.Valid, a.Updated, nowCS); v != platform.LifetimeInfinite {
				ad.ValidUntil = now.Add(time.Duration(v) * time.Second)
			}
			if pr := cachedRemaining(a.Preferred, a.Updated, nowCS); pr != platform.LifetimeInfinite {
				ad.PreferredUntil = now.Add(time.Duration(pr) * time.Second)
			}
			if f == IPv4 && a.Flags&unix.IFA_F_SECONDARY != 0 {
				secondary = append(secondary, ad)
				continue
			}
			fc.Addresses = append(fc.Addresses, ad)
		}
		fc.Addresses = append(fc.Addresses, secondary...)
		p.Routes(f.routeType(), ifindex, func(r *platform.Route) bool {
			if r.Table == platform.TableLocal || r.Type != unix.RTN_UNICAST {
				return true
			}
			cr := *r
			cr.Nexthops = append([]platform.Nexthop(nil), r.Nexthops...)
			fc.Routes = append(fc.Routes, Route{Route: cr})
			return true
		})
	}
	return c
}
