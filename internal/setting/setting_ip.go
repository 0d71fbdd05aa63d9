package setting

import (
	"math"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// The "ipv4" and "ipv6" settings share most properties and checks
// (NetworkManager's NMSettingIPConfig); this file holds both.

// ipProps returns the properties common to ipv4 and ipv6. nmcli lists them
// in different orders per family, hence the order maps.
func ipProps(af int, order map[string]int) []*Property {
	n := func(name string) *Nmcli {
		if o, ok := order[name]; ok {
			return ipNmcli(af, name, o)
		}
		return nil
	}
	addrSig, routeSig, dnsSig := "aau", "aau", "au"
	if af == AFInet6 {
		addrSig, routeSig, dnsSig = "a(ayuay)", "a(ayuayu)", "aay"
	}
	fam := af
	return []*Property{
		{Name: "method", Kind: KindString, DBus: "s", Direct: true, Nmcli: n("method")},
		{Name: "dns", Kind: KindDNS, DBus: dnsSig, Nmcli: n("dns"),
			Normalize: func(v any) any { return normalizeDNSList(fam, v.([]string)) }},
		{Name: "dns-search", Kind: KindStrv, DBus: "as", Default: []string{}, AlwaysEmit: true, Nmcli: n("dns-search")},
		{Name: "dns-options", Kind: KindStrv, DBus: "as", KeepEmpty: true, Nmcli: n("dns-options"),
			KF: KeyfileHint{AlwaysWrite: true}, Normalize: func(v any) any { return normalizeDNSOptions(v.([]string)) }},
		{Name: "dns-priority", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: n("dns-priority")},
		{Name: "addresses", Kind: KindIPAddresses, DBus: addrSig, Nmcli: n("addresses")},
		{Name: "gateway", Kind: KindString, DBus: "s", Direct: true, Nmcli: n("gateway"),
			KF: KeyfileHint{SkipWrite: true}, Normalize: func(v any) any { return canonicalGateway(fam, v) }},
		{Name: "routes", Kind: KindIPRoutes, DBus: routeSig, Nmcli: n("routes")},
		{Name: "route-metric", Kind: KindInt64, DBus: "x", Default: int64(-1), Range: rng(-1, 4294967295), Direct: true, Nmcli: n("route-metric")},
		{Name: "route-table", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: n("route-table")},
		{Name: "routing-rules", Kind: KindRoutingRules, DBus: "aa{sv}", Nmcli: n("routing-rules")},
		{Name: "replace-local-rule", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: n("replace-local-rule")},
		{Name: "ignore-auto-routes", Kind: KindBool, DBus: "b", Direct: true, Nmcli: n("ignore-auto-routes")},
		{Name: "ignore-auto-dns", Kind: KindBool, DBus: "b", Direct: true, Nmcli: n("ignore-auto-dns")},
		{Name: "dhcp-hostname", Kind: KindString, DBus: "s", Direct: true, Nmcli: n("dhcp-hostname")},
		{Name: "dhcp-hostname-flags", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: n("dhcp-hostname-flags")},
		{Name: "dhcp-send-hostname", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: n("dhcp-send-hostname")},
		{Name: "never-default", Kind: KindBool, DBus: "b", Direct: true, Nmcli: n("never-default")},
		{Name: "may-fail", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: n("may-fail")},
		{Name: "required-timeout", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 2147483647), Direct: true, Nmcli: n("required-timeout")},
		{Name: "dad-timeout", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 30000), Direct: true, Nmcli: n("dad-timeout")},
		{Name: "dhcp-timeout", Kind: KindInt32, DBus: "i", Range: rng(0, 2147483647), Direct: true, Nmcli: n("dhcp-timeout")},
		{Name: "dhcp-iaid", Kind: KindString, DBus: "s", Direct: true, Nmcli: n("dhcp-iaid")},
		{Name: "dhcp-reject-servers", Kind: KindStrv, DBus: "as", Nmcli: n("dhcp-reject-servers")},
		{Name: "auto-route-ext-gw", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: n("auto-route-ext-gw")},
	}
}

var settingIpv4 = &Info{
	Name:       "ipv4",
	NmcliTitle: "IPv4 protocol",
	NmcliInit:  func(s *Setting) { s.MustSet("method", "auto") },
	Priority:   prioIP,
	Props: append(ipProps(AFInet, map[string]int{
		"method": 1, "dns": 2, "dns-search": 3, "dns-options": 4, "dns-priority": 5, "addresses": 6,
		"gateway": 7, "routes": 8, "route-metric": 9, "route-table": 10, "routing-rules": 11,
		"replace-local-rule": 12, "ignore-auto-routes": 13, "ignore-auto-dns": 14, "dhcp-client-id": 15,
		"dhcp-iaid": 16, "dhcp-timeout": 17, "dhcp-send-hostname": 18, "dhcp-hostname": 19, "dhcp-fqdn": 20,
		"dhcp-hostname-flags": 21, "never-default": 22, "may-fail": 23, "required-timeout": 24,
		"dad-timeout": 25, "dhcp-vendor-class-identifier": 26, "link-local": 27, "dhcp-reject-servers": 28,
		"auto-route-ext-gw": 29,
	}),
		&Property{Name: "dhcp-client-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 15}},
		&Property{Name: "dhcp-fqdn", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 20}},
		&Property{Name: "dhcp-vendor-class-identifier", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 26}},
		&Property{Name: "link-local", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 27, Type: enumType{e: enumIP4LinkLocal}}},
	),
	Verify: verifyIP4,
}

