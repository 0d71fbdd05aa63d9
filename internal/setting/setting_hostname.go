package setting

var settingHostname = &Info{
	Name:       "hostname",
	NmcliTitle: "Hostname settings",
	Priority:   prioIP,
	Props: []*Property{
		{Name: "from-dhcp", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 2, Type: ternaryType{}}},
		{Name: "from-dns-lookup", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 3, Type: ternaryType{}}},
		{Name: "only-from-default", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 4, Type: ternaryType{}}},
		{Name: "priority", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 1}},
	},
}
