package setting

var settingVpn = &Info{
	Name:       "vpn",
	NmcliTitle: "VPN connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"vpn", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "data", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 3, Type: vpnOptionsType}},
		{Name: "persistent", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "secrets", Kind: KindStrDict, DBus: "a{ss}", Secret: true, Default: map[string]string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 4, Type: vpnOptionsType}},
		{Name: "service-type", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "vpn-type", Inf: InfRequired, Type: stringType{validate: vpnServiceType}}},
		{Name: "timeout", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 6}},
		{Name: "user-name", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "user"}},
	},
}