var settingIpv6 = &Info{
	Name:       "ipv6",
	NmcliTitle: "IPv6 protocol",
	NmcliInit:  func(s *Setting) { s.MustSet("method", "auto") },
	Priority:   prioIP,
	Props: append(ipProps(AFInet6, map[string]int{
		"method": 1, "dns": 2, "dns-search": 3, "dns-options": 4, "dns-priority": 5, "addresses": 6,
		"gateway": 7, "routes": 8, "route-metric": 9, "route-table": 10, "routing-rules": 11,
		"replace-local-rule": 12, "ignore-auto-routes": 13, "ignore-auto-dns": 14, "never-default": 15,
		"may-fail": 16, "required-timeout": 17, "ip6-privacy": 18, "addr-gen-mode": 19, "ra-timeout": 20,
		"mtu": 21, "dhcp-duid": 22, "dhcp-iaid": 23, "dhcp-timeout": 24, "dhcp-send-hostname": 25,
		"dhcp-hostname": 26, "dhcp-hostname-flags": 27, "auto-route-ext-gw": 28, "token": 29,
	}),
		&Property{Name: "ip6-privacy", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: []int64{-1, 0, 1, 2}, Direct: true, Nmcli: &Nmcli{Order: 18,
			Type: enumType{e: enumIP6Privacy, getNicks: []EnumValue{{1, "enabled, prefer public IP"}, {2, "enabled, prefer temporary IP"}}}}},
		&Property{Name: "addr-gen-mode", Kind: KindInt32, DBus: "i", Default: int32(AddrGenModeDefault), Direct: true, Nmcli: &Nmcli{Order: 19, Type: enumType{e: enumAddrGenMode, format: enumPrettyText | enumParsableText}},
			KF: KeyfileHint{WriteDefault: true}},
		&Property{Name: "ra-timeout", Kind: KindInt32, DBus: "i", Range: rng(0, 2147483647), Direct: true, Nmcli: &Nmcli{Order: 20, Type: intType{nicks: timeoutNicks}}},
		&Property{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 21, Type: mtuType{showAuto: true}}},
		&Property{Name: "dhcp-duid", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 22}},
		&Property{Name: "token", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 29}},
	),
	Verify: verifyIP6,
}

// timeoutNicks name the special values of DHCP and RA timeouts.
var timeoutNicks = []IntNick{{0, "default"}, {math.MaxInt32, "infinity"}}

// ipNmcli is the nmcli face of the properties ipv4 and ipv6 share.
func ipNmcli(af int, name string, order int) *Nmcli {
	fam := "4"
	methods := []string{"auto", "link-local", "manual", "shared", "disabled"}
	if af == AFInet6 {
		fam = "6"
		methods = []string{"ignore", "auto", "dhcp", "link-local", "manual", "shared", "disabled"}
	}
	x := &Nmcli{Order: order}
	switch name {
	case "method":
		x.Type = ipMethodType{allowed: methods}
	case "dns-options":
		x.Type = dnsOptionsType
	case "addresses":
		x.Alias, x.Inf = "ip"+fam, InfMulti
	case "gateway":
		x.Alias, x.Type = "gw"+fam, gatewayType{}
	case "route-table":
		x.Type = intType{nicks: []IntNick{{0, "unspec"}, {254, "main"}}}
	case "replace-local-rule", "auto-route-ext-gw":
		x.Type = ternaryType{}
	case "dhcp-timeout":
		x.Type = intType{nicks: timeoutNicks}
	case "dhcp-hostname-flags":
		x.Type = enumType{e: flagsDHCPHostname}
	case "required-timeout":
		x.Type = intType{nicks: []IntNick{{-1, "default"}, {math.MaxInt32, "infinity"}}}
	case "dad-timeout":
		x.Type = intType{nicks: []IntNick{{-1, "default"}, {0, "off"}}}
	case "dhcp-reject-servers":
		x.Type = multilistType{validate: ipv4OrSubnet, add: addAlways}
	}
	return x
}

// ipv6.addr-gen-mode values.
const (
	AddrGenModeEUI64         = 0
	AddrGenModeStablePrivacy = 1
	AddrGenModeDefaultEUI64  = 2
	AddrGenModeDefault       = 3
)

// AddrGenModeNames are the names keyfiles and nmcli use for addr-gen-mode.
var AddrGenModeNames = map[int32]string{
	AddrGenModeEUI64: "eui64", AddrGenModeStablePrivacy: "stable-privacy",
	AddrGenModeDefaultEUI64: "default-or-eui64", AddrGenModeDefault: "default",
}

