package setting

var settingWifiP2p = &Info{
	Name:       "wifi-p2p",
	NmcliTitle: "Wi-Fi P2P connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"wifi-p2p", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "peer", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "peer", Inf: InfRequired}},
		{Name: "wfd-ies", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "wps-method", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 2, Type: enumType{e: flagsWPSMethod}}},
	},
}
