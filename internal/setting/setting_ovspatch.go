package setting

var settingOvsPatch = &Info{
	Name:       "ovs-patch",
	NmcliTitle: "Open vSwitch patch interface settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"ovs-patch", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "peer", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1}},
	},
}
