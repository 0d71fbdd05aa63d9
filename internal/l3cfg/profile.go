package l3cfg

import (
	"net/netip"
	"strings"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// FromProfile returns the static part of a profile's IP configuration
// (NetworkManager's nm_l3_config_data_new_from_connection): for each of
// ipv4 and ipv6, the gateway as a default route (unless never-default),
// the addresses, the routes with their attributes, the routing rules, DNS
// servers, search domains and options, and the DNS priority. Routes
// without a metric take the contribution's metric, routes without a table
// its table (ConfigOptions); the prefix routes of the addresses are added
// at merge time. The profile should be normalized (setting's Normalize):
// the method does not matter here, the device decides what to add.
func FromProfile(conn *setting.Connection) *Config {
	c := &Config{Source: "static"}
	for _, f := range Families {
		name := "ipv4"
		if f == IPv6 {
			name = "ipv6"
		}
		s := conn.Setting(name)
		if s == nil {
			continue
		}
		fromIPSetting(c.Family(f), f, s)
		if f == IPv6 {
			c.IP6Privacy = IP6PrivacyFromSetting(s.Int32("ip6-privacy"))
		}
	}
	return c
}

func fromIPSetting(fc *FamilyConfig, f Family, s *setting.Setting) {
	neverDefault := s.Bool("never-default")
	fc.NeverDefault = False
	if neverDefault {
		fc.NeverDefault = True
	}
	if gw, err := netip.ParseAddr(s.Str("gateway")); err == nil && !neverDefault && !gw.IsUnspecified() &&
		familyOfAddr(gw) == f {
		fc.Routes = append(fc.Routes, DefaultRoute(gw))
	}
	for _, a := range s.Addresses() {
		if familyOfAddr(a.Addr) != f {
			continue
		}
		ad := Address{Prefix: netip.PrefixFrom(a.Addr, int(a.Prefix))}
		if f == IPv4 {
			if v, ok := a.Attrs["label"]; ok {
				if l, ok := v.Value().(string); ok {
					ad.Label = l
				}
			}
		}
		fc.Addresses = append(fc.Addresses, ad)
	}
	for _, r := range s.Routes() {
		if familyOfAddr(r.Dest) != f {
			continue
		}
		fc.Routes = append(fc.Routes, profileRoute(f, r))
	}
	for _, rr := range s.RoutingRules() {
		if rr.Validate() != nil {
			continue
		}
		fc.Rules = append(fc.Rules, profileRule(rr))
	}
	fc.Nameservers = append(fc.Nameservers, s.Strv("dns")...)
	fc.Searches = append(fc.Searches, s.Strv("dns-search")...)
	fc.DNSOptions = append(fc.DNSOptions, s.Strv("dns-options")...)
	fc.DNSPriority, fc.HasDNSPriority = s.Int32("dns-priority"), true
}

// profileRoute converts a profile route and its attributes
// (nm_utils_ip_route_attribute_to_platform).
func profileRoute(f Family, r setting.IPRoute) Route {
	out := Route{Route: platform.Route{
		Dst: netip.PrefixFrom(r.Dest, int(r.Prefix)).Masked(), Protocol: unix.RTPROT_STATIC,
		Type: unix.RTN_UNICAST,
	}}
	if r.NextHop.IsValid() && !r.NextHop.IsUnspecified() {
		out.Gateway = r.NextHop
	}
	if r.Metric < 0 {
		out.MetricAny = true
	} else {
		out.Metric = uint32(r.Metric)
		if f == IPv6 && out.Metric == 0 {
			out.Metric = DefaultRouteMetric6
		}
	}
	attr := func(name string) (dbus.Variant, bool) {
		v, ok := r.Attrs[name]
		return v, ok
	}
	u32 := func(name string) uint32 {
		if v, ok := attr(name); ok {
			if x, ok := v.Value().(uint32); ok {
				return x
			}
		}
		return 0
	}
	flag := func(name string) bool {
		if v, ok := attr(name); ok {
			if x, ok := v.Value().(bool); ok {
				return x
			}
		}
		return false
	}
	if v, ok := attr("type"); ok {
		if s, ok := v.Value().(string); ok {
			if t, ok := routeTypes[s]; ok {
				out.Type = t
			}
		}
	}
	switch table := u32("table"); {
	case table != 0:
		out.Table = table
	case out.Type == unix.RTN_LOCAL:
		out.Table = platform.TableLocal
	default:
		out.TableAny = true
	}
	if f == IPv4 {
		if v, ok := attr("tos"); ok {
			if x, ok := v.Value().(byte); ok {
				out.TOS = x
			}
		}
		if v, ok := attr("scope"); ok {
			if x, ok := v.Value().(byte); ok {
				out.Scope = x
			}
		}
	}
	if flag("onlink") && out.Gateway.IsValid() {
		out.Flags |= unix.RTNH_F_ONLINK
	}
	out.MTU = u32("mtu")
	out.Metrics = platform.RouteMetrics{
		Window: u32("window"), CWnd: u32("cwnd"), InitCWnd: u32("initcwnd"), InitRWnd: u32("initrwnd"),
		AdvMSS: u32("advmss"), RTOMin: u32("rto_min"),
	}
	if flag("quickack") {
		out.Metrics.QuickAck = 1
	}
	for _, lk := range []struct {
		name string
		bit  uint32
	}{{"lock-window", unix.RTAX_WINDOW}, {"lock-cwnd", unix.RTAX_CWND}, {"lock-initcwnd", unix.RTAX_INITCWND},
		{"lock-initrwnd", unix.RTAX_INITRWND}, {"lock-mtu", unix.RTAX_MTU}, {"lock-advmss", unix.RTAX_ADVMSS}} {
		if flag(lk.name) {
			out.Metrics.Lock |= 1 << lk.bit
		}
	}
	if v, ok := attr("src"); ok {
		if s, ok := v.Value().(string); ok {
			if a, err := netip.ParseAddr(s); err == nil && familyOfAddr(a) == f {
				out.PrefSrc = a
			}
		}
	}
	if v, ok := attr("from"); ok && f == IPv6 {
		if s, ok := v.Value().(string); ok {
			if !strings.Contains(s, "/") {
				s += "/128"
			}
			if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is6() {
				out.Src = p.Masked()
			}
		}
	}
	return out
}

var routeTypes = map[string]uint8{
	"unicast": unix.RTN_UNICAST, "local": unix.RTN_LOCAL, "blackhole": unix.RTN_BLACKHOLE,
	"unreachable": unix.RTN_UNREACHABLE, "prohibit": unix.RTN_PROHIBIT, "throw": unix.RTN_THROW,
}

// profileRule converts a routing rule (nm_ip_routing_rule_to_platform):
// NetworkManager installs them with protocol static.
func profileRule(r setting.RoutingRule) platform.Rule {
	out := platform.Rule{
		Family: unix.AF_INET, Priority: r.Priority, Action: r.Action, Table: r.Table,
		TOS: r.Tos, IPProto: r.IPProto, FwMark: r.Fwmark, FwMask: r.Fwmask,
		SuppressPrefixLen: r.SuppressPrefixLength, SuppressIfGroup: -1,
		Protocol: unix.RTPROT_STATIC,
	}
	if r.Family == setting.AFInet6 {
		out.Family = unix.AF_INET6
	}
	if r.Invert {
		out.Flags |= unix.FIB_RULE_INVERT
	}
	if r.HasFrom && r.FromLen > 0 {
		out.Src = netip.PrefixFrom(r.From, int(r.FromLen)).Masked()
	}
	if r.HasTo && r.ToLen > 0 {
		out.Dst = netip.PrefixFrom(r.To, int(r.ToLen)).Masked()
	}
	if r.HasIIF {
		out.IIFName = r.IIFName
	}
	if r.HasOIF {
		out.OIFName = r.OIFName
	}
	if r.SportStart != 0 {
		out.SPortRange = &platform.Range{Start: uint32(r.SportStart), End: uint32(r.SportEnd)}
	}
	if r.DportStart != 0 {
		out.DPortRange = &platform.Range{Start: uint32(r.DportStart), End: uint32(r.DportEnd)}
	}
	if r.HasUIDRange {
		out.UIDRange = &platform.Range{Start: r.UIDStart, End: r.UIDEnd}
	}
	if r.Action != setting.RuleActionToTable {
		out.Table = 0
	}
	return out
}
