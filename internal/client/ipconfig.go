package client

import (
	"encoding/binary"
	"net/netip"
	"sort"

	"github.com/godbus/dbus/v5"
)

// IPConfig is an IPv4 or IPv6 configuration (IP4Config, IP6Config).
type IPConfig struct{ *Object }

func (o *Object) ipConfig() *IPConfig { return viewOf[IPConfig](o, kindIP4Config, kindIP6Config) }

// IsIPv6 reports whether this is an IP6Config.
func (ip *IPConfig) IsIPv6() bool { return ip.kind == kindIP6Config }

func (ip *IPConfig) iface() string {
	if ip.IsIPv6() {
		return ifaceIP6Config
	}
	return ifaceIP4Config
}

// IPAddress is one address with its prefix length.
type IPAddress struct {
	Address string
	Prefix  uint32
}

// IPRoute is one route; Metric is -1 when the daemon gave none, NextHop
// "" when there is no gateway. Attributes hold every other key (table...).
type IPRoute struct {
	Dest       string
	Prefix     uint32
	NextHop    string
	Metric     int64
	Attributes map[string]dbus.Variant
}

// AttributeNames are the route's attribute names, sorted.
func (r IPRoute) AttributeNames() []string {
	names := make([]string, 0, len(r.Attributes))
	for k := range r.Attributes {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func canonicalAddr(s string, v6 bool) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Is6() != v6 || a.Zone() != "" {
		return "", false
	}
	return a.String(), true
}

// Addresses are the configuration's addresses (AddressData).
func (ip *IPConfig) Addresses() []IPAddress {
	v6 := ip.IsIPv6()
	var out []IPAddress
	for _, m := range ip.dicts(ip.iface(), "AddressData") {
		as, _ := m["address"].Value().(string)
		p, ok := m["prefix"].Value().(uint32)
		addr, valid := canonicalAddr(as, v6)
		maxLen := uint32(32)
		if v6 {
			maxLen = 128
		}
		if !ok || !valid || p > maxLen {
			continue
		}
		out = append(out, IPAddress{Address: addr, Prefix: p})
	}
	return out
}

// Routes are the configuration's routes (RouteData).
func (ip *IPConfig) Routes() []IPRoute {
	v6 := ip.IsIPv6()
	var out []IPRoute
	for _, m := range ip.dicts(ip.iface(), "RouteData") {
		ds, _ := m["dest"].Value().(string)
		p, ok := m["prefix"].Value().(uint32)
		dest, valid := canonicalAddr(ds, v6)
		if !ok || !valid {
			continue
		}
		r := IPRoute{Dest: dest, Prefix: p, Metric: -1}
		if nh, ok := m["next-hop"].Value().(string); ok {
			addr, valid := canonicalAddr(nh, v6)
			if !valid {
				continue
			}
			if a := netip.MustParseAddr(addr); !a.IsUnspecified() {
				r.NextHop = addr
			}
		}
		if mt, ok := m["metric"].Value().(uint32); ok {
			r.Metric = int64(mt)
		}
		for k, v := range m {
			switch k {
			case "dest", "prefix", "next-hop", "metric":
				continue
			}
			if r.Attributes == nil {
				r.Attributes = map[string]dbus.Variant{}
			}
			r.Attributes[k] = v
		}
		out = append(out, r)
	}
	return out
}

// Gateway is the default gateway ("" when none).
func (ip *IPConfig) Gateway() string { return ip.str(ip.iface(), "Gateway") }

// Nameservers are the DNS servers.
func (ip *IPConfig) Nameservers() []string {
	if ip.IsIPv6() {
		var out []string
		v, _ := ip.Prop(ifaceIP6Config, "Nameservers")
		raw, _ := v.Value().([][]byte)
		for _, b := range raw {
			if len(b) == 16 {
				out = append(out, netip.AddrFrom16([16]byte(b)).String())
			}
		}
		return out
	}
	if _, ok := ip.Prop(ifaceIP4Config, "NameserverData"); ok {
		var out []string
		for _, m := range ip.dicts(ifaceIP4Config, "NameserverData") {
			s, _ := m["address"].Value().(string)
			if a, ok := canonicalAddr(s, false); ok {
				out = append(out, a)
			}
		}
		return out
	}
	return ip4List(ip.Prop(ifaceIP4Config, "Nameservers"))
}

func ip4List(v dbus.Variant, ok bool) []string {
	raw, _ := v.Value().([]uint32)
	var out []string
	for _, u := range raw {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], u)
		out = append(out, netip.AddrFrom4(b).String())
	}
	return out
}

// Domains and Searches are the DNS domains and search list.
func (ip *IPConfig) Domains() []string  { return ip.strv(ip.iface(), "Domains") }
func (ip *IPConfig) Searches() []string { return ip.strv(ip.iface(), "Searches") }

// WinsServers are the IPv4 configuration's WINS servers.
func (ip *IPConfig) WinsServers() []string {
	if _, ok := ip.Prop(ifaceIP4Config, "WinsServerData"); ok {
		return ip.strv(ifaceIP4Config, "WinsServerData")
	}
	return ip4List(ip.Prop(ifaceIP4Config, "WinsServers"))
}

// DHCPConfig holds the options of a DHCP lease.
type DHCPConfig struct{ *Object }

func (o *Object) dhcpConfig() *DHCPConfig {
	return viewOf[DHCPConfig](o, kindDHCP4Config, kindDHCP6Config)
}

// Options are the lease's options as strings, as libnm exposes them.
func (d *DHCPConfig) Options() map[string]string {
	iface := ifaceDHCP4Config
	if d.kind == kindDHCP6Config {
		iface = ifaceDHCP6Config
	}
	v, _ := d.Prop(iface, "Options")
	m, _ := v.Value().(map[string]dbus.Variant)
	out := make(map[string]string, len(m))
	for k, val := range m {
		if s, ok := val.Value().(string); ok {
			out[k] = s
		}
	}
	return out
}