// ipDBusKeys registers the D-Bus views of the ipv4 and ipv6 settings: the
// legacy and the current forms of addresses, routes and DNS servers.
func ipDBusKeys() {
	for _, af := range []int{AFInet, AFInet6} {
		name := "ipv4"
		if af == AFInet6 {
			name = "ipv6"
		}
		fam := af
		dbusOverrides[name+".addresses"] = &dbusKey{
			to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
				return legacyAddressesToDBus(fam, s.Addresses(), s.Str("gateway")), true
			},
			from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
				addrs, gw := legacyAddressesFromDBus(fam, v, sd)
				s.set(s.info.props["addresses"], addrs)
				if gw == "" {
					s.Unset("gateway")
				} else {
					s.set(s.info.props["gateway"], gw)
				}
				return nil
			},
		}
		dbusOverrides[name+".routes"] = &dbusKey{
			to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
				return legacyRoutesToDBus(fam, s.Routes()), true
			},
			from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
				s.set(s.info.props["routes"], legacyRoutesFromDBus(fam, v))
				return nil
			},
		}
		dbusOverrides[name+".dns"] = &dbusKey{
			to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
				dns := s.Strv("dns")
				if len(dns) == 0 {
					return dbus.Variant{}, false
				}
				return dnsToLegacyDBus(fam, dns), true
			},
			from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
				s.set(s.info.props["dns"], dnsFromLegacyDBus(fam, v))
				return nil
			},
		}
		dbusOverrides[name+".gateway"] = &dbusKey{
			fromFull: true,
			to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
				gw, ok := s.String("gateway")
				if !ok {
					return dbus.Variant{}, false
				}
				return dbus.MakeVariant(gw), true
			},
			from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
				// The gateway inside the legacy "addresses" wins.
				if _, ok := sd["addresses"]; ok {
					return nil
				}
				p := s.info.props["gateway"]
				val, err := variantToValue(p, v)
				if err != nil {
					return err
				}
				s.set(p, val)
				return nil
			},
		}
		dbusOverrides[name+".routing-rules"] = &dbusKey{
			to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
				rules := s.RoutingRules()
				if len(rules) == 0 {
					return dbus.Variant{}, false
				}
				out := make([]map[string]dbus.Variant, len(rules))
				for i, r := range rules {
					out[i] = r.ToDBus()
				}
				return dbus.MakeVariant(out), true
			},
			from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
				var rules []RoutingRule
				for i, d := range v.Value().([]map[string]dbus.Variant) {
					r, err := RoutingRuleFromDBus(d, true)
					if err != nil {
						return invalidProp(s.info.Name, "routing-rules", "rule #%d is invalid: %s", i+1, err.Error()).
							withPrefix2(s.info.Name, "routing-rules", "failed to set property: ")
					}
					rules = append(rules, r)
				}
				s.set(s.info.props["routing-rules"], rules)
				return nil
			},
		}
		keys := []*dbusKey{
			{name: "address-data", sig: "aa{sv}",
				to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
					return addressDataToDBus(s.Addresses()), true
				},
				from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
					if _, ok := sd["addresses"]; ok {
						return nil
					}
					s.set(s.info.props["addresses"], addressDataFromDBus(fam, v))
					return nil
				}},
			{name: "route-data", sig: "aa{sv}",
				to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
					return routeDataToDBus(s.Routes()), true
				},
				from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
					if _, ok := sd["routes"]; ok {
						return nil
					}
					s.set(s.info.props["routes"], routeDataFromDBus(fam, v))
					return nil
				}},
			{name: "dns-data", sig: "as",
				to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
					dns := s.Strv("dns")
					if len(dns) == 0 {
						return dbus.Variant{}, false
					}
					return dbus.MakeVariant(dns), true
				},
				from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
					if _, ok := sd["dns"]; ok {
						return nil
					}
					s.set(s.info.props["dns"], v.Value().([]string))
					return nil
				}},
		}
		if af == AFInet {
			keys = append(keys, &dbusKey{name: "address-labels", sig: "as",
				to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
					addrs := s.Addresses()
					labels := make([]string, len(addrs))
					have := false
					for i, a := range addrs {
						if l, ok := a.Attrs["label"]; ok {
							if ls, ok := l.Value().(string); ok {
								labels[i], have = ls, true
							}
						}
					}
					if !have {
						return dbus.Variant{}, false
					}
					return dbus.MakeVariant(labels), true
				},
				// read together with the legacy "addresses"
				from: func(*Setting, dbus.Variant, map[string]dbus.Variant) *Error { return nil }})
		}
		extraDBusKeys[name] = keys
	}
}

func addressDataToDBus(addrs []IPAddress) dbus.Variant {
	out := make([]map[string]dbus.Variant, 0, len(addrs))
	for _, a := range addrs {
		d := map[string]dbus.Variant{
			"address": dbus.MakeVariant(inetNtop(a.Addr)),
			"prefix":  dbus.MakeVariant(uint32(a.Prefix)),
		}
		for k, v := range a.Attrs {
			d[k] = v
		}
		out = append(out, d)
	}
	return dbus.MakeVariant(out)
}

