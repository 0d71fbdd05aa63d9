package setting

var settingTc = &Info{
	Name:       "tc",
	NmcliTitle: "Traffic controls",
	Priority:   prioIP,
	Props: []*Property{
		{Name: "qdiscs", Kind: KindTCQdiscs, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 1}},
		{Name: "tfilters", Kind: KindTCTfilters, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 2}},
	},
}
