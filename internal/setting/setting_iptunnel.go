package setting

import "math"

var settingIpTunnel = &Info{
	Name:       "ip-tunnel",
	NmcliTitle: "IP-tunnel settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"ip-tunnel", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "encapsulation-limit", Kind: KindUint32, DBus: "u", Range: rng(0, 255), Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "flags", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 14, Type: enumType{e: flagsIPTunnel}}},
		{Name: "flow-label", Kind: KindUint32, DBus: "u", Range: rng(0, 1048575), Direct: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "fwmark", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 12, Type: intType{base: 16}}},
		{Name: "input-key", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "local", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "local"}},
		{Name: "mode", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "mode", Inf: InfRequired, Type: enumType{e: enumIPTunnelMode, min: 1, max: math.MaxInt32, hasRange: true, format: enumPrettyText | enumParsableText}}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 13, Type: mtuType{}}},
		{Name: "output-key", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "dev"}},
		{Name: "path-mtu-discovery", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "remote", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "remote", Inf: InfRequired}},
		{Name: "tos", Kind: KindUint32, DBus: "u", Range: rng(0, 255), Direct: true, Nmcli: &Nmcli{Order: 6}},
		{Name: "ttl", Kind: KindUint32, DBus: "u", Range: rng(0, 255), Direct: true, Nmcli: &Nmcli{Order: 5}},
	},
}
