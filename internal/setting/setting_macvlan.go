package setting

import "math"

var settingMacvlan = &Info{
	Name:       "macvlan",
	NmcliTitle: "macvlan connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"macvlan", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "mode", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "mode", Inf: InfRequired, Type: enumType{e: enumMacvlanMode, min: 1, max: math.MaxInt32, hasRange: true}}},
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "dev", Inf: InfRequired}},
		{Name: "promiscuous", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "tap", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "tap"}},
	},
	Verify: verifyMacvlan,
}

// macvlan.mode values.
const macvlanModePassthru = 4

func verifyMacvlan(s *Setting, c *Connection) (Result, *Error) {
	if parent, ok := s.String("parent"); ok {
		if !isLegacyUUID(parent) && ifnameValidKernel(parent) != nil {
			return Invalid, invalidProp("macvlan", "parent", "'%s' is neither an UUID nor an interface name", parent)
		}
	} else if c != nil {
		if w := c.settings["802-3-ethernet"]; w == nil || !w.IsSet("mac-address") {
			return Invalid, missingProp("macvlan", "parent", "property is not specified and neither is '%s:%s'", "802-3-ethernet", "mac-address")
		}
	}
	if !s.Bool("promiscuous") && s.Uint32("mode") != macvlanModePassthru {
		return Invalid, invalidProp("macvlan", "promiscuous", "non promiscuous operation is allowed only in passthru mode")
	}
	return Success, nil
}
