package setting

var settingOvsPatch = &Info{
	Name:     "ovs-patch",
	Priority: prioHWBase,
	Props: []*Property{
		{Name: "peer", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1}},
	},
}
