package setting

import "math"

var settingTun = &Info{
	Name:       "tun",
	NmcliTitle: "Tun device",
	NmcliParts: []NmcliPart{{"connection", true}, {"tun", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("mode", uint32(1)) },
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "group", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "group"}},
		{Name: "mode", Kind: KindUint32, DBus: "u", Default: uint32(1), Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "mode", Type: enumType{e: enumTunMode, min: 1, max: math.MaxInt32, hasRange: true}}},
		{Name: "multi-queue", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 6, Alias: "multi-queue"}},
		{Name: "owner", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "owner"}},
		{Name: "pi", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "pi"}},
		{Name: "vnet-hdr", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "vnet-hdr"}},
	},
	Verify: verifyTun,
}

func verifyTun(s *Setting, c *Connection) (Result, *Error) {
	if m := s.Uint32("mode"); m != 1 && m != 2 {
		return Invalid, invalidProp("tun", "mode", "'%d': invalid mode", m)
	}
	if o, ok := s.String("owner"); ok {
		if _, ok := parseDecimal(o, 0, 2147483647); !ok {
			return Invalid, invalidProp("tun", "owner", "'%s': invalid user ID", o)
		}
	}
	if g, ok := s.String("group"); ok {
		if _, ok := parseDecimal(g, 0, 2147483647); !ok {
			return Invalid, invalidProp("tun", "group", "'%s': invalid group ID", g)
		}
	}
	return Success, nil
}
