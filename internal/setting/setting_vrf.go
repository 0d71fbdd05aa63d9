package setting

var settingVrf = &Info{
	Name:       "vrf",
	NmcliTitle: "VRF connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"vrf", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "table", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "table", Inf: InfRequired}},
	},
}