// addressDataFromDBus decodes address-data; entries that are not valid
// addresses are dropped, as NetworkManager does (with a warning there).
func addressDataFromDBus(af int, v dbus.Variant) []IPAddress {
	var out []IPAddress
	for _, d := range v.Value().([]map[string]dbus.Variant) {
		addr, ok1 := d["address"].Value().(string)
		prefix, ok2 := d["prefix"].Value().(uint32)
		if !ok1 || !ok2 {
			continue
		}
		a, err := newIPAddress(af, addr, prefix)
		if err != nil {
			continue
		}
		for k, val := range d {
			if k == "address" || k == "prefix" {
				continue
			}
			if a.Attrs == nil {
				a.Attrs = map[string]dbus.Variant{}
			}
			a.Attrs[k] = val
		}
		out = append(out, a)
	}
	return out
}

func routeDataToDBus(routes []IPRoute) dbus.Variant {
	out := make([]map[string]dbus.Variant, 0, len(routes))
	for _, r := range routes {
		d := map[string]dbus.Variant{
			"dest":   dbus.MakeVariant(inetNtop(r.Dest)),
			"prefix": dbus.MakeVariant(uint32(r.Prefix)),
		}
		if r.NextHop.IsValid() {
			d["next-hop"] = dbus.MakeVariant(inetNtop(r.NextHop))
		}
		if r.Metric != -1 {
			d["metric"] = dbus.MakeVariant(uint32(r.Metric))
		}
		for k, v := range r.Attrs {
			d[k] = v
		}
		out = append(out, d)
	}
	return dbus.MakeVariant(out)
}

func routeDataFromDBus(af int, v dbus.Variant) []IPRoute {
	var out []IPRoute
	for _, d := range v.Value().([]map[string]dbus.Variant) {
		dest, ok1 := d["dest"].Value().(string)
		prefix, ok2 := d["prefix"].Value().(uint32)
		if !ok1 || !ok2 {
			continue
		}
		nh, _ := d["next-hop"].Value().(string)
		metric := int64(-1)
		if m, ok := d["metric"].Value().(uint32); ok {
			metric = int64(m)
		}
		r, err := newIPRoute(af, dest, prefix, nh, metric)
		if err != nil {
			continue
		}
		for k, val := range d {
			switch k {
			case "dest", "prefix", "next-hop", "metric":
				continue
			}
			if r.Attrs == nil {
				r.Attrs = map[string]dbus.Variant{}
			}
			r.Attrs[k] = val
		}
		out = append(out, r)
	}
	return out
}

type legacyAddr6 struct {
	Addr    []byte
	Prefix  uint32
	Gateway []byte
}

type legacyRoute6 struct {
	Dest    []byte
	Prefix  uint32
	NextHop []byte
	Metric  uint32
}

func in6Bytes(s string) []byte {
	if a, ok := parseInet(AFInet6, s); ok {
		b := a.As16()
		return b[:]
	}
	return make([]byte, 16)
}

func legacyAddressesToDBus(af int, addrs []IPAddress, gateway string) dbus.Variant {
	if af == AFInet {
		out := [][]uint32{}
		gw := gateway
		for _, a := range addrs {
			var g uint32
			if gw != "" {
				if ga, ok := parseInet(AFInet, gw); ok {
					g = in4ToUint32(ga)
				}
				gw = ""
			}
			out = append(out, []uint32{in4ToUint32(a.Addr), uint32(a.Prefix), g})
		}
		return dbus.MakeVariant(out)
	}
	out := []legacyAddr6{}
	gw := gateway
	for _, a := range addrs {
		g := make([]byte, 16)
		if gw != "" {
			g = in6Bytes(gw)
			gw = ""
		}
		b := a.Addr.As16()
		out = append(out, legacyAddr6{b[:], uint32(a.Prefix), g})
	}
	return dbus.MakeVariant(out)
}

func legacyAddressesFromDBus(af int, v dbus.Variant, sd map[string]dbus.Variant) ([]IPAddress, string) {
	var out []IPAddress
	gw := ""
	if af == AFInet {
		for _, e := range v.Value().([][]uint32) {
			if len(e) < 3 {
				continue
			}
			a, err := newIPAddress(af, inetNtop(uint32ToIn4(e[0])), e[1])
			if err != nil {
				continue
			}
			if e[2] != 0 && gw == "" {
				gw = inetNtop(uint32ToIn4(e[2]))
			}
			out = append(out, a)
		}
		if lv, ok := sd["address-labels"]; ok {
			if labels, ok := lv.Value().([]string); ok {
				for i := 0; i < len(out) && i < len(labels); i++ {
					if labels[i] != "" {
						out[i].Attrs = map[string]dbus.Variant{"label": dbus.MakeVariant(labels[i])}
					}
				}
			}
		}
		return out, gw
	}
	for _, e := range structList(v.Value()) {
		if len(e) != 3 {
			continue
		}
		ab, ok1 := e[0].([]byte)
		prefix, ok2 := e[1].(uint32)
		gb, ok3 := e[2].([]byte)
		if !ok1 || !ok2 || !ok3 || len(ab) != 16 {
			continue
		}
		a, err := newIPAddress(af, inetNtop(addrFrom16(ab)), prefix)
		if err != nil {
			continue
		}
		out = append(out, a)
		if gw == "" {
			if len(gb) != 16 {
				continue
			}
			if g := addrFrom16(gb); !g.IsUnspecified() {
				gw = inetNtop(g)
			}
		}
	}
	return out, gw
}

