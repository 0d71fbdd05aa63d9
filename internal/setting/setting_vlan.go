package setting

var settingVlan = &Info{
	Name:       "vlan",
	NmcliTitle: "VLAN connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"vlan", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("id", uint32(1)) },
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "egress-priority-map", Kind: KindStrv, DBus: "as", Default: []string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 6, Alias: "egress", Type: priorityMapType{egress: true}}},
		{Name: "flags", Kind: KindUint32, DBus: "u", Default: uint32(1), Mask: 0xf, AlwaysEmit: true, KF: KeyfileHint{WriteDefault: true}, Nmcli: &Nmcli{Order: 3, Alias: "flags", Type: vlanFlagsType{}}},
		{Name: "id", Kind: KindUint32, DBus: "u", Range: rng(0, 4095), Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "id", Inf: InfRequired}},
		{Name: "ingress-priority-map", Kind: KindStrv, DBus: "as", Default: []string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 5, Alias: "ingress", Type: priorityMapType{}}},
		// D-Bus only: interface-name (s)
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "dev", Inf: InfRequired}},
		{Name: "protocol", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Type: stringType{allowed: []string{"802.1Q", "802.1ad"}}}},
	},
	Verify: verifyVlan,
}

func verifyVlan(s *Setting, c *Connection) (Result, *Error) {
	const n = "vlan"
	var con, wired *Setting
	if c != nil {
		con, wired = c.settings["connection"], c.settings["802-3-ethernet"]
	}
	if parent, ok := s.String("parent"); ok {
		if isLegacyUUID(parent) {
			if con != nil && con.Str("slave-type") == "vlan" {
				if m, ok := con.String("master"); ok && m != parent {
					return Invalid, invalidProp(n, "parent", "'%s' value doesn't match '%s=%s'", parent, "master", m)
				}
			}
		} else if ifnameValidKernel(parent) != nil {
			return Invalid, invalidProp(n, "parent", "'%s' is neither an UUID nor an interface name", parent)
		}
	} else if c != nil && (wired == nil || !wired.IsSet("mac-address")) {
		return Invalid, missingProp(n, "parent", "property is not specified and neither is '%s:%s'", "802-3-ethernet", "mac-address")
	}
	if id := s.Uint32("id"); id >= 4095 {
		return Invalid, invalidProp(n, "id", "the vlan id must be in range 0-4094 but is %d", id)
	}
	if s.Uint32("flags")&^0xf != 0 {
		return Invalid, invalidProp(n, "flags", "flags are invalid")
	}
	if p, ok := s.String("protocol"); ok && p != "802.1Q" && p != "802.1ad" {
		return Invalid, invalidProp(n, "protocol", "invalid VLAN protocol %s: must be '802.1Q' or '802.1ad'", p)
	}
	if c != nil && wired == nil {
		return Normalizable, newError(ErrSettingNotFound, n, "flags", "vlan setting should have a ethernet setting as well")
	}
	return Success, nil
}
