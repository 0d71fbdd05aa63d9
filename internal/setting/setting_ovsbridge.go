package setting

var settingOvsBridge = &Info{
	Name:       "ovs-bridge",
	NmcliTitle: "Open vSwitch bridge settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"ovs-bridge", true}, {"802-3-ethernet", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "datapath-type", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 5, Type: stringType{allowed: []string{"system", "netdev"}}}},
		{Name: "fail-mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Type: stringType{allowed: []string{"secure", "standalone"}}}},
		{Name: "mcast-snooping-enable", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "rstp-enable", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "stp-enable", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 4}},
	},
}
