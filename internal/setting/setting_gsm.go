package setting

var settingGsm = &Info{
	Name:       "gsm",
	NmcliTitle: "GSM mobile broadband connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"gsm", true}, {"serial", false}, {"ppp", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("apn", "internet") },
	Priority:   prioHWBase,
	Props: []*Property{
		// D-Bus only: allowed-bands (u)
		{Name: "apn", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 6, Alias: "apn", Type: stringType{emptyUnset: true}}},
		{Name: "auto-config", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 1, Type: boolType{after: gsmAutoConfigAfter}}},
		{Name: "device-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "home-only", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 14, Type: mtuType{showAuto: true}}},
		{Name: "network-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 7}},
		// D-Bus only: network-type (i)
		{Name: "number", Kind: KindString, DBus: "s", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "password"}},
		{Name: "password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "pin", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "pin-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "sim-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "sim-operator-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 13, Type: simOperatorIDType{}}},
		{Name: "username", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "user"}},
	},
}
