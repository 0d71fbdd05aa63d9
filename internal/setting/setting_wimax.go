package setting

var settingWimax = &Info{
	Name:       "wimax",
	NmcliTitle: "WiMAX connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"wimax", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "mac-address", Kind: KindMAC, DBus: "ay", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 1, Alias: "mac", Type: stringType{}}},
		{Name: "network-name", Kind: KindString, DBus: "s", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 2, Alias: "nsp", Inf: InfRequired, Type: macType{}}},
	},
}