func legacyRoutesToDBus(af int, routes []IPRoute) dbus.Variant {
	metric := func(m int64) uint32 {
		if m < 0 {
			return 0
		}
		return uint32(m)
	}
	if af == AFInet {
		out := [][]uint32{}
		for _, r := range routes {
			var nh uint32
			if r.NextHop.IsValid() {
				nh = in4ToUint32(r.NextHop)
			}
			out = append(out, []uint32{in4ToUint32(r.Dest), uint32(r.Prefix), nh, metric(r.Metric)})
		}
		return dbus.MakeVariant(out)
	}
	out := []legacyRoute6{}
	for _, r := range routes {
		d := r.Dest.As16()
		nh := make([]byte, 16)
		if r.NextHop.IsValid() {
			b := r.NextHop.As16()
			nh = b[:]
		}
		out = append(out, legacyRoute6{d[:], uint32(r.Prefix), nh, metric(r.Metric)})
	}
	return dbus.MakeVariant(out)
}

func legacyRoutesFromDBus(af int, v dbus.Variant) []IPRoute {
	var out []IPRoute
	m := func(u uint32) int64 {
		if u == 0 {
			return -1
		}
		return int64(u)
	}
	if af == AFInet {
		for _, e := range v.Value().([][]uint32) {
			if len(e) < 4 {
				continue
			}
			nh := ""
			if e[2] != 0 {
				nh = inetNtop(uint32ToIn4(e[2]))
			}
			r, err := newIPRoute(af, inetNtop(uint32ToIn4(e[0])), e[1], nh, m(e[3]))
			if err == nil {
				out = append(out, r)
			}
		}
		return out
	}
	for _, e := range structList(v.Value()) {
		if len(e) != 4 {
			continue
		}
		db, ok1 := e[0].([]byte)
		prefix, ok2 := e[1].(uint32)
		nb, ok3 := e[2].([]byte)
		metric, ok4 := e[3].(uint32)
		if !ok1 || !ok2 || !ok3 || !ok4 || len(db) != 16 || len(nb) != 16 {
			continue
		}
		r, err := newIPRoute(af, inetNtop(addrFrom16(db)), prefix, inetNtop(addrFrom16(nb)), m(metric))
		if err == nil {
			out = append(out, r)
		}
	}
	return out
}

func dnsToLegacyDBus(af int, dns []string) dbus.Variant {
	if af == AFInet {
		out := []uint32{}
		for _, d := range dns {
			if a, _, ok := parseDNSName(af, d); ok {
				out = append(out, in4ToUint32(a))
			}
		}
		return dbus.MakeVariant(out)
	}
	out := [][]byte{}
	for _, d := range dns {
		if a, _, ok := parseDNSName(af, d); ok {
			b := a.As16()
			out = append(out, b[:])
		}
	}
	return dbus.MakeVariant(out)
}

func dnsFromLegacyDBus(af int, v dbus.Variant) []string {
	var out []string
	if af == AFInet {
		for _, u := range v.Value().([]uint32) {
			out = append(out, inetNtop(uint32ToIn4(u)))
		}
		return out
	}
	for _, b := range v.Value().([][]byte) {
		if len(b) == 16 {
			out = append(out, inetNtop(addrFrom16(b)))
		}
	}
	return out
}

// parseDNSName parses a DNS server entry: an address, optionally followed
// by "#server-name" for DNS over TLS.
func parseDNSName(af int, s string) (a netipAddr, serverName string, ok bool) {
	addr := s
	if i := strings.IndexByte(s, '#'); i >= 0 {
		addr, serverName = s[:i], s[i+1:]
		if serverName == "" {
			return a, "", false
		}
	}
	a, ok = parseInet(af, addr)
	return a, serverName, ok
}

