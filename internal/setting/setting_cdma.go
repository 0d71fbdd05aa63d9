package setting

var settingCdma = &Info{
	Name:       "cdma",
	NmcliTitle: "CDMA mobile broadband connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"cdma", true}, {"serial", false}, {"ppp", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("number", "#777") },
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 5, Type: mtuType{showAuto: true}}},
		{Name: "number", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "password"}},
		{Name: "password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 4}},
		{Name: "username", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "user"}},
	},
}
