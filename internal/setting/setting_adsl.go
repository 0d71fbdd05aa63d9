package setting

var settingAdsl = &Info{
	Name:       "adsl",
	NmcliTitle: "ADSL connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"adsl", true}},
	NmcliInit:  func(s *Setting) { s.MustSet("protocol", "pppoe") },
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "encapsulation", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "encapsulation", Type: stringType{allowed: []string{"vcmux", "llc"}}}},
		{Name: "password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "password"}},
		{Name: "password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "protocol", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "protocol", Inf: InfRequired, Type: stringType{allowed: []string{"pppoa", "pppoe", "ipoatm"}}}},
		{Name: "username", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "username", Inf: InfRequired}},
		{Name: "vci", Kind: KindUint32, DBus: "u", Range: rng(0, 65536), Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "vpi", Kind: KindUint32, DBus: "u", Range: rng(0, 65536), Direct: true, Nmcli: &Nmcli{Order: 6}},
	},
}