// normalizeDNSList canonicalizes each valid entry and drops duplicates, as
// the ipvX.dns setter does; invalid entries stay for verify to reject.
func normalizeDNSList(af int, dns []string) []string {
	var out []string
	for _, d := range dns {
		if a, sn, ok := parseDNSName(af, d); ok {
			d = inetNtop(a)
			if sn != "" {
				d += "#" + sn
			}
		}
		if !contains(out, d) {
			out = append(out, d)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// dnsOptionDescs are the resolver options NetworkManager knows: name,
// whether it takes ":N", whether it is for IPv6 only.
var dnsOptionDescs = []struct {
	name     string
	numeric  bool
	ipv6Only bool
}{
	{"debug", false, false}, {"ndots", true, false}, {"timeout", true, false},
	{"attempts", true, false}, {"rotate", false, false}, {"no-check-names", false, false},
	{"inet6", false, true}, {"ip6-bytestring", false, true}, {"ip6-dotint", false, true},
	{"no-ip6-dotint", false, true}, {"edns0", false, false}, {"single-request", false, false},
	{"single-request-reopen", false, false}, {"no-tld-query", false, false}, {"use-vc", false, false},
	{"no-reload", false, false}, {"trust-ad", false, false},
}

// dnsOptionName splits "name" or "name:N"; ok is false for a malformed
// option. With known set, the name must be one NetworkManager knows.
func dnsOptionName(opt string, known, ipv6 bool) (string, bool) {
	if opt == "" {
		return "", false
	}
	name, num, hasNum := strings.Cut(opt, ":")
	if hasNum {
		if num == "" {
			return "", false
		}
		for i := 0; i < len(num); i++ {
			if num[i] < '0' || num[i] > '9' {
				return "", false
			}
		}
		if _, ok := parseDecimal(num, 0, 2147483647); !ok {
			return "", false
		}
	}
	if name == "" {
		return "", false
	}
	if known {
		for _, d := range dnsOptionDescs {
			if d.name == name && d.numeric == hasNum && (!d.ipv6Only || ipv6) {
				return name, true
			}
		}
		return "", false
	}
	return name, true
}

// normalizeDNSOptions keeps well-formed options, the first of each name.
func normalizeDNSOptions(opts []string) []string {
	out := []string{}
	var names []string
	for _, o := range opts {
		name, ok := dnsOptionName(o, false, false)
		if !ok || contains(names, name) {
			continue
		}
		names = append(names, name)
		out = append(out, o)
	}
	return out
}

func canonicalGateway(af int, v any) any {
	s := v.(string)
	if a, ok := parseInet(af, s); ok {
		if a.IsUnspecified() {
			return nil
		}
		return inetNtop(a)
	}
	return s
}

// verifyLabel checks an IPv4 address label: "IFNAME:suffix".
func verifyLabel(label string) bool {
	iface, rest, ok := strings.Cut(label, ":")
	if !ok || ifnameValidKernel(iface) != nil {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// DHCP hostname flags.
const (
	dhcpHostnameFqdnServUpdate = 0x1
	dhcpHostnameFqdnEncoded    = 0x2
	dhcpHostnameFqdnNoUpdate   = 0x4
	dhcpHostnameFqdnClearFlags = 0x8
	dhcpHostnameFqdnMask       = 0xf
)

// verifyIPCommon holds the checks of the ipv4 and ipv6 settings' common
// base class.
func verifyIPCommon(s *Setting, af int) (Result, *Error) {
	name := s.info.Name
	method, ok := s.String("method")
	if !ok {
		return Invalid, missingProp(name, "method", "property is missing")
	}
	_ = method
	if h, ok := s.String("dhcp-hostname"); ok && h == "" {
		return Invalid, invalidProp(name, "dhcp-hostname", "property is empty")
	}
	for i, d := range s.Strv("dns") {
		if _, _, ok := parseDNSName(af, d); !ok {
			return Invalid, invalidProp(name, "dns", "%d. DNS server address is invalid", i+1)
		}
	}
	addrs := s.Addresses()
	for i, a := range addrs {
		if (af == AFInet) != a.Addr.Is4() {
			return Invalid, invalidProp(name, "addresses", "%d. IP address is invalid", i+1)
		}
		if l, ok := a.Attrs["label"]; ok {
			ls, isStr := l.Value().(string)
			if !isStr {
				return Invalid, invalidProp(name, "addresses", "%d. IP address has 'label' property with invalid type", i+1)
			}
			if !verifyLabel(ls) {
				return Invalid, invalidProp(name, "addresses", "%d. IP address has invalid label '%s'", i+1, ls)
			}
		}
	}
	if gw, ok := s.String("gateway"); ok {
		if len(addrs) == 0 {
			return Invalid, invalidProp(name, "gateway", "gateway cannot be set if there are no addresses configured")
		}
		if _, ok := parseInet(af, gw); !ok {
			return Invalid, invalidProp(name, "gateway", "gateway is invalid")
		}
	}
	for i, r := range s.Routes() {
		if (af == AFInet) != r.Dest.Is4() {
			return Invalid, invalidProp(name, "routes", "%d. route is invalid", i+1)
		}
		if err := validateRouteAttrs(r, af); err != nil {
			return Invalid, invalidProp(name, "routes", "invalid attribute: %s", err.Error())
		}
	}
	for i, r := range s.RoutingRules() {
		if r.Family != af {
			return Invalid, invalidProp(name, "routing-rules", "%d. rule has wrong address-family", i+1)
		}
		if err := r.Validate(); err != nil {
			return Invalid, invalidProp(name, "routes", "%d. rule is invalid: %s", i+1, err.Error())
		}
	}
	if iaid, ok := s.String("dhcp-iaid"); ok && !iaidValid(iaid) {
		return Invalid, invalidProp(name, "dhcp-iaid", "'%s' is not a valid IAID", iaid)
	}
	flags := s.Uint32("dhcp-hostname-flags")
	if flags != 0 && !s.Bool("dhcp-send-hostname") {
		return Invalid, invalidProp(name, "dhcp-hostname-flags", "the property cannot be set when '%s' is disabled", "dhcp-send-hostname")
	}
	if msg := checkDHCPHostnameFlags(flags, af); msg != "" {
		return Invalid, invalidProp(name, "dhcp-hostname-flags", "%s", msg)
	}
	if rs := s.Strv("dhcp-reject-servers"); len(rs) > 0 {
		if af != AFInet {
			return Invalid, invalidProp(name, "dhcp-reject-servers", "the property is currently supported only for DHCPv4")
		}
		for _, r := range rs {
			if _, _, ok := parseInetWithPrefix(af, r); !ok {
				return Invalid, invalidProp(name, "dhcp-reject-servers", "'%s' is not a valid IP or subnet", r)
			}
		}
	}
	if _, ok := s.String("gateway"); ok && s.Bool("never-default") {
		return NormalizableError, invalidProp(name, "gateway", "a gateway is incompatible with '%s'", "never-default")
	}
	return Success, nil
}

func checkDHCPHostnameFlags(flags uint32, af int) string {
	if unknown := flags &^ dhcpHostnameFqdnMask; unknown != 0 {
		return "unknown flags 0x" + strconv.FormatUint(uint64(unknown), 16)
	}
	if flags&(dhcpHostnameFqdnNoUpdate|dhcpHostnameFqdnServUpdate) == dhcpHostnameFqdnNoUpdate|dhcpHostnameFqdnServUpdate {
		return "'fqdn-no-update' and 'fqdn-serv-update' flags cannot be set at the same time"
	}
	if flags&dhcpHostnameFqdnClearFlags != 0 && flags&(dhcpHostnameFqdnServUpdate|dhcpHostnameFqdnEncoded|dhcpHostnameFqdnNoUpdate) != 0 {
		return "'fqdn-clear-flags' flag is incompatible with other FQDN flags"
	}
	if af == AFInet6 && flags&dhcpHostnameFqdnEncoded != 0 {
		return "DHCPv6 does not support the E (encoded) FQDN flag"
	}
	return ""
}

func verifyIP4(s *Setting, c *Connection) (Result, *Error) {
	if r, err := verifyIPCommon(s, AFInet); r != Success {
		return r, err
	}
	method := s.Str("method")
	switch method {
	case "manual":
		if len(s.Addresses()) == 0 {
			return Invalid, missingProp("ipv4", "addresses", "this property cannot be empty for '%s=%s'", "method", method)
		}
	case "link-local", "shared", "disabled":
		if len(s.Strv("dns")) > 0 {
			return Invalid, invalidProp("ipv4", "dns", "this property is not allowed for '%s=%s'", "method", method)
		}
		if len(s.Strv("dns-search")) > 0 {
			return Invalid, invalidProp("ipv4", "dns-search", "this property is not allowed for '%s=%s'", "method", method)
		}
		if method != "shared" && len(s.Addresses()) > 0 {
			return Invalid, invalidProp("ipv4", "addresses", "this property is not allowed for '%s=%s'", "method", method)
		}
	case "auto":
	default:
		return Invalid, invalidProp("ipv4", "method", "property is invalid")
	}
	ll := s.Int32("link-local")
	if ll < 0 || ll > 3 {
		return Invalid, invalidProp("ipv4", "link-local", "property is invalid")
	}
	if ll == 3 && method == "disabled" {
		return Invalid, invalidProp("ipv4", "link-local", "cannot enable ipv4.link-local with ipv4.method=disabled")
	}
	if ll == 2 && method == "link-local" {
		return Invalid, invalidProp("ipv4", "link-local", "cannot disable ipv4.link-local with ipv4.method=link-local")
	}
	if id, ok := s.String("dhcp-client-id"); ok && id == "" {
		return Invalid, invalidProp("ipv4", "dhcp-client-id", "property is empty")
	}
	fqdn, hasFqdn := s.String("dhcp-fqdn")
	if hasFqdn && fqdn == "" {
		return Invalid, invalidProp("ipv4", "dhcp-fqdn", "property is empty")
	}
	if hasFqdn && !strings.Contains(fqdn, ".") {
		return Invalid, invalidProp("ipv4", "dhcp-fqdn", "'%s' is not a valid FQDN", fqdn)
	}
	if _, ok := s.String("dhcp-hostname"); hasFqdn && ok {
		return Invalid, invalidProp("ipv4", "dhcp-fqdn", "property cannot be set when dhcp-hostname is also set")
	}
	if s.Uint32("dhcp-hostname-flags")&dhcpHostnameFqdnMask != 0 && !hasFqdn {
		return Invalid, invalidProp("ipv4", "dhcp-hostname-flags", "FQDN flags requires a FQDN set")
	}
	if v, ok := s.String("dhcp-vendor-class-identifier"); ok {
		if err := validateVendorClassID(v); err != nil {
			return Invalid, err
		}
	}
	if method == "shared" && len(s.Addresses()) > 1 {
		return NormalizableError, invalidProp("ipv4", "addresses", "multiple addresses are not allowed for '%s=%s'", "method", "shared")
	}
	if method == "disabled" && !s.Bool("may-fail") {
		return Normalizable, invalidProp("ipv4", "may-fail", "property should be TRUE when method is set to disabled")
	}
	return Success, nil
}

func verifyIP6(s *Setting, c *Connection) (Result, *Error) {
	if r, err := verifyIPCommon(s, AFInet6); r != Success {
		return r, err
	}
	method := s.Str("method")
	switch method {
	case "manual":
		if len(s.Addresses()) == 0 {
			return Invalid, missingProp("ipv6", "addresses", "this property cannot be empty for '%s=%s'", "method", method)
		}
	case "ignore", "link-local", "shared", "disabled":
		if method != "shared" {
			if len(s.Strv("dns")) > 0 {
				return Invalid, invalidProp("ipv6", "dns", "this property is not allowed for '%s=%s'", "method", method)
			}
			if len(s.Strv("dns-search")) > 0 {
				return Invalid, invalidProp("ipv6", "dns-search", "this property is not allowed for '%s=%s'", "method", method)
			}
			if len(s.Addresses()) > 0 {
				return Invalid, invalidProp("ipv6", "addresses", "this property is not allowed for '%s=%s'", "method", method)
			}
		}
	case "auto", "dhcp":
	default:
		return Invalid, invalidProp("ipv6", "method", "property is invalid")
	}
	mode := s.Int32("addr-gen-mode")
	if mode < 0 || mode > 3 {
		return Invalid, invalidProp("ipv6", "addr-gen-mode", "property is invalid")
	}
	tokenNeedsNorm := false
	if tok, ok := s.String("token"); ok {
		if mode != AddrGenModeEUI64 {
			return Invalid, invalidProp("ipv6", "token", "only makes sense with EUI64 address generation mode")
		}
		a, ok := parseInet(AFInet6, tok)
		if !ok || !isIPv6Token(a) {
			return Invalid, invalidProp("ipv6", "token", "value is not a valid token")
		}
		tokenNeedsNorm = inetNtop(a) != tok
	}
	if d, ok := s.String("dhcp-duid"); ok && !duidValid(d) {
		return Invalid, invalidProp("ipv6", "dhcp-duid", "invalid DUID")
	}
	if tokenNeedsNorm {
		return NormalizableError, invalidProp("ipv6", "token", "token is not in canonical form")
	}
	if (method == "ignore" || method == "disabled") && !s.Bool("may-fail") {
		return Normalizable, invalidProp("ipv6", "may-fail", "property should be TRUE when method is set to ignore or disabled")
	}
	return Success, nil
}

func isIPv6Token(a netipAddr) bool {
	b := a.As16()
	for i := 0; i < 8; i++ {
		if b[i] != 0 {
			return false
		}
	}
	for i := 8; i < 16; i++ {
		if b[i] != 0 {
			return true
		}
	}
	return false
}

// validateVendorClassID checks ipv4.dhcp-vendor-class-identifier.
func validateVendorClassID(v string) *Error {
	if v == "" {
		return invalidProp("ipv4", "dhcp-vendor-class-identifier", "property cannot be an empty string")
	}
	bin, ok := utf8safeUnescape(v)
	if !ok {
		return invalidProp("ipv4", "dhcp-vendor-class-identifier", "property cannot be longer than 255 bytes")
	}
	if len(bin) > 255 {
		return invalidProp("ipv4", "dhcp-vendor-class-identifier", "property cannot be longer than 255 bytes")
	}
	if strings.IndexByte(bin, 0) >= 0 {
		return invalidProp("ipv4", "dhcp-vendor-class-identifier", "property cannot contain any nul bytes")
	}
	return nil
}

// normalizeIPConfig adds, fixes or removes the ipv4, ipv6 and proxy
// settings as _normalize_ip_config does.
func normalizeIPConfig(c *Connection) bool {
	changed := false
	s4, s6 := c.settings["ipv4"], c.settings["ipv6"]
	if c.supportsFamily(AFInet) {
		if s4 == nil {
			s4 = MustNewSetting("ipv4")
			method := "auto"
			if t := c.Type(); t == "wireguard" || t == "dummy" {
				method = "disabled"
			}
			s4.MustSet("method", method)
			c.Add(s4)
			changed = true
		} else {
			if _, ok := s4.String("gateway"); ok && s4.Bool("never-default") {
				s4.Unset("gateway")
				changed = true
			}
			if s4.Str("method") == "disabled" && !s4.Bool("may-fail") {
				s4.Unset("may-fail")
				changed = true
			}
			if addrs := s4.Addresses(); len(addrs) > 1 && s4.Str("method") == "shared" {
				s4.MustSet("addresses", addrs[:1:1])
				changed = true
			}
		}
	} else if c.Remove("ipv4") {
		changed = true
	}
	if c.supportsFamily(AFInet6) {
		if s6 == nil {
			s6 = MustNewSetting("ipv6")
			method := "auto"
			if t := c.Type(); t == "wireguard" || t == "dummy" {
				method = "disabled"
			}
			s6.MustSet("method", method)
			c.Add(s6)
			changed = true
		} else {
			if tok, ok := s6.String("token"); ok && s6.Int32("addr-gen-mode") == AddrGenModeEUI64 {
				if a, ok := parseInet(AFInet6, tok); ok && isIPv6Token(a) && inetNtop(a) != tok {
					s6.MustSet("token", inetNtop(a))
					changed = true
				}
			}
			if _, ok := s6.String("gateway"); ok && s6.Bool("never-default") {
				s6.Unset("gateway")
				changed = true
			}
			if m := s6.Str("method"); (m == "ignore" || m == "disabled") && !s6.Bool("may-fail") {
				s6.Unset("may-fail")
				changed = true
			}
		}
	} else if c.Remove("ipv6") {
		changed = true
	}
	if c.supportsFamily(0) {
		if c.settings["proxy"] == nil {
			c.Ensure("proxy")
			changed = true
		}
	} else if c.Remove("proxy") {
		changed = true
	}
	return changed
}
