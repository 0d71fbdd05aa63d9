package setting

var settingSriov = &Info{
	Name:       "sriov",
	NmcliTitle: "SR-IOV settings",
	Priority:   prioHWAux,
	Props: []*Property{
		{Name: "autoprobe-drivers", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 3, Type: ternaryType{}}},
		{Name: "total-vfs", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "vfs", Kind: KindSriovVFs, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 2}},
	},
}
